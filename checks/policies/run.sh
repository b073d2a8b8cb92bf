#!/usr/bin/env bash
# Policy and template checks: cfn-lint on template.yaml, parliament on every
# policy in policies/, the template/policy agreement, the IAM evaluator's own
# tests and the access-model cases. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ -n "${POLICY_CHECKS_PYTHON:-}" ]]; then
  python="$POLICY_CHECKS_PYTHON"
elif [[ -x "$root/.venv/bin/python" ]]; then
  python="$root/.venv/bin/python"
else
  python="$(command -v python3)"
fi
export PYTHONDONTWRITEBYTECODE=1
cd "$root"
exec "$python" -m pytest -p no:cacheprovider --rootdir="$here" --confcutdir="$here" -q "$here" "$@"
