"""The access model, case by case: the policies in policies/ evaluated for the
requests that matter (see access_cases.py for how each request context is built)."""

import pathlib

import pytest

from checks.policies.access_cases import CASES, table

DOC = pathlib.Path(__file__).resolve().parent.parent.parent / "docs" / "access-model.md"


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=[f"{n:02d}-{c.policies}-{c.who.name}-{c.action}-{c.target}".replace(" ", "_") for n, c in enumerate(CASES, 1)],
)
def test_case(case):
    decision = case.decide()
    assert decision.result == case.expected, f"{case.action} on {case.resource}: decided by {decision.deciding}"


def test_every_outcome_is_exercised():
    # A table of only allows (or only denies) would prove nothing.
    outcomes = {c.expected for c in CASES}
    assert outcomes == {"Allow", "ExplicitDeny", "ImplicitDeny"}


def test_the_documented_table_is_the_current_one():
    text = DOC.read_text()
    begin, end = "<!-- BEGIN semantics-table -->\n", "<!-- END semantics-table -->"
    assert begin in text and end in text, "docs/access-model.md lost its table markers"
    documented = text.split(begin, 1)[1].split(end, 1)[0]
    assert documented == table(), "regenerate the table: python3 -m checks.policies.access_cases --write-doc"
