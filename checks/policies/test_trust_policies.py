"""The users' role trust policies (policies/users-trust.policy and
policies/abac/users-trust.policy): only the one SAML provider, for the AWS
sign-in audience, may assume the role; in the function variant nobody may
attach session tags. The files are JSON but not named .json: a trust policy has
a Principal and no Resource, and parliament (run on every *.json) reads
policies as identity policies.

iam_eval.py does not model Principal; this test matches the principal itself
(an exact Federated ARN) and lets iam_eval decide action and conditions."""

import json
import pathlib

import pytest

from checks.policies.iam_eval import Request, conditions_hold, action_matches

POLICIES = pathlib.Path(__file__).resolve().parent.parent.parent / "policies"
PROVIDER = "arn:aws:iam::111122223333:saml-provider/PLACEHOLDER-IDP"
SIGN_IN = "https://signin.aws.amazon.com/saml"


def load(name):
    return json.loads((POLICIES / name).read_text())


def trusted(policy, principal: dict, action: str, context: dict) -> bool:
    """True when an Allow statement names exactly this principal and its
    action and conditions hold (trust policies here have no Deny)."""
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow" and "NotPrincipal" not in statement and "NotAction" not in statement
        named = statement["Principal"]
        if not any(principal.get(kind) in ([v] if isinstance(v, str) else v) for kind, v in named.items()):
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if any(action_matches(a, action) for a in actions) and conditions_hold(statement.get("Condition"), Request(action, "", context)):
            return True
    return False


FEDERATED = {"Federated": PROVIDER}
SAML = {"SAML:aud": SIGN_IN, "SAML:sub": "alice@example.org"}


@pytest.mark.parametrize("name", ["users-trust.policy", "abac/users-trust.policy"])
def test_only_the_one_provider_for_the_sign_in_audience(name):
    policy = load(name)
    assert [s["Principal"] for s in policy["Statement"]] == [FEDERATED], "one statement, one named provider, no wildcard"
    tags = {"aws:TagKeys": ["username"], "aws:RequestTag/username": "alice@example.org"} if name.startswith("abac") else {}
    assert trusted(policy, FEDERATED, "sts:AssumeRoleWithSAML", {**SAML, **tags})
    # Another provider, the account, a role, a service, a web identity: never.
    assert not trusted(policy, {"Federated": "arn:aws:iam::111122223333:saml-provider/OTHER-IDP"}, "sts:AssumeRoleWithSAML", SAML)
    assert not trusted(policy, {"AWS": "arn:aws:iam::111122223333:root"}, "sts:AssumeRole", {})
    assert not trusted(policy, {"AWS": "arn:aws:iam::111122223333:role/Admin"}, "sts:AssumeRole", {})
    assert not trusted(policy, {"Service": "ec2.amazonaws.com"}, "sts:AssumeRole", {})
    assert not trusted(policy, FEDERATED, "sts:AssumeRoleWithWebIdentity", SAML)
    assert not trusted(policy, FEDERATED, "sts:AssumeRole", SAML)
    # An assertion for another audience (another service provider) is refused.
    assert not trusted(policy, FEDERATED, "sts:AssumeRoleWithSAML", {**SAML, "SAML:aud": "https://example.org/saml", **tags})
    assert not trusted(policy, FEDERATED, "sts:AssumeRoleWithSAML", {"SAML:sub": "alice@example.org", **tags})


def test_the_function_variant_allows_no_session_tags():
    # Without sts:TagSession in the trust policy, STS refuses an assertion that
    # carries session tags: no tag a user's IdP profile could influence ends up
    # on the session, and nothing in the model trusts principal tags.
    policy = load("users-trust.policy")
    assert not trusted(policy, FEDERATED, "sts:TagSession", {**SAML, "aws:TagKeys": ["username"], "aws:RequestTag/username": "bob"})
    assert not trusted(policy, FEDERATED, "sts:SetSourceIdentity", SAML)


def test_the_abac_variant_takes_exactly_one_non_empty_username_tag():
    policy = load("abac/users-trust.policy")
    one = {**SAML, "aws:TagKeys": ["username"], "aws:RequestTag/username": "alice@example.org"}
    assert trusted(policy, FEDERATED, "sts:TagSession", one)
    assert not trusted(policy, FEDERATED, "sts:AssumeRoleWithSAML", {**SAML, "aws:TagKeys": ["username"], "aws:RequestTag/username": ""})
    assert not trusted(policy, FEDERATED, "sts:AssumeRoleWithSAML", SAML), "no username tag, no session"
    assert not trusted(policy, FEDERATED, "sts:TagSession", {**one, "aws:TagKeys": ["username", "project"], "aws:RequestTag/project": "x"})
