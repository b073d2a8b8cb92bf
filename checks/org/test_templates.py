"""central.yaml, member.yaml and stackset.yaml: cfn-lint clean, StackSet-safe
(no names that collide, no region, account or partition written down), one
policy text with policies/, and stackset.yaml what SAM makes of template.yaml."""
import json
import pathlib
import re
import subprocess
import sys

import pytest

from checks.org import stackset
from checks.policies.iam_eval import ALLOW, EXPLICIT_DENY, IMPLICIT_DENY, Request, evaluate
from policies import render

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent

TEMPLATES = ["central.yaml", "member.yaml", "stackset.yaml"]
# The placeholders of policies/member/* (docs/organizations.md, "Placeholders").
EXAMPLE = {
    "AWS::Partition": "aws", "AWS::Region": "eu-west-1", "AWS::AccountId": "111122223333",
    "CentralFunctionRoleArn": "arn:aws:iam::444455556666:role/aws-userid-tagger/CENTRAL-FUNCTION-ROLE-NAME",
    "OrganizationId": "o-exampleorgid", "ExternalId": "EXAMPLE-EXTERNAL-ID", "MemberRoleName": "aws-userid-tagger-member",
}
# The central stack as policies/member/README.md writes it: account, region and stack name.
CENTRAL = dict(EXAMPLE, **{"AWS::AccountId": "444455556666", "AWS::Region": "us-east-1",
                           "AWS::StackName": "aws-userid-tagger-central"})
CENTRAL_BUS = "arn:aws:events:us-east-1:444455556666:event-bus/aws-userid-tagger-central-ec2-launches"


def load(name):
    from cfnlint.decode import decode_str

    template, matches = decode_str((ROOT / name).read_text())
    assert not matches, matches
    return template


def resolve(node, values, conditions):
    """What CloudFormation makes of `node` with these parameter values: Ref,
    Fn::Sub, Fn::Select, Fn::Split and Fn::If, the functions the policies use."""
    if isinstance(node, list):
        return [resolve(item, values, conditions) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"}:
        return values[node["Ref"]]
    if set(node) == {"Fn::Sub"}:
        text, extra = (node["Fn::Sub"], {}) if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"]
        scope = dict(values, **{k: resolve(v, values, conditions) for k, v in extra.items()})
        return re.sub(r"\$\{([^}!]*)\}", lambda m: scope[m.group(1)], text).replace("${!", "${")
    if set(node) == {"Fn::Select"}:
        index, items = node["Fn::Select"]
        return resolve(items, values, conditions)[int(index)]
    if set(node) == {"Fn::Split"}:
        separator, text = node["Fn::Split"]
        return resolve(text, values, conditions).split(separator)
    if set(node) == {"Fn::If"}:
        name, yes, no = node["Fn::If"]
        return resolve(yes if conditions[name] else no, values, conditions)
    return {key: resolve(value, values, conditions) for key, value in node.items()}


def cfn_lint_command():
    script = pathlib.Path(sys.executable).with_name("cfn-lint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cfnlint"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_cfn_lint_reports_nothing(name):
    result = subprocess.run(cfn_lint_command() + [name], capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def test_member_role_permissions_are_rendered_from_the_function_role_policy():
    text = (ROOT / "member.yaml").read_text()
    assert render.render_template(text) == text, "member.yaml is stale: render it like template.yaml (policies/render.py)"
    [(path, sub)] = render.generated_blocks(text).items()
    assert path == "policies/function-role.json"
    assert json.loads(render.unrender_string(sub)) == json.loads((ROOT / path).read_text())


def test_member_trust_policy_is_the_shipped_one_and_drops_only_an_empty_external_id():
    role = load("member.yaml")["Resources"]["MemberRole"]["Properties"]
    shipped = json.loads((ROOT / "policies/member/member-trust.policy").read_text())
    assert resolve(role["AssumeRolePolicyDocument"], EXAMPLE, {"HasExternalId": True}) == shipped
    without = resolve(role["AssumeRolePolicyDocument"], dict(EXAMPLE, ExternalId=""), {"HasExternalId": False})
    del shipped["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"]
    assert without == shipped
    assert role["Path"] == "/aws-userid-tagger/", "the guard in policies/guard/ protects this path"


def central_role_policies(list_accounts=True):
    """The central role's inline policies, {name: document}, as deployed with
    the ListOrganizationAccounts condition `list_accounts` (the only Fn::If of
    the list; an AWS::NoValue branch drops the policy)."""
    policies = {}
    for item in load("central.yaml")["Resources"]["TaggerFunctionRole"]["Properties"]["Policies"]:
        if set(item) == {"Fn::If"}:
            condition, yes, no = item["Fn::If"]
            assert condition == "ListOrganizationAccounts", condition
            item = yes if list_accounts else no
            if item == {"Ref": "AWS::NoValue"}:
                continue
        policies[item["PolicyName"]] = item["PolicyDocument"]
    return policies


def test_central_function_may_assume_only_the_member_role_inside_the_organization():
    assume = central_role_policies()["assume-member-roles"]
    assert resolve(assume, EXAMPLE, {}) == json.loads((ROOT / "policies/member/central-assume.json").read_text())


def central_publish_policy():
    return central_role_policies()["publish-sweep-requests"]


def test_central_function_may_publish_only_sweep_requests_on_its_own_bus():
    resources = load("central.yaml")["Resources"]
    publish = central_publish_policy()
    assert resolve(publish, CENTRAL, {}) == json.loads((ROOT / "policies/member/central-publish.json").read_text())
    # The bus the policy names is the stack's bus (as its own policy writes its
    # ARN), and the one the function is told to publish to.
    [statement] = publish["Statement"]
    assert statement["Resource"] == resources["CentralEventBus"]["Properties"]["Policy"]["Statement"][0]["Resource"]
    env = resources["TaggerFunction"]["Properties"]["Environment"]["Variables"]
    assert env["TAGGER_EVENT_BUS"] == {"Fn::GetAtt": ["CentralEventBus", "Arn"]}
    # Nothing else of the role may call EventBridge.
    others = [d for name, d in central_role_policies().items() if name != "publish-sweep-requests"]
    assert not [s for d in others for s in d["Statement"] if "events:" in json.dumps(s["Action"])]


# (what the request carries, the decision): the shipped policy evaluated by checks/policies/iam_eval.py.
PUBLISH_CASES = [
    ("a sweep request on the central bus", "events:PutEvents", CENTRAL_BUS,
     {"events:source": ["aws-userid-tagger"], "events:detail-type": "Sweep Request"}, ALLOW),
    ("a forged CloudTrail event", "events:PutEvents", CENTRAL_BUS,
     {"events:source": ["aws.ec2"], "events:detail-type": "AWS API Call via CloudTrail"}, IMPLICIT_DENY),
    ("another source, the sweep's detail-type", "events:PutEvents", CENTRAL_BUS,
     {"events:source": ["com.example.app"], "events:detail-type": "Sweep Request"}, IMPLICIT_DENY),
    ("the function's source, another detail-type", "events:PutEvents", CENTRAL_BUS,
     {"events:source": ["aws-userid-tagger"], "events:detail-type": "Scheduled Event"}, IMPLICIT_DENY),
    ("the function's source among others", "events:PutEvents", CENTRAL_BUS,
     {"events:source": ["aws-userid-tagger", "com.example.app"], "events:detail-type": "Sweep Request"}, IMPLICIT_DENY),
    ("no source in the request", "events:PutEvents", CENTRAL_BUS, {"events:detail-type": "Sweep Request"}, IMPLICIT_DENY),
    ("a sweep request on the default bus", "events:PutEvents",
     "arn:aws:events:us-east-1:444455556666:event-bus/default",
     {"events:source": ["aws-userid-tagger"], "events:detail-type": "Sweep Request"}, IMPLICIT_DENY),
    ("a sweep request on a member account's bus", "events:PutEvents",
     "arn:aws:events:us-east-1:111122223333:event-bus/aws-userid-tagger-central-ec2-launches",
     {"events:source": ["aws-userid-tagger"], "events:detail-type": "Sweep Request"}, IMPLICIT_DENY),
    ("a new rule on the central bus", "events:PutRule",
     "arn:aws:events:us-east-1:444455556666:rule/aws-userid-tagger-central-ec2-launches/x",
     {"events:source": ["aws-userid-tagger"], "events:detail-type": "Sweep Request"}, IMPLICIT_DENY),
]


@pytest.mark.parametrize("what,action,resource,context,expected", PUBLISH_CASES, ids=[c[0] for c in PUBLISH_CASES])
def test_the_publish_permission_allows_sweep_requests_and_nothing_else(what, action, resource, context, expected):
    shipped = json.loads((ROOT / "policies/member/central-publish.json").read_text())
    assert evaluate(Request(action, resource, context), [shipped]).result == expected


def test_central_function_may_list_the_organization_only_when_its_sweep_does():
    template = load("central.yaml")
    # Only a scheduled sweep without AllowedAccounts lists the organization's accounts.
    assert template["Conditions"]["ListOrganizationAccounts"] == {"Fn::And": [
        {"Condition": "ReconcileOn"}, {"Fn::Equals": [{"Ref": "AllowedAccounts"}, ""]}]}
    assert template["Conditions"]["ReconcileOn"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "ReconcileSchedule"}, "off"]}]}
    listing = central_role_policies(list_accounts=True)["list-organization-accounts"]
    assert resolve(listing, CENTRAL, {}) == json.loads((ROOT / "policies/member/central-list-accounts.json").read_text())
    assert "list-organization-accounts" not in central_role_policies(list_accounts=False)
    # Nothing else of the role may call Organizations.
    others = [d for name, d in central_role_policies().items() if name != "list-organization-accounts"]
    assert not [s for d in others for s in d["Statement"] if "organizations:" in json.dumps(s["Action"])]
    # The sweep is no longer refused without AllowedAccounts.
    assert not [r for r in template.get("Rules", {}).values() if "AllowedAccounts" in json.dumps(r)]
    env = template["Resources"]["TaggerFunction"]["Properties"]["Environment"]["Variables"]
    assert env["ALLOWED_ACCOUNTS"] == {"Ref": "AllowedAccounts"}


def test_the_list_permission_can_name_no_narrower_resource():
    # The Service Authorization Reference (parliament's bundled copy) gives
    # neither action a resource type or condition key: "*" is the only
    # Resource that works, and the statement has no Condition to add.
    import parliament

    definitions = json.loads((pathlib.Path(parliament.__file__).parent / "iam_definition.json").read_text())
    [organizations] = [d for d in definitions if d["prefix"] == "organizations"]
    [statement] = json.loads((ROOT / "policies/member/central-list-accounts.json").read_text())["Statement"]
    assert statement["Resource"] == "*" and "Condition" not in statement
    for action in statement["Action"]:
        [privilege] = [p for p in organizations["privileges"] if p["privilege"] == action.split(":")[1]]
        assert privilege["access_level"] in ("List", "Read"), privilege
        assert [(r["resource_type"], r["condition_keys"]) for r in privilege["resource_types"]] == [("", [])], privilege


LIST_CASES = [
    ("ListAccounts", "organizations:ListAccounts", ALLOW),
    ("DescribeOrganization", "organizations:DescribeOrganization", ALLOW),
    ("DescribeAccount", "organizations:DescribeAccount", IMPLICIT_DENY),
    ("ListAccountsForParent", "organizations:ListAccountsForParent", IMPLICIT_DENY),
    ("CreateAccount", "organizations:CreateAccount", IMPLICIT_DENY),
    ("RemoveAccountFromOrganization", "organizations:RemoveAccountFromOrganization", IMPLICIT_DENY),
    ("DetachPolicy (an SCP)", "organizations:DetachPolicy", IMPLICIT_DENY),
]


@pytest.mark.parametrize("what,action,expected", LIST_CASES, ids=[c[0] for c in LIST_CASES])
def test_the_list_permission_reads_the_account_list_and_nothing_else(what, action, expected):
    shipped = json.loads((ROOT / "policies/member/central-list-accounts.json").read_text())
    assert evaluate(Request(action, "*", {}), [shipped]).result == expected


def test_central_function_finds_the_role_member_yaml_creates():
    central, member = load("central.yaml"), load("member.yaml")
    env = central["Resources"]["TaggerFunction"]["Properties"]["Environment"]["Variables"]
    role = member["Resources"]["MemberRole"]["Properties"]
    assert resolve(env["TAGGER_MEMBER_ROLE"], EXAMPLE, {}) == role["Path"].strip("/") + "/" + resolve(role["RoleName"], EXAMPLE, {})
    assert central["Parameters"]["MemberRoleName"]["Default"] == member["Parameters"]["MemberRoleName"]["Default"]
    for key in ["SourceTagKey", "TargetTagKey", "LaunchedByTagKey"]:
        assert central["Parameters"][key]["Default"] == member["Parameters"][key]["Default"] == render.DEFAULTS[key]


def test_the_bus_takes_events_from_the_organization_only():
    bus = load("central.yaml")["Resources"]["CentralEventBus"]["Properties"]
    [statement] = bus["Policy"]["Statement"]
    assert statement["Action"] == "events:PutEvents"
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": {"Ref": "OrganizationId"}}}
    assert resolve(statement["Resource"], dict(EXAMPLE, **{"AWS::StackName": "central"}), {}) == \
        "arn:aws:events:eu-west-1:111122223333:event-bus/central-ec2-launches"
    assert resolve(bus["Name"], {"AWS::StackName": "central"}, {}) == "central-ec2-launches"


def test_sweep_requests_come_back_by_a_rule_of_their_own():
    resources = load("central.yaml")["Resources"]
    rule = resources["SweepRequestRule"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "CentralEventBus"}
    # Only the function's own account: member accounts may put events on the bus too.
    assert rule["EventPattern"] == {"source": ["aws-userid-tagger"], "detail-type": ["Sweep Request"],
                                    "account": [{"Ref": "AWS::AccountId"}]}
    assert "Condition" not in resources["SweepRequestRule"], "requests published before a schedule change still arrive"
    # Delivered like every other event: EventBridge's retries and the failure
    # queue, then Lambda's own (EventInvokeConfig), so each account's sweep fails alone.
    [target] = rule["Targets"]
    [run_instances_target] = resources["RunInstancesRule"]["Properties"]["Targets"]
    assert target == run_instances_target
    permission = resources["SweepRequestPermission"]["Properties"]
    assert permission["SourceArn"] == {"Fn::GetAtt": ["SweepRequestRule", "Arn"]}
    assert (permission["Principal"], permission["SourceAccount"]) == ("events.amazonaws.com", {"Ref": "AWS::AccountId"})
    dead_letters = resources["FailureQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    for branch in dead_letters["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::If"][1:]:
        assert {"Fn::GetAtt": ["SweepRequestRule", "Arn"]} in branch
    assert {"Key": "aws-userid-tagger", "Value": "protected"} in rule["Tags"], "the guard finds the rules by this tag"


def test_sweep_concurrency_is_the_functions_setting():
    template = load("central.yaml")
    parameter = template["Parameters"]["SweepConcurrency"]
    swift = (ROOT / "Sources/Tagger/Configuration/TaggerConfiguration.swift").read_text()
    default = int(re.search(r"static let defaultSweepConcurrency = (\d+)", swift).group(1))
    low, high = map(int, re.search(r"static let sweepConcurrencyRange = (\d+)\.\.\.(\d+)", swift).groups())
    assert (parameter["Default"], parameter["MinValue"], parameter["MaxValue"]) == (default, low, high)
    env = template["Resources"]["TaggerFunction"]["Properties"]["Environment"]["Variables"]
    assert env["SWEEP_CONCURRENCY"] == {"Ref": "SweepConcurrency"}


def test_member_rules_forward_to_the_central_bus_with_their_role():
    resources = load("member.yaml")["Resources"]
    for name in ["ForwardRunInstancesRule", "ForwardSourceTagRule"]:
        [target] = resources[name]["Properties"]["Targets"]
        assert target["Arn"] == {"Ref": "CentralEventBusArn"}
        assert target["RoleArn"] == {"Fn::GetAtt": ["ForwarderRole", "Arn"]}
    [statement] = resources["ForwarderRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert (statement["Action"], statement["Resource"]) == ("events:PutEvents", {"Ref": "CentralEventBusArn"})


@pytest.mark.parametrize("name", TEMPLATES + ["template.yaml"])
def test_stackset_safe_no_fixed_names_regions_accounts_or_partitions(name):
    template = load(name)
    naming = {"FunctionName", "RoleName", "ManagedPolicyName", "QueueName", "LogGroupName", "Name"}
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        fixed = {key for key in naming & set(props) if isinstance(props[key], str)}
        assert not fixed, f"{name}: {logical_id} sets {fixed}"
        if "RoleName" in props:
            # The member role's name is fixed by design (the central function
            # finds it by name): only one stack per account may create it.
            assert (name, logical_id, resource.get("Condition")) == ("member.yaml", "MemberRole", "CreateMemberRole")
    text = (ROOT / name).read_text()
    body = text[text.index("\nResources:"):]
    assert not re.search(r"\b(us|eu|ap|sa|ca|me|af|il|mx|cn)-[a-z]+-\d\b", body), f"{name} names a region"
    assert not re.search(r"(?<![\d.])\d{12}(?!\d)", body), f"{name} names an account"
    assert "arn:aws:" not in body, f"{name} writes the partition down"


def test_the_member_role_is_made_in_one_region_only():
    member = load("member.yaml")
    assert member["Conditions"]["CreateMemberRole"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "MemberRoleRegion"}]}
    assert "Default" not in member["Parameters"]["MemberRoleRegion"], "the region must be chosen, not assumed"


def test_stackset_yaml_is_rendered_from_template_yaml():
    assert stackset.render((ROOT / "template.yaml").read_text()) == (ROOT / "stackset.yaml").read_text(), \
        "stackset.yaml is stale: run python3 checks/org/stackset.py"


def test_stackset_yaml_is_what_sam_makes_of_template_yaml():
    from cfnlint.template.transforms._sam import Transform

    sam = Transform("template.yaml", load("template.yaml"), "us-east-1")
    assert sam.transform_template() == []
    expanded, plain = sam.template(), load("stackset.yaml")
    assert "Transform" not in plain
    assert set(plain["Parameters"]) == set(expanded["Parameters"]) | {"CodeS3BucketPrefix", "CodeS3Key"}
    assert set(plain["Resources"]) == set(expanded["Resources"])
    for logical_id, resource in expanded["Resources"].items():
        if logical_id == "TaggerFunction":
            del resource["Metadata"]  # sam build's instructions: no build happens in a StackSet
            props = resource["Properties"]
            props["Tags"] = [t for t in props["Tags"] if t["Key"] != "lambda:createdBy"]
            props["Code"] = {"S3Bucket": {"Fn::Sub": "${CodeS3BucketPrefix}-${AWS::Region}"}, "S3Key": {"Ref": "CodeS3Key"}}
        assert plain["Resources"][logical_id] == resource, logical_id


def test_a_stale_stackset_yaml_is_detected_and_surprises_refused():
    text = (ROOT / "template.yaml").read_text()
    changed = text.replace("MemorySize: 128", "MemorySize: 256", 1)
    assert changed != text and stackset.render(changed) != (ROOT / "stackset.yaml").read_text()
    with pytest.raises(SystemExit, match="no AWS::Lambda::Function equivalent"):
        stackset.render(text.replace("      Handler: bootstrap\n", "      Handler: bootstrap\n      AutoPublishAlias: live\n", 1))


@pytest.mark.parametrize("name", ["template.yaml", "stackset.yaml"])
def test_account_wide_iam_policies_can_be_made_in_one_region_only(name):
    template = load(name)
    assert template["Conditions"]["CreateAccountWide"] == {"Fn::Or": [
        {"Fn::Equals": [{"Ref": "AccountWideRegion"}, ""]},
        {"Fn::Equals": [{"Ref": "AccountWideRegion"}, {"Ref": "AWS::Region"}]}]}
    assert template["Parameters"]["AccountWideRegion"]["Default"] == "", "a single stack keeps making them"
    managed = [i for i, r in template["Resources"].items() if r["Type"] == "AWS::IAM::ManagedPolicy"]
    assert managed and all(template["Resources"][i].get("Condition") == "CreateAccountWide" for i in managed)
    for output in template["Outputs"].values():
        if output["Value"] in [{"Ref": i} for i in managed]:
            assert output.get("Condition") == "CreateAccountWide"


@pytest.mark.parametrize("name", ["template.yaml", "central.yaml", "stackset.yaml"])
def test_no_concurrency_is_reserved_unless_asked_for(name):
    # Lambda refuses a reservation that leaves too little unreserved, and a new
    # account's quota is often 10: by default the stack reserves nothing.
    template = load(name)
    parameter = template["Parameters"]["ReservedConcurrency"]
    assert parameter["Default"] == 0 and parameter["MinValue"] == 0
    assert template["Conditions"]["ReserveConcurrency"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "ReservedConcurrency"}, 0]}]}
    reserved = template["Resources"]["TaggerFunction"]["Properties"]["ReservedConcurrentExecutions"]
    assert reserved == {"Fn::If": ["ReserveConcurrency", {"Ref": "ReservedConcurrency"}, {"Ref": "AWS::NoValue"}]}


@pytest.mark.parametrize("name", ["template.yaml", "central.yaml", "stackset.yaml"])
def test_the_log_group_is_named_where_the_guard_protects_it(name):
    # CloudWatch Logs' TagLogGroup/UntagLogGroup honour no tag condition, so
    # the guard protects the function's log group by its name, as it
    # protects the roles by their path.
    resources = load(name)["Resources"]
    log_group = resources["TaggerLogGroup"]["Properties"]
    assert log_group["LogGroupName"] == {"Fn::Sub": "/aws-userid-tagger/${AWS::StackName}"}
    assert resources["TaggerFunction"]["Properties"]["LoggingConfig"]["LogGroup"] == {"Ref": "TaggerLogGroup"}
    arn = "arn:aws:logs:eu-west-1:111122223333:log-group:" + resolve(log_group["LogGroupName"], {"AWS::StackName": "tagger"}, {})
    guard = [json.loads((ROOT / "policies/guard" / f).read_text()) for f in ("scp.json", "scp-protection.json")]
    full = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    admin = {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Admin"}
    for action, resource in [("logs:DeleteLogGroup", arn), ("logs:PutRetentionPolicy", arn), ("logs:PutMetricFilter", arn),
                             ("logs:PutLogEvents", arn + ":log-stream:forged")]:
        assert evaluate(Request(action, resource, admin), [full], scps=[full, *guard]).result == EXPLICIT_DENY, action


def test_the_central_bus_is_guarded_and_lets_no_other_account_manage_rules():
    # Another account may create rules or targets on a bus only if the bus's
    # policy allows events:PutRule/PutTargets ("Permissions for event buses",
    # EventBridge User Guide); this one allows PutEvents and nothing else,
    # and no EventBusPolicy resource adds a statement beside it.
    resources = load("central.yaml")["Resources"]
    bus = resources["CentralEventBus"]["Properties"]
    assert {"Key": "aws-userid-tagger", "Value": "protected"} in bus["Tags"], "the guard finds the bus by this tag"
    assert [s["Action"] for s in bus["Policy"]["Statement"]] == ["events:PutEvents"]
    assert not [r for r in resources.values() if r["Type"] == "AWS::Events::EventBusPolicy"]
    # Its policy itself is changed with PutPermission/RemovePermission, which
    # name no bus in IAM: scp-central-bus.json denies them in the security account.
    [statement] = json.loads((ROOT / "policies/guard/scp-central-bus.json").read_text())["Statement"]
    assert sorted(statement["Action"]) == ["events:PutPermission", "events:RemovePermission"] and statement["Resource"] == "*"
