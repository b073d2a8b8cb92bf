"""The access-model cases: who asks for what, and what IAM must answer.

Each case builds the request context AWS would send (principal keys from the
caller, resource tags from the instance or session) and names the policies in
force. test_access_model.py asserts every expectation; ``python3 -m
checks.policies.access_cases`` (from the repository root) prints the table
that docs/access-model.md quotes and ``--write-doc`` puts it there (a test
keeps the two in step).
"""

from __future__ import annotations

import copy
import json
import pathlib
from dataclasses import dataclass, field

from checks.policies.iam_eval import ALLOW, EXPLICIT_DENY, IMPLICIT_DENY, Request, evaluate
from policies import render  # which statements a template condition switches

POLICIES = pathlib.Path(__file__).resolve().parent.parent.parent / "policies"

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
REGION = "eu-west-1"
USERS_ROLE_ID = "AROAUSERSROLEEXAMPLE1"
OTHER_ROLE_ID = "AROAOTHERROLEEXAMPLE2"


def load(name: str) -> dict:
    return json.loads((POLICIES / name).read_text())


def opted_in(policy: dict) -> dict:
    """The policy as template.yaml deploys it with AllowRemoteHostPortForwarding=true:
    every statement render.SWITCHES names gets the other value of its field."""
    policy = copy.deepcopy(policy)
    for statement in policy["Statement"]:
        if statement.get("Sid") in render.SWITCHES:
            field, variable, _ = render.SWITCHES[statement["Sid"]]
            assert statement[field] == render.DEFAULTS[variable] == "Deny"
            statement[field] = "Allow"
    return policy


# An organization's SCPs include AWS's FullAWSAccess next to the guard.
FULL_AWS_ACCESS = {"Version": "2012-10-17", "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}
ADMINISTRATOR = {"Version": "2012-10-17", "Statement": [{"Sid": "AdministratorAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class Principal:
    name: str
    role_arn: str
    userid: str
    tags: dict = field(default_factory=dict)

    def context(self) -> dict:
        ctx = {
            "aws:userid": self.userid,
            "aws:PrincipalArn": self.role_arn,
            "aws:PrincipalAccount": ACCOUNT,
            "aws:PrincipalType": "AssumedRole",
        }
        for key, value in self.tags.items():
            ctx[f"aws:PrincipalTag/{key}"] = value
        return ctx


USERS_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Okta-ServiceWorkbenchUser"
ALICE = Principal("alice", USERS_ROLE_ARN, f"{USERS_ROLE_ID}:alice@example.org", {"username": "alice@example.org"})
BOB = Principal("bob", USERS_ROLE_ARN, f"{USERS_ROLE_ID}:bob@example.org", {"username": "bob@example.org"})
UNTAGGED_SESSION = Principal("alice, no session tag", USERS_ROLE_ARN, f"{USERS_ROLE_ID}:alice@example.org")
EMPTY_TAG_SESSION = Principal("session tag username=''", USERS_ROLE_ARN, f"{USERS_ROLE_ID}:x1", {"username": ""})
TAGGER = Principal(
    "tagger function",
    f"arn:aws:iam::{ACCOUNT}:role/aws-userid-tagger/tagger-TaggerFunctionRole-1EXAMPLE",
    "AROATAGGERROLEEXAMPL3:tagger-TaggerFunction-EXAMPLE",
)
ADMIN = Principal("account admin", f"arn:aws:iam::{ACCOUNT}:role/Admin", "AROAADMINROLEEXAMPLE4:admin")
LAUNCHER = Principal("platform launcher", f"arn:aws:iam::{ACCOUNT}:role/PLATFORM-LAUNCH-ROLE-NAME", "AROALAUNCHROLEEXAMP5:cfn")
DEPLOYER = Principal("StackSets execution", f"arn:aws:iam::{ACCOUNT}:role/stacksets-exec-0123456789abcdef", "AROADEPLOYROLEEXAMP6:cfn")
PLATFORM_DEPLOYER = Principal("platform deployer", f"arn:aws:iam::{ACCOUNT}:role/PLATFORM-DEPLOYER-ROLE-NAME", "AROAPLATFORMDEPLOYE7:cfn")
STACKSETS_ADMIN = Principal("StackSets administration", f"arn:aws:iam::{OTHER_ACCOUNT}:role/AWSCloudFormationStackSetAdministrationRole",
                            "AROASTACKSETSADMINR8:cfn")


def instance(instance_id: str) -> str:
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance_id}"


ALICE_TAGS = {"AwsUserId": ALICE.userid, "CreatedBy": "alice@example.org"}
INSTANCES = {
    "alice's instance": (instance("i-0a11ce0000000000a"), ALICE_TAGS),
    "bob's instance": (instance("i-0b0b000000000000b"), {"AwsUserId": BOB.userid, "CreatedBy": "bob@example.org"}),
    "untagged instance": (instance("i-0000000000000000c"), {}),
    "instance with CreatedBy only": (instance("i-0000000000000000d"), {"CreatedBy": "alice@example.org"}),
    "alice's name under another role id": (instance("i-0000000000000000e"), {"AwsUserId": f"{OTHER_ROLE_ID}:alice@example.org"}),
    "AwsUserId differs in case": (instance("i-0000000000000000f"), {"AwsUserId": f"{USERS_ROLE_ID}:Alice@example.org"}),
}


def resource_tags(tags: dict, prefix: str) -> dict:
    return {f"{prefix}{key}": value for key, value in tags.items()}


@dataclass(frozen=True)
class Case:
    group: str
    who: Principal
    action: str
    target: str
    resource: str
    extra: dict
    expected: str
    policies: str  # key into SETUPS

    def request(self) -> Request:
        return Request(self.action, self.resource, {**self.who.context(), **self.extra})

    def decide(self):
        identity, boundary, scps = SETUPS[self.policies]()
        return evaluate(self.request(), identity, boundary=boundary, scps=scps)


SETUPS = {
    "users": lambda: ([load("users-role.json")], None, None),
    "users+boundary+admin": lambda: ([load("users-role.json"), ADMINISTRATOR], load("guard/users-permissions-boundary.json"), None),
    "function": lambda: ([load("function-role.json")], None, None),
    "scp+admin": lambda: ([ADMINISTRATOR], None, [FULL_AWS_ACCESS, load("guard/scp.json"), load("guard/scp-protection.json")]),
    "scp+function": lambda: ([load("function-role.json")], None, [FULL_AWS_ACCESS, load("guard/scp.json"), load("guard/scp-protection.json")]),
    "scp+bus+admin": lambda: ([ADMINISTRATOR], None, [FULL_AWS_ACCESS, load("guard/scp.json"), load("guard/scp-protection.json"),
                                                      load("guard/scp-central-bus.json")]),
    "abac": lambda: ([load("abac/users-role.json")], None, None),
    "users+optin": lambda: ([opted_in(load("users-role.json"))], None, None),
    "users+boundary+admin+optin": lambda: ([opted_in(load("users-role.json")), ADMINISTRATOR],
                                           opted_in(load("guard/users-permissions-boundary.json")), None),
}

SETUP_TEXT = {
    "users": "policies/users-role.json",
    "users+boundary+admin": "users-role.json + AdministratorAccess, boundary guard/users-permissions-boundary.json",
    "function": "policies/function-role.json",
    "scp+admin": "AdministratorAccess under SCPs FullAWSAccess + guard/scp.json + guard/scp-protection.json",
    "scp+function": "function-role.json under the same SCPs",
    "scp+bus+admin": "`scp+admin` plus guard/scp-central-bus.json (the security account of central mode)",
    "abac": "policies/abac/users-role.json",
    "users+optin": "users-role.json as deployed with AllowRemoteHostPortForwarding=true",
    "users+boundary+admin+optin": "`users+boundary+admin`, both policies as deployed with AllowRemoteHostPortForwarding=true",
}


def on_instance(group, who, action, label, expected, policies="users", extra=None, note="",
                tag_prefixes=("ssm:resourceTag/", "aws:ResourceTag/", "ec2:ResourceTag/")):
    arn, tags = INSTANCES[label]
    ctx = {}
    for prefix in tag_prefixes:
        ctx.update(resource_tags(tags, prefix))
    ctx.update(extra or {})
    return Case(group, who, action, label + note, arn, ctx, expected, policies)


def session(owner: Principal | None, session_name: str):
    arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:session/{session_name}-0123456789abcdef0"
    tags = {} if owner is None else {"ssm:resourceTag/aws:ssmmessages:session-id": owner.userid}
    return arn, tags


def document(account: str, name: str) -> str:
    return f"arn:aws:ssm:{REGION}:{account}:document/{name}"


def tag_write(who, action, keys, expected, policies, label="alice's instance", value=None, resource=None, values=None):
    """A tagging request; ``value`` is every key's value unless ``values`` names one."""
    arn, tags = INSTANCES[label]
    ctx = resource_tags(tags, "aws:ResourceTag/")
    if keys is not None:
        ctx["aws:TagKeys"] = list(keys)
        for key in keys:
            ctx[f"aws:RequestTag/{key}"] = (values or {}).get(key, value if value is not None else "x")
    if keys is not None:
        target = f"{label}, keys {list(keys)}"
    else:
        target = f"{label}, no tag keys" + (" (deletes all tags)" if action == "ec2:DeleteTags" else "")
    if value is not None:
        target += f", value {value}"
    return Case("ownership tags", who, action, target, resource or arn, ctx, expected, policies)


def _cases() -> list:
    cases = []
    # Sessions to instances.
    for label, expected in [
        ("alice's instance", ALLOW),
        ("bob's instance", IMPLICIT_DENY),
        ("untagged instance", IMPLICIT_DENY),
        ("instance with CreatedBy only", IMPLICIT_DENY),
        ("alice's name under another role id", IMPLICIT_DENY),
        ("AwsUserId differs in case", IMPLICIT_DENY),
    ]:
        cases.append(on_instance("start session", ALICE, "ssm:StartSession", label, expected))
    cases.append(on_instance("start session", BOB, "ssm:StartSession", "bob's instance", ALLOW))
    cases.append(on_instance("start session", ALICE, "ssm:StartSession", "alice's instance", ALLOW,
                             extra={"ssm:SessionDocumentAccessCheck": "true"}, note=", SessionDocumentAccessCheck=true"))
    # Session documents.
    for doc, expected in [
        (document(ACCOUNT, "SSM-SessionManagerRunShell"), ALLOW),
        (document("", "AWS-StartSSHSession"), ALLOW),
        (document("", "AWS-StartPortForwardingSession"), ALLOW),
        (document("", "AWS-StartPortForwardingSessionToRemoteHost"), EXPLICIT_DENY),
        (document("", "AWS-StartInteractiveCommand"), IMPLICIT_DENY),
        (document(ACCOUNT, "Custom-RunAsRoot"), IMPLICIT_DENY),
        (document(OTHER_ACCOUNT, "SSM-SessionManagerRunShell"), IMPLICIT_DENY),
    ]:
        cases.append(Case("session document", ALICE, "ssm:StartSession", doc.split(":", 4)[4] if ":" in doc else doc,
                          doc, {}, expected, "users"))
    # Own sessions only.
    for action in ("ssm:TerminateSession", "ssm:ResumeSession"):
        for owner, name, expected in [(ALICE, "alice@example.org", ALLOW), (BOB, "bob@example.org", IMPLICIT_DENY), (None, "untagged", IMPLICIT_DENY)]:
            arn, tags = session(owner, name)
            label = f"session of {owner.name}" if owner else "session without system tags"
            cases.append(Case("own sessions", ALICE, action, label, arn, tags, expected, "users"))
    # SSH keys through EC2 Instance Connect.
    for label, expected in [("alice's instance", ALLOW), ("bob's instance", IMPLICIT_DENY), ("untagged instance", IMPLICIT_DENY)]:
        cases.append(on_instance("EC2 Instance Connect", ALICE, "ec2-instance-connect:SendSSHPublicKey", label, expected,
                                 extra={"ec2:osuser": "ec2-user"}))
    # Console reads.
    for action in ("ec2:DescribeInstances", "ssm:DescribeSessions", "ssm:GetConnectionStatus", "ssm:DescribeInstanceInformation", "ssm:DescribeInstanceProperties"):
        cases.append(Case("console reads", ALICE, action, "*", "*", {}, ALLOW, "users"))
    cases.append(Case("console reads", ALICE, "ssm:SendCommand", "alice's instance", INSTANCES["alice's instance"][0], {}, IMPLICIT_DENY, "users"))
    # Users never write the ownership tags, not even with a broader policy.
    cases += [
        tag_write(ALICE, "ec2:CreateTags", ["AwsUserId"], EXPLICIT_DENY, "users", label="bob's instance", value=ALICE.userid),
        tag_write(ALICE, "ec2:CreateTags", ["awsuserid"], EXPLICIT_DENY, "users", label="bob's instance", value=ALICE.userid),
        tag_write(ALICE, "ec2:CreateTags", ["CreatedBy"], EXPLICIT_DENY, "users", label="bob's instance", value="alice@example.org"),
        tag_write(ALICE, "ec2:DeleteTags", ["AwsUserId"], EXPLICIT_DENY, "users"),
        tag_write(ALICE, "ec2:DeleteTags", None, EXPLICIT_DENY, "users"),
        tag_write(ALICE, "ec2:CreateTags", ["Project"], IMPLICIT_DENY, "users"),
        tag_write(ALICE, "ec2:CreateTags", ["AwsUserId"], EXPLICIT_DENY, "users+boundary+admin", label="bob's instance", value=ALICE.userid),
        tag_write(ALICE, "ec2:CreateTags", ["Project"], ALLOW, "users+boundary+admin"),
    ]
    # The users' boundary keeps the tagger out of reach.
    tagger_fn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:tagger-TaggerFunction-EXAMPLE"
    protected = {"aws:ResourceTag/aws-userid-tagger": "protected"}
    cases += [
        Case("tagger protection", ALICE, "lambda:UpdateFunctionCode", "the tagger function", tagger_fn, protected, EXPLICIT_DENY, "users+boundary+admin"),
        Case("tagger protection", ALICE, "lambda:InvokeFunction", "the tagger function", tagger_fn, protected, EXPLICIT_DENY, "users+boundary+admin"),
        Case("tagger protection", ALICE, "events:DisableRule", "the tagger's rule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/tagger-RunInstancesRule-X", protected, EXPLICIT_DENY, "users+boundary+admin"),
        Case("tagger protection", ALICE, "iam:PassRole", "the tagger's role", TAGGER.role_arn, {}, EXPLICIT_DENY, "users+boundary+admin"),
        Case("tagger protection", ALICE, "iam:PutRolePermissionsBoundary", "the users' role", USERS_ROLE_ARN, {}, EXPLICIT_DENY, "users+boundary+admin"),
        Case("tagger protection", ALICE, "lambda:UntagResource", "the tagger function", tagger_fn,
             {**protected, "aws:TagKeys": ["aws-userid-tagger"]}, EXPLICIT_DENY, "users+boundary+admin"),
        Case("tagger protection", ALICE, "s3:GetObject", "unrelated object", "arn:aws:s3:::data/alice/x", {}, ALLOW, "users+boundary+admin"),
    ]
    # The function's own role: the target tag only, in its account, well formed.
    cases += [
        tag_write(TAGGER, "ec2:CreateTags", ["AwsUserId"], ALLOW, "function", label="instance with CreatedBy only", value=ALICE.userid),
        tag_write(TAGGER, "ec2:CreateTags", ["AwsUserId", "CreatedBy"], IMPLICIT_DENY, "function", label="instance with CreatedBy only", value=ALICE.userid),
        tag_write(TAGGER, "ec2:CreateTags", ["CreatedBy"], IMPLICIT_DENY, "function", value="bob@example.org"),
        tag_write(TAGGER, "ec2:CreateTags", ["AwsUserId"], IMPLICIT_DENY, "function", value="alice@example.org"),
        tag_write(TAGGER, "ec2:CreateTags", None, IMPLICIT_DENY, "function"),
        tag_write(TAGGER, "ec2:DeleteTags", ["AwsUserId"], ALLOW, "function"),
        Case("function role", TAGGER, "ec2:CreateTags", "instance in another account", f"arn:aws:ec2:{REGION}:{OTHER_ACCOUNT}:instance/i-0ff",
             {"aws:TagKeys": ["AwsUserId"], "aws:RequestTag/AwsUserId": ALICE.userid}, IMPLICIT_DENY, "function"),
        Case("function role", TAGGER, "ec2:CreateTags", "a volume", f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-0a",
             {"aws:TagKeys": ["AwsUserId"], "aws:RequestTag/AwsUserId": ALICE.userid}, IMPLICIT_DENY, "function"),
        Case("function role", TAGGER, "iam:GetRole", "the users' role", USERS_ROLE_ARN, {}, ALLOW, "function"),
        Case("function role", TAGGER, "iam:GetRole", "another role", f"arn:aws:iam::{ACCOUNT}:role/Admin", {}, IMPLICIT_DENY, "function"),
        Case("function role", TAGGER, "ec2:DescribeInstances", "*", "*", {}, ALLOW, "function"),
        Case("function role", TAGGER, "ec2:TerminateInstances", "alice's instance", INSTANCES["alice's instance"][0], {}, IMPLICIT_DENY, "function"),
    ]
    # The organization guard (SCP): nobody but the tagger writes AwsUserId,
    # nobody but the platform's launcher writes CreatedBy.
    cases += [
        tag_write(TAGGER, "ec2:CreateTags", ["AwsUserId"], ALLOW, "scp+function", label="instance with CreatedBy only", value=ALICE.userid),
        tag_write(ADMIN, "ec2:CreateTags", ["AwsUserId"], EXPLICIT_DENY, "scp+admin", value=BOB.userid),
        tag_write(ADMIN, "ec2:CreateTags", ["AWSUSERID"], EXPLICIT_DENY, "scp+admin", value=BOB.userid),
        tag_write(ADMIN, "ec2:DeleteTags", ["AwsUserId"], EXPLICIT_DENY, "scp+admin"),
        tag_write(ADMIN, "ec2:CreateTags", ["CreatedBy"], EXPLICIT_DENY, "scp+admin", value="bob@example.org"),
        tag_write(ADMIN, "ec2:DeleteTags", None, EXPLICIT_DENY, "scp+admin"),
        tag_write(LAUNCHER, "ec2:CreateTags", ["CreatedBy"], ALLOW, "scp+admin", label="untagged instance", value="carol@example.org"),
        tag_write(LAUNCHER, "ec2:CreateTags", ["AwsUserId"], EXPLICIT_DENY, "scp+admin", label="untagged instance", value=ALICE.userid),
        tag_write(ADMIN, "ec2:CreateTags", ["Project"], ALLOW, "scp+admin"),
        Case("tagger protection", ADMIN, "iam:PassRole", "the tagger's role", TAGGER.role_arn, {}, EXPLICIT_DENY, "scp+admin"),
        Case("tagger protection", ADMIN, "iam:PutRolePolicy", "the tagger's role", TAGGER.role_arn, {}, EXPLICIT_DENY, "scp+admin"),
        Case("tagger protection", ADMIN, "iam:CreateRole", "a new role under the tagger's path", f"arn:aws:iam::{ACCOUNT}:role/aws-userid-tagger/mine", {}, EXPLICIT_DENY, "scp+admin"),
        Case("tagger protection", ADMIN, "lambda:UpdateFunctionCode", "the tagger function", tagger_fn, protected, EXPLICIT_DENY, "scp+admin"),
        Case("tagger protection", ADMIN, "lambda:InvokeFunction", "the tagger function (forged event)", tagger_fn, protected, EXPLICIT_DENY, "scp+admin"),
        Case("tagger protection", ADMIN, "lambda:UpdateFunctionCode", "another function", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:other", {}, ALLOW, "scp+admin"),
        Case("tagger protection", DEPLOYER, "lambda:UpdateFunctionCode", "the tagger function", tagger_fn, protected, ALLOW, "scp+admin"),
        Case("tagger protection", DEPLOYER, "iam:PassRole", "the tagger's role", TAGGER.role_arn, {}, ALLOW, "scp+admin"),
    ]
    # The session-tag (ABAC) variant: CreatedBy against the IdP's session tag.
    for who, label, expected in [
        (ALICE, "alice's instance", ALLOW),
        (ALICE, "bob's instance", IMPLICIT_DENY),
        (ALICE, "untagged instance", IMPLICIT_DENY),
        (ALICE, "instance with CreatedBy only", ALLOW),
        (UNTAGGED_SESSION, "alice's instance", IMPLICIT_DENY),
        (EMPTY_TAG_SESSION, "untagged instance", IMPLICIT_DENY),
    ]:
        cases.append(on_instance("ABAC variant", who, "ssm:StartSession", label, expected, policies="abac"))
    empty_created_by = Case("ABAC variant", EMPTY_TAG_SESSION, "ssm:StartSession", "instance with CreatedBy=''",
                            instance("i-0e0e0e0e0e0e0e0e0"), {"ssm:resourceTag/CreatedBy": ""}, IMPLICIT_DENY, "abac")
    cases.append(empty_created_by)
    cases.append(on_instance("ABAC variant", ALICE, "ec2-instance-connect:SendSSHPublicKey", "alice's instance", ALLOW, policies="abac"))
    cases.append(on_instance("ABAC variant", ALICE, "ec2-instance-connect:SendSSHPublicKey", "bob's instance", IMPLICIT_DENY, policies="abac"))
    cases.append(Case("ABAC variant", ALICE, "sts:TagSession", "any role", "arn:aws:iam::111122223333:role/Okta-ServiceWorkbenchUser",
                      {"aws:TagKeys": ["username"], "aws:RequestTag/username": "bob@example.org"}, EXPLICIT_DENY, "abac"))
    cases.append(tag_write(ALICE, "ec2:CreateTags", ["CreatedBy"], EXPLICIT_DENY, "abac", label="bob's instance", value="alice@example.org"))
    cases += _guard_cases()
    return cases


ASG = f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:0a1b2c3d-1111-2222-3333-444455556666:autoScalingGroupName/research"
TAGGER_FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:tagger-TaggerFunction-EXAMPLE"
PROTECTED = {"aws:ResourceTag/aws-userid-tagger": "protected"}
LAUNCH_ROLE = f"arn:aws:iam::{ACCOUNT}:role/PLATFORM-LAUNCH-ROLE-NAME"
SELF_MANAGED_EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/AWSCloudFormationStackSetExecutionRole"
RUN_SHELL = document(ACCOUNT, "SSM-SessionManagerRunShell")
REMOTE_HOST = document("", "AWS-StartPortForwardingSessionToRemoteHost")
IDP = f"arn:aws:iam::{ACCOUNT}:saml-provider/PLACEHOLDER-IDP"
ALARM = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:tagger-SweepCorrectionsAlarm-EXAMPLE"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:tagger-FailureQueue-EXAMPLE"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws-userid-tagger/tagger"
CENTRAL_BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/central-ec2-launches"


def asg_tags(who, action, keys, expected, policies, note=""):
    """An Auto Scaling tagging request (CreateOrUpdateTags, DeleteTags, or
    CreateAutoScalingGroup with Tags); ``keys`` None: a request without tags."""
    ctx = {}
    if keys is not None:
        ctx["aws:TagKeys"] = list(keys)
        ctx.update({f"aws:RequestTag/{k}": "x" for k in keys})
    target = "an Auto Scaling group, " + (f"keys {list(keys)}" if keys is not None else "no tags") + note
    return Case("auto scaling", who, action, target, ASG, ctx, expected, policies)


def _guard_cases() -> list:
    """The guard with no side doors: every path, and controls."""
    bnd = "users+boundary+admin"  # the users' role with AdministratorAccess attached besides
    alice_session, alice_tags = session(ALICE, "alice@example.org")
    bob_session, bob_tags = session(BOB, "bob@example.org")
    untagged_session, _ = session(None, "untagged")
    cases = [
        # Remote-host port forwarding is opt-in.
        Case("remote host", ALICE, "ssm:StartSession", "remote-host document, opted in", REMOTE_HOST, {}, ALLOW, "users+optin"),
        Case("remote host", ALICE, "ssm:StartSession", "remote-host document", REMOTE_HOST, {}, EXPLICIT_DENY, bnd),
        Case("remote host", ALICE, "ssm:StartSession", "remote-host document, opted in", REMOTE_HOST, {}, ALLOW, bnd + "+optin"),
        # The launched-by tag is guarded like the target tag.
        tag_write(ALICE, "ec2:CreateTags", ["AwsUserIdLaunchedBy"], EXPLICIT_DENY, "users", label="bob's instance", value="alice@example.org"),
        tag_write(ALICE, "ec2:CreateTags", ["AwsUserIdLaunchedBy"], EXPLICIT_DENY, bnd, label="bob's instance", value="alice@example.org"),
        tag_write(ADMIN, "ec2:CreateTags", ["AwsUserIdLaunchedBy"], EXPLICIT_DENY, "scp+admin", label="bob's instance", value="alice@example.org"),
        tag_write(ADMIN, "ec2:DeleteTags", ["awsuseridlaunchedby"], EXPLICIT_DENY, "scp+admin"),
        # The function: its two keys, written together, deleted alone or together; nothing else.
        tag_write(TAGGER, "ec2:CreateTags", ["AwsUserId", "AwsUserIdLaunchedBy"], ALLOW, "function", label="untagged instance",
                  values={"AwsUserId": ALICE.userid, "AwsUserIdLaunchedBy": "alice@example.org"}),
        tag_write(TAGGER, "ec2:CreateTags", ["AwsUserIdLaunchedBy"], IMPLICIT_DENY, "function", value="alice@example.org"),
        tag_write(TAGGER, "ec2:DeleteTags", ["AwsUserIdLaunchedBy"], ALLOW, "function"),
        tag_write(TAGGER, "ec2:DeleteTags", ["AwsUserId", "AwsUserIdLaunchedBy"], ALLOW, "function"),
        tag_write(TAGGER, "ec2:DeleteTags", ["CreatedBy"], IMPLICIT_DENY, "function"),
        tag_write(TAGGER, "ec2:DeleteTags", ["AwsUserId", "CreatedBy"], IMPLICIT_DENY, "function"),
        tag_write(TAGGER, "ec2:DeleteTags", None, IMPLICIT_DENY, "function"),
        Case("function role", TAGGER, "ec2:DeleteTags", "instance in another account", f"arn:aws:ec2:{REGION}:{OTHER_ACCOUNT}:instance/i-0ff",
             {"aws:TagKeys": ["AwsUserId"]}, IMPLICIT_DENY, "function"),
        tag_write(TAGGER, "ec2:DeleteTags", ["AwsUserId", "AwsUserIdLaunchedBy"], ALLOW, "scp+function"),
        tag_write(TAGGER, "ec2:DeleteTags", ["CreatedBy"], EXPLICIT_DENY, "scp+function"),
        # Auto Scaling writes tags with its service-linked role: deny the requests that ask it to.
        asg_tags(ALICE, "autoscaling:CreateOrUpdateTags", ["AwsUserId"], EXPLICIT_DENY, "users"),
        asg_tags(ALICE, "autoscaling:CreateOrUpdateTags", ["CreatedBy"], EXPLICIT_DENY, bnd),
        asg_tags(ALICE, "autoscaling:CreateAutoScalingGroup", ["Project", "awsuserid"], EXPLICIT_DENY, bnd),
        asg_tags(ALICE, "autoscaling:CreateAutoScalingGroup", None, ALLOW, bnd),
        Case("auto scaling", ALICE, "autoscaling:AttachInstances", "an Auto Scaling group", ASG, {}, EXPLICIT_DENY, "users"),
        Case("auto scaling", ALICE, "autoscaling:AttachInstances", "an Auto Scaling group", ASG, {}, EXPLICIT_DENY, bnd),
        asg_tags(ADMIN, "autoscaling:CreateOrUpdateTags", ["AwsUserId"], EXPLICIT_DENY, "scp+admin"),
        asg_tags(ADMIN, "autoscaling:CreateAutoScalingGroup", ["CreatedBy"], EXPLICIT_DENY, "scp+admin"),
        asg_tags(ADMIN, "autoscaling:DeleteTags", ["createdby"], EXPLICIT_DENY, "scp+admin"),
        asg_tags(ADMIN, "autoscaling:CreateAutoScalingGroup", None, ALLOW, "scp+admin"),
        Case("auto scaling", ADMIN, "autoscaling:AttachInstances", "an Auto Scaling group", ASG, {}, EXPLICIT_DENY, "scp+admin"),
        asg_tags(LAUNCHER, "autoscaling:CreateAutoScalingGroup", ["CreatedBy"], ALLOW, "scp+admin"),
        asg_tags(LAUNCHER, "autoscaling:CreateOrUpdateTags", ["AwsUserId"], EXPLICIT_DENY, "scp+admin"),
        Case("auto scaling", LAUNCHER, "autoscaling:AttachInstances", "an Auto Scaling group", ASG, {}, ALLOW, "scp+admin"),
        Case("ownership tags", ADMIN, "ec2:DeleteTags", "a volume, no tag keys (deletes all its tags)",
             f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-0a", {}, ALLOW, "scp+admin"),
        # The boundary holds access to instances whatever else the role is granted.
        on_instance("boundary: sessions", ALICE, "ssm:StartSession", "alice's instance", ALLOW, policies=bnd),
        on_instance("boundary: sessions", ALICE, "ssm:StartSession", "bob's instance", EXPLICIT_DENY, policies=bnd),
        on_instance("boundary: sessions", ALICE, "ssm:StartSession", "untagged instance", EXPLICIT_DENY, policies=bnd),
        on_instance("boundary: sessions", ALICE, "ssm:StartSession", "instance with CreatedBy only", EXPLICIT_DENY, policies=bnd),
        on_instance("boundary: sessions", ALICE, "ssm:StartSession", "alice's name under another role id", EXPLICIT_DENY, policies=bnd),
        Case("boundary: sessions", ALICE, "ssm:StartSession", "a managed node (mi-)",
             f"arn:aws:ssm:{REGION}:{ACCOUNT}:managed-instance/mi-0123456789abcdef0", {"ssm:resourceTag/AwsUserId": ALICE.userid},
             EXPLICIT_DENY, bnd),
        Case("boundary: sessions", ALICE, "ssm:StartSession", "111122223333:document/SSM-SessionManagerRunShell", RUN_SHELL, {}, ALLOW, bnd),
        Case("boundary: sessions", ALICE, "ssm:StartSession", ":document/AWS-StartSSHSession", document("", "AWS-StartSSHSession"), {}, ALLOW, bnd),
        Case("boundary: sessions", ALICE, "ssm:StartSession", ":document/AWS-StartInteractiveCommand",
             document("", "AWS-StartInteractiveCommand"), {}, EXPLICIT_DENY, bnd),
        Case("boundary: sessions", ALICE, "ssm:StartSession", "444455556666:document/SSM-SessionManagerRunShell",
             document(OTHER_ACCOUNT, "SSM-SessionManagerRunShell"), {}, EXPLICIT_DENY, bnd),
        Case("boundary: sessions", ALICE, "ssm:ResumeSession", "session of alice", alice_session, alice_tags, ALLOW, bnd),
        Case("boundary: sessions", ALICE, "ssm:ResumeSession", "session of bob", bob_session, bob_tags, EXPLICIT_DENY, bnd),
        Case("boundary: sessions", ALICE, "ssm:TerminateSession", "session without system tags", untagged_session, {}, EXPLICIT_DENY, bnd),
        on_instance("boundary: keys", ALICE, "ec2-instance-connect:SendSSHPublicKey", "alice's instance", ALLOW, policies=bnd,
                    extra={"ec2:osuser": "ec2-user"}),
        on_instance("boundary: keys", ALICE, "ec2-instance-connect:SendSSHPublicKey", "bob's instance", EXPLICIT_DENY, policies=bnd,
                    extra={"ec2:osuser": "ec2-user"}),
        on_instance("boundary: keys", ALICE, "ec2-instance-connect:SendSSHPublicKey", "untagged instance", EXPLICIT_DENY, policies=bnd),
        on_instance("boundary: keys", ALICE, "ec2:GetPasswordData", "bob's instance", EXPLICIT_DENY, policies=bnd),
        on_instance("boundary: keys", ALICE, "ec2:ModifyInstanceAttribute", "bob's instance", EXPLICIT_DENY, policies=bnd,
                    extra={"ec2:Attribute": "userData"}),
        on_instance("boundary: keys", ALICE, "ec2:ModifyInstanceAttribute", "alice's instance", ALLOW, policies=bnd,
                    extra={"ec2:Attribute": "instanceType"}),
        on_instance("boundary: commands", ALICE, "ssm:SendCommand", "alice's instance", EXPLICIT_DENY, policies=bnd),
        on_instance("boundary: commands", ALICE, "ec2-instance-connect:SendSerialConsoleSSHPublicKey", "alice's instance", EXPLICIT_DENY, policies=bnd),
        Case("boundary: commands", ALICE, "ec2-instance-connect:OpenTunnel", "an EC2 Instance Connect Endpoint",
             f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance-connect-endpoint/eice-0123456789abcdef0",
             {"ec2-instance-connect:remotePort": "22", "ec2-instance-connect:privateIpAddress": "10.0.0.12"}, EXPLICIT_DENY, bnd),
        Case("boundary: commands", ALICE, "ssm:StartAutomationExecution", "AWS-RunShellScript automation",
             f"arn:aws:ssm:{REGION}:{ACCOUNT}:automation-definition/AWS-RunShellScript:$DEFAULT", {}, EXPLICIT_DENY, bnd),
        Case("boundary: commands", ALICE, "ssm:CreateAssociation", "an association on bob's instance",
             INSTANCES["bob's instance"][0], {}, EXPLICIT_DENY, bnd),
        Case("boundary: preferences", ALICE, "ssm:UpdateDocument", "111122223333:document/SSM-SessionManagerRunShell", RUN_SHELL, {}, EXPLICIT_DENY, bnd),
        Case("boundary: preferences", ALICE, "ssm:CreateDocument", "SSM-SessionManagerRunShell in another region",
             f"arn:aws:ssm:us-east-1:{ACCOUNT}:document/SSM-SessionManagerRunShell", {}, EXPLICIT_DENY, bnd),
        Case("boundary: preferences", ALICE, "ssm:UpdateDocumentDefaultVersion", "111122223333:document/SSM-SessionManagerRunShell",
             RUN_SHELL, {}, EXPLICIT_DENY, bnd),
        Case("boundary: preferences", ALICE, "ssm:CreateDocument", "a document of her own", document(ACCOUNT, "alice-notes"), {}, ALLOW, bnd),
        # No way out of the boundary: no IAM changes, no role chaining, roles passed only to EC2.
        Case("boundary: escape", ALICE, "iam:CreateRole", "a new role", f"arn:aws:iam::{ACCOUNT}:role/alice-admin", {}, EXPLICIT_DENY, bnd),
        Case("boundary: escape", ALICE, "iam:CreateRole", "a role named like the StackSets execution roles",
             f"arn:aws:iam::{ACCOUNT}:role/stacksets-exec-alice", {}, EXPLICIT_DENY, bnd),
        Case("boundary: escape", ALICE, "iam:UpdateAssumeRolePolicy", "the platform launch role", LAUNCH_ROLE, {}, EXPLICIT_DENY, bnd),
        Case("boundary: escape", ALICE, "sts:AssumeRole", "another role of the account", f"arn:aws:iam::{ACCOUNT}:role/Admin", {}, EXPLICIT_DENY, bnd),
        Case("boundary: escape", ALICE, "iam:PassRole", "an admin role, to CloudFormation", f"arn:aws:iam::{ACCOUNT}:role/Admin",
             {"iam:PassedToService": "cloudformation.amazonaws.com"}, EXPLICIT_DENY, bnd),
        Case("boundary: escape", ALICE, "iam:PassRole", "the launch role, to Service Catalog", LAUNCH_ROLE,
             {"iam:PassedToService": "servicecatalog.amazonaws.com"}, EXPLICIT_DENY, bnd),
        Case("boundary: escape", ALICE, "iam:PassRole", "the tagger's role, to EC2", TAGGER.role_arn,
             {"iam:PassedToService": "ec2.amazonaws.com"}, EXPLICIT_DENY, bnd),
        Case("boundary: escape", ALICE, "iam:PassRole", "an instance role, to EC2 (self-service launch)",
             f"arn:aws:iam::{ACCOUNT}:role/research-instance", {"iam:PassedToService": "ec2.amazonaws.com"}, ALLOW, bnd),
        # Invoking the function is a tag write: every way in is denied.
        Case("tagger protection", ALICE, "lambda:InvokeAsync", "the tagger function", TAGGER_FN, PROTECTED, EXPLICIT_DENY, bnd),
        Case("tagger protection", ALICE, "lambda:InvokeFunctionUrl", "the tagger function", TAGGER_FN,
             {**PROTECTED, "lambda:FunctionUrlAuthType": "NONE"}, EXPLICIT_DENY, bnd),
        Case("tagger protection", ADMIN, "lambda:InvokeAsync", "the tagger function", TAGGER_FN, PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("tagger protection", ADMIN, "lambda:InvokeFunctionUrl", "the tagger function", TAGGER_FN,
             {**PROTECTED, "lambda:FunctionUrlAuthType": "AWS_IAM"}, EXPLICIT_DENY, "scp+admin"),
        Case("tagger protection", ADMIN, "lambda:CreateFunctionUrlConfig", "the tagger function", TAGGER_FN,
             {**PROTECTED, "lambda:FunctionUrlAuthType": "NONE"}, EXPLICIT_DENY, "scp+admin"),
        Case("tagger protection", ADMIN, "lambda:InvokeFunction", "another function", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:other",
             {}, ALLOW, "scp+admin"),
        Case("tagger protection", PLATFORM_DEPLOYER, "iam:PutRolePolicy", "the tagger's role", TAGGER.role_arn, {}, EXPLICIT_DENY, "scp+admin"),
        # The SCP's exemptions by role name cannot be claimed by making such a role.
        Case("exempt names", ADMIN, "iam:CreateRole", "role/stacksets-exec-attacker", f"arn:aws:iam::{ACCOUNT}:role/stacksets-exec-attacker",
             {}, EXPLICIT_DENY, "scp+admin"),
        Case("exempt names", ADMIN, "iam:CreateRole", "role/AWSCloudFormationStackSetExecutionRole", SELF_MANAGED_EXECUTION_ROLE,
             {}, EXPLICIT_DENY, "scp+admin"),
        Case("exempt names", ADMIN, "iam:AttachRolePolicy", "role/AWSCloudFormationStackSetExecutionRole", SELF_MANAGED_EXECUTION_ROLE,
             {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}, EXPLICIT_DENY, "scp+admin"),
        Case("exempt names", DEPLOYER, "iam:UpdateAssumeRolePolicy", "another StackSets execution role",
             f"arn:aws:iam::{ACCOUNT}:role/stacksets-exec-fedcba9876543210", {}, EXPLICIT_DENY, "scp+admin"),
        Case("exempt names", ADMIN, "sts:AssumeRole", "role/AWSCloudFormationStackSetExecutionRole", SELF_MANAGED_EXECUTION_ROLE,
             {}, EXPLICIT_DENY, "scp+admin"),
        Case("exempt names", STACKSETS_ADMIN, "sts:AssumeRole", "role/AWSCloudFormationStackSetExecutionRole", SELF_MANAGED_EXECUTION_ROLE,
             {}, ALLOW, "scp+admin"),
        Case("exempt names", ADMIN, "iam:CreateRole", "an unrelated role", f"arn:aws:iam::{ACCOUNT}:role/data-pipeline", {}, ALLOW, "scp+admin"),
        # The platform launch role may write CreatedBy, so nobody but its deployer may change or pass it.
        Case("launch role", ADMIN, "iam:UpdateAssumeRolePolicy", "the platform launch role", LAUNCH_ROLE, {}, EXPLICIT_DENY, "scp+admin"),
        Case("launch role", ADMIN, "iam:AttachRolePolicy", "the platform launch role", LAUNCH_ROLE,
             {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}, EXPLICIT_DENY, "scp+admin"),
        Case("launch role", ADMIN, "iam:PassRole", "the platform launch role", LAUNCH_ROLE,
             {"iam:PassedToService": "cloudformation.amazonaws.com"}, EXPLICIT_DENY, "scp+admin"),
        Case("launch role", PLATFORM_DEPLOYER, "iam:PutRolePolicy", "the platform launch role", LAUNCH_ROLE, {}, ALLOW, "scp+admin"),
        Case("launch role", PLATFORM_DEPLOYER, "iam:PassRole", "the platform launch role", LAUNCH_ROLE,
             {"iam:PassedToService": "servicecatalog.amazonaws.com"}, ALLOW, "scp+admin"),
        # Whoever could widen the users' role's trust, or replace its IdP's
        # metadata, could choose any session name, i.e. anyone's ${aws:userid}.
        Case("users' role", ADMIN, "iam:UpdateAssumeRolePolicy", "the users' role", USERS_ROLE_ARN, {}, EXPLICIT_DENY, "scp+admin"),
        Case("users' role", ADMIN, "iam:DeleteRolePermissionsBoundary", "the users' role", USERS_ROLE_ARN, {}, EXPLICIT_DENY, "scp+admin"),
        Case("users' role", ADMIN, "iam:UpdateSAMLProvider", "the users' SAML provider", IDP, {}, EXPLICIT_DENY, "scp+admin"),
        Case("users' role", PLATFORM_DEPLOYER, "iam:UpdateAssumeRolePolicy", "the users' role", USERS_ROLE_ARN, {}, ALLOW, "scp+admin"),
        Case("users' role", ADMIN, "iam:AttachRolePolicy", "the users' role (bounded by the boundary)", USERS_ROLE_ARN,
             {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, ALLOW, "scp+admin"),
        # A new trigger or target for the function needs a change to the function or its rules.
        Case("tagger protection", ADMIN, "lambda:AddPermission", "the tagger function (a new trigger)", TAGGER_FN,
             {**PROTECTED, "lambda:Principal": "events.amazonaws.com"}, EXPLICIT_DENY, "scp+admin"),
        Case("tagger protection", ADMIN, "events:PutTargets", "the tagger's rule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/tagger-SourceTagRule-X",
             PROTECTED, EXPLICIT_DENY, "scp+admin"),
    ]
    cases += _alarm_and_queue_cases(bnd)
    cases += _central_bus_cases(bnd)
    return cases


def _central_bus_cases(bnd: str) -> list:
    """Central mode's bus: tagged protected; its resource policy, which names
    no resource in IAM, guarded in the security account by scp-central-bus.json.
    And the one way out of every SCP that a member account has."""
    on_bus = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/central-ec2-launches/"
    return [
        Case("central bus", ADMIN, "events:DeleteEventBus", "the central bus", CENTRAL_BUS, PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("central bus", ADMIN, "events:UpdateEventBus", "the central bus (a KMS key to disable later)", CENTRAL_BUS, PROTECTED,
             EXPLICIT_DENY, "scp+admin"),
        Case("central bus", ADMIN, "events:UntagResource", "the central bus, key aws-userid-tagger", CENTRAL_BUS,
             {**PROTECTED, "aws:TagKeys": ["aws-userid-tagger"]}, EXPLICIT_DENY, "scp+admin"),
        Case("central bus", ADMIN, "events:RemoveTargets", "the bus's SweepRequestRule", on_bus + "central-SweepRequestRule-X", PROTECTED,
             EXPLICIT_DENY, "scp+admin"),
        Case("central bus", ADMIN, "events:PutPermission", "any bus (no resource type): scp-protection.json alone", "*", {}, ALLOW, "scp+admin"),
        Case("central bus", ADMIN, "events:PutPermission", "any bus (no resource type)", "*", {}, EXPLICIT_DENY, "scp+bus+admin"),
        Case("central bus", ADMIN, "events:RemovePermission", "any bus (the organization's statement)", "*", {}, EXPLICIT_DENY, "scp+bus+admin"),
        Case("central bus", DEPLOYER, "events:PutPermission", "any bus (stack update)", "*", {}, ALLOW, "scp+bus+admin"),
        Case("central bus", ADMIN, "events:PutRule", "a new rule on the central bus (reads its events)", on_bus + "copy", {}, ALLOW,
             "scp+bus+admin"),
        Case("central bus", ALICE, "events:DeleteEventBus", "the central bus", CENTRAL_BUS, PROTECTED, EXPLICIT_DENY, bnd),
        # Leaving the organization sheds every SCP at once.
        Case("organization", ADMIN, "organizations:LeaveOrganization", "the organization", "*", {}, EXPLICIT_DENY, "scp+admin"),
        Case("organization", DEPLOYER, "organizations:LeaveOrganization", "the organization", "*", {}, EXPLICIT_DENY, "scp+admin"),
    ]


def _alarm_and_queue_cases(bnd: str) -> list:
    """Silencing the control before attacking it: the alarms, the failure queue, the log group."""
    untag = {**PROTECTED, "aws:TagKeys": ["aws-userid-tagger"]}
    return [
        Case("alarms", ADMIN, "cloudwatch:DeleteAlarms", "a protected alarm", ALARM, PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("alarms", ADMIN, "cloudwatch:PutMetricAlarm", "a protected alarm (new threshold, no actions)", ALARM,
             PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("alarms", ADMIN, "cloudwatch:DisableAlarmActions", "a protected alarm", ALARM, PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("alarms", ADMIN, "cloudwatch:SetAlarmState", "a protected alarm (OK while in ALARM)", ALARM, PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("alarms", ADMIN, "cloudwatch:PutAlarmMuteRule", "a mute rule targeting a protected alarm", ALARM, PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("alarms", ADMIN, "cloudwatch:UntagResource", "a protected alarm, key aws-userid-tagger", ALARM, untag, EXPLICIT_DENY, "scp+admin"),
        Case("alarms", ADMIN, "cloudwatch:DeleteAlarms", "another alarm", f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:cpu-high",
             {}, ALLOW, "scp+admin"),
        Case("alarms", ADMIN, "cloudwatch:DescribeAlarms", "a protected alarm", ALARM, PROTECTED, ALLOW, "scp+admin"),
        Case("alarms", DEPLOYER, "cloudwatch:PutMetricAlarm", "a protected alarm (stack update)", ALARM, PROTECTED, ALLOW, "scp+admin"),
        Case("alarms", ALICE, "cloudwatch:DeleteAlarms", "a protected alarm", ALARM, PROTECTED, EXPLICIT_DENY, bnd),
        Case("alarms", ALICE, "cloudwatch:TagResource", "a protected alarm, key aws-userid-tagger", ALARM,
             {**untag, "aws:RequestTag/aws-userid-tagger": "off"}, EXPLICIT_DENY, bnd),
        # The failure queue: operators read and delete its messages to replay
        # them (README, Operate); nobody but the deployers changes the queue.
        Case("failure queue", ADMIN, "sqs:PurgeQueue", "the failure queue", QUEUE, PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("failure queue", ADMIN, "sqs:SetQueueAttributes", "the failure queue (retention 60 s, a new policy)", QUEUE,
             PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("failure queue", ADMIN, "sqs:DeleteQueue", "the failure queue", QUEUE, PROTECTED, EXPLICIT_DENY, "scp+admin"),
        Case("failure queue", ADMIN, "sqs:UntagQueue", "the failure queue, key aws-userid-tagger", QUEUE, untag, EXPLICIT_DENY, "scp+admin"),
        Case("failure queue", ADMIN, "sqs:ReceiveMessage", "the failure queue (replay)", QUEUE, PROTECTED, ALLOW, "scp+admin"),
        Case("failure queue", ADMIN, "sqs:DeleteMessage", "the failure queue (after a replay)", QUEUE, PROTECTED, ALLOW, "scp+admin"),
        Case("failure queue", DEPLOYER, "sqs:SetQueueAttributes", "the failure queue (stack update)", QUEUE, PROTECTED, ALLOW, "scp+admin"),
        Case("failure queue", ALICE, "sqs:PurgeQueue", "the failure queue", QUEUE, PROTECTED, EXPLICIT_DENY, bnd),
        # The log group, by its name (/aws-userid-tagger/<stack>): the
        # function's record of every tag it wrote, and the source of the
        # SweepCorrections metric.
        Case("log group", ADMIN, "logs:DeleteLogGroup", "the tagger's log group", LOG_GROUP, {}, EXPLICIT_DENY, "scp+admin"),
        Case("log group", ADMIN, "logs:PutRetentionPolicy", "the tagger's log group (1 day)", LOG_GROUP, {}, EXPLICIT_DENY, "scp+admin"),
        Case("log group", ADMIN, "logs:AssociateKmsKey", "the tagger's log group (a key to disable later)", LOG_GROUP, {},
             EXPLICIT_DENY, "scp+admin"),
        Case("log group", ADMIN, "logs:PutMetricFilter", "the tagger's log group (forged SweepCorrections)", LOG_GROUP, {},
             EXPLICIT_DENY, "scp+admin"),
        Case("log group", ADMIN, "logs:DeleteSubscriptionFilter", "the tagger's log group", LOG_GROUP, {}, EXPLICIT_DENY, "scp+admin"),
        Case("log group", ADMIN, "logs:PutTransformer", "the tagger's log group", LOG_GROUP, {}, EXPLICIT_DENY, "scp+admin"),
        Case("log group", ADMIN, "logs:PutLogEvents", "a stream of the tagger's log group (forged lines)", LOG_GROUP + ":log-stream:x",
             {}, EXPLICIT_DENY, "scp+admin"),
        Case("log group", ADMIN, "logs:StartQuery", "the tagger's log group", LOG_GROUP, {}, ALLOW, "scp+admin"),
        Case("log group", ADMIN, "logs:DeleteLogGroup", "another log group", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/other",
             {}, ALLOW, "scp+admin"),
        Case("log group", TAGGER, "logs:PutLogEvents", "a stream of its own log group", LOG_GROUP + ":log-stream:x", {}, ALLOW, "scp+admin"),
        Case("log group", DEPLOYER, "logs:PutRetentionPolicy", "the tagger's log group (stack update)", LOG_GROUP, {}, ALLOW, "scp+admin"),
        Case("log group", ALICE, "logs:DeleteLogGroup", "the tagger's log group", LOG_GROUP, {}, EXPLICIT_DENY, bnd),
    ]


CASES = _cases()


def table() -> str:
    """The Markdown table of every case and the evaluator's decision."""
    rows = [
        "| # | group | policies | principal | action | target | expected | decided by |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, case in enumerate(CASES, 1):
        decision = case.decide()
        by = ", ".join(decision.deciding) if decision.deciding else "no matching Allow"
        mark = "" if decision.result == case.expected else f" (got {decision.result})"
        rows.append(
            f"| {number} | {case.group} | {case.policies} | {case.who.name} | `{case.action}` | {case.target} | "
            f"{case.expected}{mark} | {by} |"
        )
    legend = ["", "Policies: " + "; ".join(f"`{k}` = {v}" for k, v in SETUP_TEXT.items()) + "."]
    return "\n".join(rows + legend) + "\n"


def write_doc(path: pathlib.Path) -> bool:
    """Put the current table between the markers of ``path``; True if changed."""
    begin, end = "<!-- BEGIN semantics-table -->\n", "<!-- END semantics-table -->"
    text = path.read_text()
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    new = head + begin + table() + end + tail
    path.write_text(new)
    return new != text


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--write-doc"]:
        doc = POLICIES.parent / "docs" / "access-model.md"
        print("docs/access-model.md " + ("updated" if write_doc(doc) else "already current"))
    else:
        print(table(), end="")
