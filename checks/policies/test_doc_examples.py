"""The examples docs/access-model.md gives for what the stack cannot guard
itself: each is read from the document (after its `<!-- example: NAME -->`
marker), so the text users copy is the text checked."""

import json
import pathlib
import re

import pytest

from checks.policies.access_cases import ADMINISTRATOR, FULL_AWS_ACCESS
from checks.policies.iam_eval import ALLOW, EXPLICIT_DENY, Request, evaluate
from checks.policies.test_parliament import run_parliament

DOC = pathlib.Path(__file__).resolve().parent.parent.parent / "docs" / "access-model.md"


def example(name: str):
    """The JSON of the first fenced block after the marker of ``name``."""
    text = DOC.read_text()
    marker = f"<!-- example: {name} -->"
    assert text.count(marker) == 1, f"docs/access-model.md lost the example {name}"
    after = text.split(marker, 1)[1]
    block = re.match(r"\s*```json\n(.*?)\n```", after, re.DOTALL)
    assert block, f"no ```json block right after the marker of {name}"
    return json.loads(block.group(1))


TOPIC = "arn:aws:sns:eu-west-1:111122223333:security-alerts"
ADMIN = {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Admin"}
SECURITY = {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/SECURITY-TEAM-ROLE-NAME"}

TOPIC_CASES = [
    ("an admin deletes the topic", "sns:DeleteTopic", TOPIC, ADMIN, EXPLICIT_DENY),
    ("an admin rewrites its policy or key", "sns:SetTopicAttributes", TOPIC, ADMIN, EXPLICIT_DENY),
    ("an admin unsubscribes the on-call address", "sns:Unsubscribe", "*", ADMIN, EXPLICIT_DENY),
    ("an admin sets a filter policy on a subscription", "sns:SetSubscriptionAttributes", "*", ADMIN, EXPLICIT_DENY),
    ("an admin publishes a test message", "sns:Publish", TOPIC, ADMIN, ALLOW),
    ("an admin deletes another topic", "sns:DeleteTopic", "arn:aws:sns:eu-west-1:111122223333:builds", ADMIN, ALLOW),
    ("the security team changes the topic", "sns:SetTopicAttributes", TOPIC, SECURITY, ALLOW),
]


@pytest.mark.parametrize("what,action,resource,context,expected", TOPIC_CASES, ids=[c[0] for c in TOPIC_CASES])
def test_the_alarm_topic_example_guards_the_topic_and_its_subscriptions(what, action, resource, context, expected):
    scp = example("alarm-topic-guard")
    decision = evaluate(Request(action, resource, context), [ADMINISTRATOR], scps=[FULL_AWS_ACCESS, scp])
    assert decision.result == expected, decision.deciding


def test_the_alarm_topic_example_is_clean_for_parliament():
    result, findings = run_parliament(json.dumps(example("alarm-topic-guard")))
    assert not findings, findings
    assert "Traceback" not in result.stderr, result.stderr
