"""The endpoint fixture the Swift tests compare every region against is what
the pinned botocore resolves today: a new botocore (requirements-test.txt)
with a new region or partition fails here until the fixture is recorded again."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
RECORDER = ROOT / "Tests" / "AWSQueryTests" / "Fixtures" / "record-botocore-endpoints.py"


def test_the_endpoint_fixture_is_what_the_pinned_botocore_resolves():
    run = subprocess.run([sys.executable, str(RECORDER), "--check"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"re-record with `.venv/bin/python {RECORDER.relative_to(ROOT)}`:\n{run.stdout}{run.stderr}"
