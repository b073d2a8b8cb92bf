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


def assert_decision(example_name, action, resource, context, expected):
    """An administrator's request under full access and the example SCP."""
    scp = example(example_name)
    decision = evaluate(Request(action, resource, context), [ADMINISTRATOR], scps=[FULL_AWS_ACCESS, scp])
    assert decision.result == expected, decision.deciding


@pytest.mark.parametrize("what,action,resource,context,expected", TOPIC_CASES, ids=[c[0] for c in TOPIC_CASES])
def test_the_alarm_topic_example_guards_the_topic_and_its_subscriptions(what, action, resource, context, expected):
    assert_decision("alarm-topic-guard", action, resource, context, expected)


GUARD_SCP = "arn:aws:organizations::999988887777:policy/o-exampleorgid/service_control_policy/p-guardscp1"
OTHER_SCP = "arn:aws:organizations::999988887777:policy/o-exampleorgid/service_control_policy/p-otherscp9"
ROOT_ARN = "arn:aws:organizations::999988887777:root/o-exampleorgid/r-ex12"
DELEGATE = {"aws:PrincipalArn": "arn:aws:iam::555566667777:role/Admin"}
OWNER = {"aws:PrincipalArn": "arn:aws:iam::555566667777:role/GUARD-OWNER-ROLE-NAME"}
SCP_TYPE = {"organizations:PolicyType": "SERVICE_CONTROL_POLICY"}

DELEGATE_CASES = [
    ("the delegate detaches a guard SCP", "organizations:DetachPolicy", GUARD_SCP, {**DELEGATE, **SCP_TYPE}, EXPLICIT_DENY),
    ("the delegate empties a guard SCP", "organizations:UpdatePolicy", GUARD_SCP, {**DELEGATE, **SCP_TYPE}, EXPLICIT_DENY),
    ("the delegate deletes a guard SCP", "organizations:DeletePolicy", GUARD_SCP, {**DELEGATE, **SCP_TYPE}, EXPLICIT_DENY),
    ("the delegate turns SCPs off", "organizations:DisablePolicyType", ROOT_ARN, {**DELEGATE, **SCP_TYPE}, EXPLICIT_DENY),
    ("the delegate detaches another SCP", "organizations:DetachPolicy", OTHER_SCP, {**DELEGATE, **SCP_TYPE}, ALLOW),
    ("the delegate turns tag policies off", "organizations:DisablePolicyType", ROOT_ARN,
     {**DELEGATE, "organizations:PolicyType": "TAG_POLICY"}, ALLOW),
    ("the guard's owner updates a guard SCP", "organizations:UpdatePolicy", GUARD_SCP, {**OWNER, **SCP_TYPE}, ALLOW),
]


@pytest.mark.parametrize("what,action,resource,context,expected", DELEGATE_CASES, ids=[c[0] for c in DELEGATE_CASES])
def test_the_delegated_administrator_example_keeps_the_guard_scps_with_their_owner(what, action, resource, context, expected):
    assert_decision("delegated-admin-guard", action, resource, context, expected)


@pytest.mark.parametrize("name", ["alarm-topic-guard", "delegated-admin-guard"])
def test_the_example_scps_are_clean_for_parliament(name):
    result, findings = run_parliament(json.dumps(example(name)))
    assert not findings, findings
    assert "Traceback" not in result.stderr, result.stderr


def organizations_call(name, error=None, **parameters):
    detail = {"eventSource": "organizations.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
              "requestParameters": parameters or None}
    if error:
        detail["errorCode"] = error
    return {"version": "0", "source": "aws.organizations", "detail-type": "AWS API Call via CloudTrail",
            "account": "999988887777", "region": "us-east-1", "detail": detail}


ALERT_CASES = [
    ("a guard SCP detached", organizations_call("DetachPolicy", policyId="p-guardscp1", targetId="ou-ex12-abcdefgh"), True),
    ("a guard SCP emptied", organizations_call("UpdatePolicy", policyId="p-guardscp2", content="{}"), True),
    ("a refused attempt to delete one", organizations_call("DeletePolicy", "AccessDeniedException", policyId="p-guardscp1"), True),
    ("SCPs turned off", organizations_call("DisablePolicyType", rootId="r-ex12", policyType="SERVICE_CONTROL_POLICY"), True),
    ("an account moved", organizations_call("MoveAccount", accountId="111122223333", sourceParentId="ou-ex12-abcdefgh",
                                            destinationParentId="ou-ex12-zzzzzzzz"), True),
    ("the delegation changed", organizations_call("PutResourcePolicy", content="{}"), True),
    ("another SCP detached", organizations_call("DetachPolicy", policyId="p-otherscp9", targetId="ou-ex12-abcdefgh"), False),
    ("a guard SCP attached", organizations_call("AttachPolicy", policyId="p-guardscp1", targetId="ou-ex12-zzzzzzzz"), False),
    ("a guard SCP read", organizations_call("DescribePolicy", policyId="p-guardscp1"), False),
]


@pytest.mark.parametrize("what,event,expected", ALERT_CASES, ids=[c[0] for c in ALERT_CASES])
def test_the_guard_change_alert_matches_changes_to_the_guard_and_nothing_else(what, event, expected):
    from checks.policies.event_patterns import matches

    assert matches(example("guard-change-alert"), event) is expected
