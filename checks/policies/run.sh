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
if ! "$python" -c "import pytest, cfnlint, parliament" 2>/dev/null; then
  echo "checks/policies: $python lacks pytest, cfn-lint or parliament;" \
       "install requirements-test.txt (make venv)" >&2
  exit 2
fi
export PYTHONDONTWRITEBYTECODE=1
cd "$root"
# From the root, where the checks and policies packages are; the conftest.py
# of checks/ (moto, the binary) is not needed here.
exec "$python" -m pytest -p no:cacheprovider --confcutdir=checks/policies -q checks/policies "$@"
