"""Shared fixtures for the policy checks: paths and the policy files."""

import json
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
POLICIES = ROOT / "policies"

sys.path.insert(0, str(HERE))


def load(relative: str) -> dict:
    return json.loads((POLICIES / relative).read_text())


@pytest.fixture(scope="session")
def policies():
    return load
