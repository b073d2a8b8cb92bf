"""Every policy file through parliament (its --string form: --file refuses to
run when standard input is not a terminal, as in CI)."""

import json
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "policies").rglob("*.json"))

# Findings we accept, each for a documented reason; anything else fails.
ACCEPTED = {
    # Documented by Session Manager ("Enforce a session document permission
    # check"), absent from parliament's bundled IAM definitions.
    ("UNKNOWN_CONDITION_FOR_ACTION", "Unknown condition ssm:SessionDocumentAccessCheck for action ssm:StartSession"),
}


def parliament_command():
    script = pathlib.Path(sys.executable).with_name("parliament")
    if script.exists():
        return [str(script)]
    found = shutil.which("parliament")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from parliament.cli import main; sys.exit(main(sys.argv))"]


def run_parliament(policy_text: str, *extra: str):
    result = subprocess.run(
        parliament_command() + ["--json", "--string", policy_text, *extra],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    findings = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result, findings


def test_policy_files_were_found():
    assert "policies/users-role.json" in FILES and "policies/guard/scp.json" in FILES and len(FILES) >= 5


@pytest.mark.parametrize("path", FILES)
def test_parliament_reports_nothing_unexplained(path):
    text = (ROOT / path).read_text()
    json.loads(text)
    result, findings = run_parliament(text)
    for f in findings:
        print(f"{path}: {f['severity']} {f['issue']}: {f['detail']}")
    unexplained = [f for f in findings if (f["issue"], f["detail"]) not in ACCEPTED]
    assert not unexplained, unexplained
    assert "Traceback" not in result.stderr, result.stderr


def test_parliament_does_flag_a_bad_policy():
    # The check is live: a policy with a typo'd action and a mismatched
    # resource must produce findings.
    bad = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ssm:StartSesion", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:s3:::bucket"},
    ]})
    _, findings = run_parliament(bad)
    issues = {f["issue"] for f in findings}
    assert "UNKNOWN_ACTION" in issues and "RESOURCE_MISMATCH" in issues, findings


# Size quotas: an SCP document holds at most 5,120 characters, a customer
# managed policy 6,144 characters not counting white space, and all inline
# policies of one role together 10,240 (IAM and AWS Organizations quotas).
LIMITS = {
    "policies/guard/scp.json": 5120,
    "policies/guard/scp-protection.json": 5120,
    "policies/guard/scp-central-bus.json": 5120,
    "policies/users-role.json": 6144,
    "policies/abac/users-role.json": 6144,
    "policies/guard/users-permissions-boundary.json": 6144,
    "policies/function-role.json": 10240,
}


@pytest.mark.parametrize("path,limit", sorted(LIMITS.items()))
def test_policy_fits_its_size_quota(path, limit):
    compact = json.dumps(json.loads((ROOT / path).read_text()), separators=(",", ":"))
    # The tag keys are parameters of up to 128 characters, role names of up to
    # 64, SAML provider names of up to 128: size the worst case.
    longest = {"AwsUserId": 128, "CreatedBy": 128, "PLATFORM-LAUNCH-ROLE-NAME": 64, "PLATFORM-DEPLOYER-ROLE-NAME": 64,
               "Okta-ServiceWorkbenchUser": 64, "PLACEHOLDER-IDP": 128}
    worst = len(compact) + sum(compact.count(key) * (size - len(key)) for key, size in longest.items())
    assert worst <= limit, f"{path}: {len(compact)} characters, {worst} with 128-character tag keys"
