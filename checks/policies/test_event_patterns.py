"""The rules of template.yaml against events: what must and must not trigger."""

import copy
import json
import pathlib

import pytest
from cfnlint.decode import decode_str

from checks.policies.event_patterns import matches

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
EVENTS = ROOT / "events"


# (template, rule that forwards or delivers RunInstances, rule for the source tag)
RULES = [
    ("template.yaml", "RunInstancesRule", "SourceTagRule"),
    ("central.yaml", "RunInstancesRule", "SourceTagRule"),
    ("member.yaml", "ForwardRunInstancesRule", "ForwardSourceTagRule"),
]


def resolved_patterns(source_key="CreatedBy", template_name="template.yaml"):
    """{"RunInstancesRule": pattern, "SourceTagRule": pattern} of one template."""
    template, _ = decode_str((ROOT / template_name).read_text())

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
    [(_, run_rule, tag_rule)] = [r for r in RULES if r[0] == template_name]
    # json round trip: plain str/bool instead of cfn-lint's node subclasses
    return {
        generic: json.loads(json.dumps(resolve(rules[name]["Properties"]["EventPattern"])))
        for generic, name in (("RunInstancesRule", run_rule), ("SourceTagRule", tag_rule))
    }


def event(name):
    return json.loads((EVENTS / name).read_text())


TAGGER_ARN = "arn:aws:sts::111122223333:assumed-role/tagger-TaggerFunctionRole-1EXAMPLE/tagger-TaggerFunction-EXAMPLE"


def own_write(created_by_event):
    """What CloudTrail records for the function's own CreateTags: the target
    key, and the launched-by key beside it for a self-service launch."""
    e = copy.deepcopy(created_by_event)
    e["detail"]["requestParameters"]["resourcesSet"]["items"] = [{"resourceId": "i-0123456789abcdef0"}]
    e["detail"]["requestParameters"]["tagSet"]["items"] = [
        {"key": "AwsUserId", "value": "AROAEXAMPLEID1234567:tim.malone@example.org"},
        {"key": "AwsUserIdLaunchedBy", "value": "tim.malone@example.org"},
    ]
    e["detail"]["userIdentity"]["arn"] = TAGGER_ARN
    return e


def delete_tags(created_by_event, items, resource="i-0123456789abcdef0", tag_set="items"):
    """A DeleteTags record as CloudTrail writes it: ``items`` are the tag
    items (key, optional value); ``tag_set`` = "items" writes them, "empty"
    writes ``tagSet: {}``, "empty-items" ``tagSet: {items: []}`` and "absent"
    no tagSet at all (a DeleteTags without keys, which deletes every tag)."""
    e = copy.deepcopy(created_by_event)
    e["detail"]["eventName"] = "DeleteTags"
    params = e["detail"]["requestParameters"]
    params["resourcesSet"]["items"] = [{"resourceId": resource}]
    if tag_set == "items":
        params["tagSet"] = {"items": items}
    elif tag_set == "empty":
        params["tagSet"] = {}
    elif tag_set == "empty-items":
        params["tagSet"] = {"items": []}
    else:
        del params["tagSet"]
    return e


def create_tags_without_items(created_by_event):
    e = delete_tags(created_by_event, [], tag_set="absent")
    e["detail"]["eventName"] = "CreateTags"
    return e


def own_delete(created_by_event, keys):
    e = delete_tags(created_by_event, [{"key": k} for k in keys])
    e["detail"]["userIdentity"]["arn"] = TAGGER_ARN
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


def sweep_request(publisher="111122223333", account="777788889999"):
    """events/sweep-request.json as published by ``publisher``: EventBridge
    writes the sender's account in ``account``, whatever the entry says."""
    e = event("sweep-request.json")
    e["account"], e["detail"]["account"] = publisher, account
    return e


CREATE_TAGS = event("create-tags.json")
SWEEP_REQUEST = event("sweep-request.json")
CASES = [
    # (description, event, RunInstancesRule matches, SourceTagRule matches)
    ("run-instances-one.json", event("run-instances-one.json"), True, False),
    ("run-instances-three.json", event("run-instances-three.json"), True, False),
    ("run-instances-self-service.json", event("run-instances-self-service.json"), True, False),
    ("run-instances-failed.json (errorCode)", event("run-instances-failed.json"), False, False),
    ("RunInstances dry run", failed(event("run-instances-one.json"), "Client.DryRunOperation"), False, False),
    ("create-tags.json (CreatedBy on an instance and a volume)", CREATE_TAGS, False, True),
    ("CreateTags setting CreatedBy among other keys", other_key(CREATE_TAGS, "CreatedBy"), False, True),
    ("the function's own CreateTags (AwsUserId and AwsUserIdLaunchedBy)", own_write(CREATE_TAGS), False, False),
    ("CreateTags of CreatedBy on a volume only", volume_only(CREATE_TAGS), False, False),
    ("CreateTags with lower-case createdby", other_key(CREATE_TAGS, "createdby"), False, False),
    ("failed CreateTags", failed(CREATE_TAGS), False, False),
    ("scheduled.json", event("scheduled.json"), False, False),
    # DeleteTags: revocation must hear of every removal of the source tag ...
    ("delete-tags.json", event("delete-tags.json"), False, True),
    ("DeleteTags of CreatedBy alone", delete_tags(CREATE_TAGS, [{"key": "CreatedBy"}]), False, True),
    ("DeleteTags of CreatedBy with a value", delete_tags(CREATE_TAGS, [{"key": "CreatedBy", "value": "tim.malone@example.org"}]), False, True),
    ("DeleteTags of CreatedBy among other keys", delete_tags(CREATE_TAGS, [{"key": "Project"}, {"key": "CreatedBy"}]), False, True),
    ("DeleteTags without keys (deletes all; no tagSet)", delete_tags(CREATE_TAGS, [], tag_set="absent"), False, True),
    ("DeleteTags without keys (tagSet {})", delete_tags(CREATE_TAGS, [], tag_set="empty"), False, True),
    ("DeleteTags without keys (tagSet items [])", delete_tags(CREATE_TAGS, [], tag_set="empty-items"), False, True),
    # ... and never of the function's own revocations, nor of other keys.
    ("the function's own DeleteTags of AwsUserId", own_delete(CREATE_TAGS, ["AwsUserId"]), False, False),
    ("the function's own DeleteTags of AwsUserIdLaunchedBy", own_delete(CREATE_TAGS, ["AwsUserIdLaunchedBy"]), False, False),
    ("the function's own DeleteTags of both its keys", own_delete(CREATE_TAGS, ["AwsUserId", "AwsUserIdLaunchedBy"]), False, False),
    ("DeleteTags of another key only", delete_tags(CREATE_TAGS, [{"key": "Project"}]), False, False),
    ("DeleteTags of lower-case createdby", delete_tags(CREATE_TAGS, [{"key": "createdby"}]), False, False),
    ("DeleteTags of CreatedBy on a volume only", delete_tags(CREATE_TAGS, [{"key": "CreatedBy"}], resource="vol-0123456789abcdef0"), False, False),
    ("DeleteTags without keys on a volume only", delete_tags(CREATE_TAGS, [], resource="vol-0123456789abcdef0", tag_set="absent"), False, False),
    ("failed DeleteTags of CreatedBy", failed(delete_tags(CREATE_TAGS, [{"key": "CreatedBy"}])), False, False),
    ("DeleteTags dry run without keys", failed(delete_tags(CREATE_TAGS, [], tag_set="absent"), "Client.DryRunOperation"), False, False),
    ("CreateTags without any tag item", create_tags_without_items(CREATE_TAGS), False, False),
    # Central mode's own sweep requests share the central bus with the members'
    # events: the launch and source-tag rules never take them.
    ("sweep-request.json", SWEEP_REQUEST, False, False),
    ("a sweep request published by a member account", sweep_request(publisher="777788889999"), False, False),
]


@pytest.mark.parametrize("template_name", [r[0] for r in RULES])
@pytest.mark.parametrize("description,evt,run_rule,tag_rule", CASES, ids=[c[0] for c in CASES])
def test_rule_matching(description, evt, run_rule, tag_rule, template_name):
    patterns = resolved_patterns(template_name=template_name)
    assert matches(patterns["RunInstancesRule"], evt) is run_rule
    assert matches(patterns["SourceTagRule"], evt) is tag_rule


def test_every_template_uses_the_same_patterns():
    # member.yaml forwards to central.yaml's bus; both must see what a
    # per-account stack sees.
    reference = resolved_patterns()
    for template_name, _, _ in RULES:
        assert resolved_patterns(template_name=template_name) == reference, template_name


def test_the_delete_all_alternative_is_for_delete_tags_only():
    # A CreateTags without tags cannot exist, but the pattern says so anyway:
    # the key-less alternative names DeleteTags alone.
    [tag_rule_any, tag_rule_all] = resolved_patterns()["SourceTagRule"]["detail"]["$or"]
    assert tag_rule_all["eventName"] == ["DeleteTags"]
    assert tag_rule_all["requestParameters"]["tagSet"]["items"]["key"] == [{"exists": False}]
    assert tag_rule_any["eventName"] == ["CreateTags", "DeleteTags"]


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


def test_or_matching_follows_the_documented_semantics():
    # EventBridge User Guide, "Content filtering", "Or matching": the pattern
    # matches when any alternative matches, ANDed with the fields beside $or;
    # alternatives are relative to the level where $or stands.
    pattern = {"source": ["aws.ec2"], "detail": {"$or": [{"a": ["1"]}, {"b": {"c": ["2"]}}]}}
    assert matches(pattern, {"source": "aws.ec2", "detail": {"a": "1"}})
    assert matches(pattern, {"source": "aws.ec2", "detail": {"b": {"c": "2"}}})
    assert not matches(pattern, {"source": "aws.ec2", "detail": {"a": "2", "b": {"c": "1"}}})
    assert not matches(pattern, {"source": "aws.s3", "detail": {"a": "1"}})
    # At the top level too, and an alternative may name a field its sibling names.
    top = {"$or": [{"source": ["aws.ec2"], "detail": {"a": ["1"]}}, {"source": ["aws.ec2"], "detail": {"a": ["2"]}}]}
    assert matches(top, {"source": "aws.ec2", "detail": {"a": "2"}})
    assert not matches(top, {"source": "aws.ec2", "detail": {"a": "3"}})
    with pytest.raises(ValueError):
        matches({"$or": [{"a": ["1"]}]}, {"a": "1"})


def test_exists_false_through_arrays_of_objects():
    pattern = {"tagSet": {"items": {"key": [{"exists": False}]}}}
    assert matches(pattern, {})
    assert matches(pattern, {"tagSet": {}})
    assert matches(pattern, {"tagSet": {"items": []}})
    assert not matches(pattern, {"tagSet": {"items": [{"key": "CreatedBy"}]}})
    assert not matches(pattern, {"tagSet": {"items": [{"value": "x"}, {"key": "CreatedBy"}]}})


# central.yaml's SweepRequestRule, with ${AWS::AccountId} the function's account.
CENTRAL_ACCOUNT = SWEEP_REQUEST["account"]


def sweep_request_pattern(account=CENTRAL_ACCOUNT):
    template, _ = decode_str((ROOT / "central.yaml").read_text())
    pattern = json.loads(json.dumps(template["Resources"]["SweepRequestRule"]["Properties"]["EventPattern"]))
    assert pattern["account"] == [{"Ref": "AWS::AccountId"}]
    pattern["account"] = [account]
    return pattern


SWEEP_CASES = [
    # (description, event, SweepRequestRule matches)
    ("sweep-request.json (published by the function's own account)", SWEEP_REQUEST, True),
    ("a sweep request published by a member account (the bus admits the organization)",
     sweep_request(publisher="777788889999"), False),
    ("a member account's request to sweep itself", sweep_request(publisher="777788889999", account="777788889999"), False),
    ("a sweep request with another detail-type", dict(SWEEP_REQUEST, **{"detail-type": "Sweep Requests"}), False),
    ("a sweep request with another source", dict(SWEEP_REQUEST, source="aws-userid-tagger.test"), False),
    ("a sweep request without an account", {k: v for k, v in SWEEP_REQUEST.items() if k != "account"}, False),
] + [
    # Every CloudTrail event and the schedule of the cases above: never a sweep request.
    (description, evt, False) for description, evt, _, _ in CASES if evt["source"] != SWEEP_REQUEST["source"]
]


@pytest.mark.parametrize("description,evt,expected", SWEEP_CASES, ids=[c[0] for c in SWEEP_CASES])
def test_sweep_request_rule_matching(description, evt, expected):
    assert matches(sweep_request_pattern(), evt) is expected


def test_sweep_requests_are_their_own_rule_and_their_own_source():
    # No member forwarding rule or launch rule names the function's source, and
    # the sweep rule names nothing but it: the two kinds of events cannot meet.
    pattern = sweep_request_pattern()
    assert pattern["source"] == [SWEEP_REQUEST["source"]] and not SWEEP_REQUEST["source"].startswith("aws.")
    for template_name, _, _ in RULES:
        for rule in resolved_patterns(template_name=template_name).values():
            assert rule["source"] == ["aws.ec2"], template_name
