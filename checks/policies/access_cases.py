"""The access-model cases: who asks for what, and what IAM must answer.

Each case builds the request context AWS would send (principal keys from the
caller, resource tags from the instance or session) and names the policies in
force. test_access_model.py asserts every expectation; ``python3
checks/policies/cases.py`` prints the table that docs/access-model.md quotes
and ``--write-doc`` puts it there (a test keeps the two in step).
"""

from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass, field

from iam_eval import ALLOW, EXPLICIT_DENY, IMPLICIT_DENY, Request, evaluate

POLICIES = pathlib.Path(__file__).resolve().parent.parent.parent / "policies"

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
REGION = "eu-west-1"
USERS_ROLE_ID = "AROAUSERSROLEEXAMPLE1"
OTHER_ROLE_ID = "AROAOTHERROLEEXAMPLE2"


def load(name: str) -> dict:
    return json.loads((POLICIES / name).read_text())


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
    "scp+admin": lambda: ([ADMINISTRATOR], None, [FULL_AWS_ACCESS, load("guard/scp.json")]),
    "scp+function": lambda: ([load("function-role.json")], None, [FULL_AWS_ACCESS, load("guard/scp.json")]),
    "abac": lambda: ([load("abac/users-role.json")], None, None),
}

SETUP_TEXT = {
    "users": "policies/users-role.json",
    "users+boundary+admin": "users-role.json + AdministratorAccess, boundary guard/users-permissions-boundary.json",
    "function": "policies/function-role.json",
    "scp+admin": "AdministratorAccess under SCPs FullAWSAccess + guard/scp.json",
    "scp+function": "function-role.json under SCPs FullAWSAccess + guard/scp.json",
    "abac": "policies/abac/users-role.json",
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


def tag_write(who, action, keys, expected, policies, label="alice's instance", value=None, resource=None):
    arn, tags = INSTANCES[label]
    ctx = resource_tags(tags, "aws:ResourceTag/")
    if keys is not None:
        ctx["aws:TagKeys"] = list(keys)
        for key in keys:
            ctx[f"aws:RequestTag/{key}"] = value if value is not None else "x"
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
        (document("", "AWS-StartPortForwardingSessionToRemoteHost"), ALLOW),
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
    return cases


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
