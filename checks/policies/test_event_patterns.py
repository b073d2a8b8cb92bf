"""The rules of template.yaml against events: what must and must not trigger."""

import copy
import json
import pathlib

import pytest
from cfnlint.decode import decode_str

from event_patterns import matches

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
EVENTS = ROOT / "events"


def resolved_patterns(source_key="CreatedBy"):
    template, _ = decode_str((ROOT / "template.yaml").read_text())

    def resolve(node):
        if isinstance(node, dict):
            if set(node) == {"Ref"}:
                assert node["Ref"] == "SourceTagKey", node
                return source_key
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    rules = template["Resources"]
    # json round trip: plain str/bool instead of cfn-lint's node subclasses
    return {
        name: json.loads(json.dumps(resolve(rules[name]["Properties"]["EventPattern"])))
        for name in ("RunInstancesRule", "SourceTagRule")
    }


def event(name):
    return json.loads((EVENTS / name).read_text())


def own_write(created_by_event):
    """What CloudTrail records for the function's own CreateTags."""
    e = copy.deepcopy(created_by_event)
    e["detail"]["requestParameters"]["resourcesSet"]["items"] = [{"resourceId": "i-0123456789abcdef0"}]
    e["detail"]["requestParameters"]["tagSet"]["items"] = [{"key": "AwsUserId", "value": "AROAEXAMPLEID1234567:tim.malone@example.org"}]
    e["detail"]["userIdentity"]["arn"] = "arn:aws:sts::111122223333:assumed-role/tagger-TaggerFunctionRole-1EXAMPLE/tagger-TaggerFunction-EXAMPLE"
    return e


def failed(e, code="Client.UnauthorizedOperation"):
    e = copy.deepcopy(e)
    e["detail"]["errorCode"] = code
    e["detail"]["responseElements"] = None
    return e


def volume_only(e):
    e = copy.deepcopy(e)
    e["detail"]["requestParameters"]["resourcesSet"]["items"] = [{"resourceId": "vol-0123456789abcdef0"}]
    return e


def other_key(e, key):
    e = copy.deepcopy(e)
    e["detail"]["requestParameters"]["tagSet"]["items"] = [{"key": "Project", "value": "x"}, {"key": key, "value": "y"}]
    return e


CREATE_TAGS = event("create-tags.json")
CASES = [
    # (description, event, RunInstancesRule matches, SourceTagRule matches)
    ("run-instances-one.json", event("run-instances-one.json"), True, False),
    ("run-instances-three.json", event("run-instances-three.json"), True, False),
    ("run-instances-self-service.json", event("run-instances-self-service.json"), True, False),
    ("run-instances-failed.json (errorCode)", event("run-instances-failed.json"), False, False),
    ("RunInstances dry run", failed(event("run-instances-one.json"), "Client.DryRunOperation"), False, False),
    ("create-tags.json (CreatedBy on an instance and a volume)", CREATE_TAGS, False, True),
    ("CreateTags setting CreatedBy among other keys", other_key(CREATE_TAGS, "CreatedBy"), False, True),
    ("the function's own CreateTags (AwsUserId only)", own_write(CREATE_TAGS), False, False),
    ("CreateTags of CreatedBy on a volume only", volume_only(CREATE_TAGS), False, False),
    ("CreateTags with lower-case createdby", other_key(CREATE_TAGS, "createdby"), False, False),
    ("failed CreateTags", failed(CREATE_TAGS), False, False),
    ("scheduled.json", event("scheduled.json"), False, False),
]


@pytest.mark.parametrize("description,evt,run_rule,tag_rule", CASES, ids=[c[0] for c in CASES])
def test_rule_matching(description, evt, run_rule, tag_rule):
    patterns = resolved_patterns()
    assert matches(patterns["RunInstancesRule"], evt) is run_rule
    assert matches(patterns["SourceTagRule"], evt) is tag_rule


def test_source_key_parameter_is_what_the_rule_matches():
    patterns = resolved_patterns(source_key="Owner")
    assert not matches(patterns["SourceTagRule"], CREATE_TAGS)
    assert matches(patterns["SourceTagRule"], other_key(CREATE_TAGS, "Owner"))


def test_matcher_follows_the_documented_array_semantics():
    # EventBridge docs, "Arrays in event patterns": a pattern array matches an
    # event array when the two intersect.
    pattern = {"resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f", "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f"]}
    evt = {"resources": ["arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x", "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]}
    assert matches(pattern, evt)
    assert not matches(pattern, {"resources": ["arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"]})
    assert not matches({"detail": {"state": ["terminated"]}}, {"detail": {}})
    assert matches({"detail": {"errorCode": [{"exists": False}]}}, {"detail": {}})
    assert not matches({"detail": {"errorCode": [{"exists": False}]}}, {"detail": {"errorCode": "x"}})
    with pytest.raises(NotImplementedError):
        matches({"detail": {"x": [{"anything-but": "y"}]}}, {"detail": {"x": "z"}})
