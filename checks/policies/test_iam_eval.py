"""The evaluator checked against the behaviour the IAM User Guide documents.

Each test names the documentation topic whose example it restates (policies
rewritten here, not copied): "Creating a condition with multiple keys or values"
(set operators), "IAM policy elements: Variables and tags", "Condition
operators" (missing keys, IfExists, Null) and "Policy evaluation logic"
(explicit deny, permissions boundaries, SCPs).
"""

import pytest

from checks.policies.iam_eval import (
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    NotModelled,
    Request,
    arn_matches,
    condition_holds,
    evaluate,
)


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


# --- set operators ("Creating a condition with multiple keys or values") ----

TABLE = "arn:aws:dynamodb:us-east-2:111122223333:table/Thread"
ONLY_SOME_ATTRIBUTES = policy(
    {
        "Effect": "Allow",
        "Action": "dynamodb:GetItem",
        "Resource": TABLE,
        "Condition": {
            "ForAllValues:StringLike": {
                "dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]
            }
        },
    }
)
NO_PUT_OF_ID_OR_DATE = policy(
    {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": TABLE},
    {
        "Effect": "Deny",
        "Action": "dynamodb:PutItem",
        "Resource": TABLE,
        "Condition": {
            "ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}
        },
    },
)


def attrs(action, *names):
    return Request(action, TABLE, {"dynamodb:requestedAttributes": list(names)})


def test_for_all_values_allows_a_subset_of_the_listed_attributes():
    assert evaluate(attrs("dynamodb:GetItem", "PostDateTime", "Message"), [ONLY_SOME_ATTRIBUTES]).result == ALLOW


def test_for_all_values_refuses_when_one_requested_attribute_is_not_listed():
    assert evaluate(attrs("dynamodb:GetItem", "PostDateTime", "UserName"), [ONLY_SOME_ATTRIBUTES]).result == IMPLICIT_DENY


def test_for_any_value_deny_fires_when_one_value_matches():
    decision = evaluate(attrs("dynamodb:PutItem", "UserName", "Message", "PostDateTime"), [NO_PUT_OF_ID_OR_DATE])
    assert decision.result == EXPLICIT_DENY


def test_for_any_value_deny_stays_silent_when_nothing_matches():
    assert evaluate(attrs("dynamodb:PutItem", "UserName"), [NO_PUT_OF_ID_OR_DATE]).result == ALLOW


def test_empty_set_satisfies_for_all_values_but_not_for_any_value():
    empty = Request("x:Y", "*", {"k": []})
    assert condition_holds("ForAllValues:StringEquals", "k", ["a"], empty) is True
    assert condition_holds("ForAnyValue:StringEquals", "k", ["a"], empty) is False
    missing = Request("x:Y", "*", {})
    assert condition_holds("ForAllValues:StringEquals", "k", ["a"], missing) is True
    assert condition_holds("ForAnyValue:StringEquals", "k", ["a"], missing) is False


# --- policy variables ("IAM policy elements: Variables and tags") -----------

HOME_FOLDERS = policy(
    {
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": "arn:aws:s3:::mybucket",
        "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}},
    },
    {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": "arn:aws:s3:::mybucket/${aws:username}/*",
    },
)


def test_variable_in_resource_gives_each_user_their_own_folder():
    david = {"aws:username": "David"}
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::mybucket/David/notes.txt", david), [HOME_FOLDERS]).result == ALLOW
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::mybucket/Adele/notes.txt", david), [HOME_FOLDERS]).result == IMPLICIT_DENY


def test_variable_in_condition_value():
    david = {"aws:username": "David", "s3:prefix": "David/reports"}
    other = {"aws:username": "David", "s3:prefix": "Adele/reports"}
    assert evaluate(Request("s3:ListBucket", "arn:aws:s3:::mybucket", david), [HOME_FOLDERS]).result == ALLOW
    assert evaluate(Request("s3:ListBucket", "arn:aws:s3:::mybucket", other), [HOME_FOLDERS]).result == IMPLICIT_DENY


def test_absent_variable_makes_the_statement_not_apply():
    # An assumed role has no aws:username: "any attempt to match it fails".
    role = {"aws:userid": "AROAEXAMPLE:David"}
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::mybucket/David/x", role), [HOME_FOLDERS]).result == IMPLICIT_DENY


def test_absent_variable_also_disables_a_deny_statement():
    deny = policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"},
    )
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::b/x/y", {}), [deny]).result == ALLOW


def test_variable_in_the_middle_of_a_queue_name():
    queues = policy({"Effect": "Allow", "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-2:*:${aws:username}-queue"})
    ctx = {"aws:username": "Adele"}
    assert evaluate(Request("sqs:SendMessage", "arn:aws:sqs:us-east-2:111122223333:Adele-queue", ctx), [queues]).result == ALLOW
    assert evaluate(Request("sqs:SendMessage", "arn:aws:sqs:us-east-2:111122223333:David-queue", ctx), [queues]).result == IMPLICIT_DENY
    assert evaluate(Request("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:Adele-queue", ctx), [queues]).result == IMPLICIT_DENY


def test_substituted_text_is_literal_inside_like_patterns():
    # A value that contains a wildcard character must not act as a wildcard.
    stmt = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": "${aws:username}/"}}})
    assert evaluate(Request("s3:GetObject", "*", {"aws:username": "a*", "s3:prefix": "abc/"}), [stmt]).result == IMPLICIT_DENY
    assert evaluate(Request("s3:GetObject", "*", {"aws:username": "a*", "s3:prefix": "a*/"}), [stmt]).result == ALLOW


def test_special_variables_stand_for_literal_characters():
    stmt = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${*}${?}${$}"})
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::b/*?$", {}), [stmt]).result == ALLOW
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::b/abc", {}), [stmt]).result == IMPLICIT_DENY


def test_tag_condition_with_two_allowed_values():
    cost = policy({"Effect": "Allow", "Action": "iam:*user*", "Resource": "*", "Condition": {"StringLike": {"iam:ResourceTag/costCenter": ["12345", "67890"]}}})
    assert evaluate(Request("iam:GetUser", "arn:aws:iam::111122223333:user/a", {"iam:ResourceTag/costCenter": "67890"}), [cost]).result == ALLOW
    assert evaluate(Request("iam:GetUser", "arn:aws:iam::111122223333:user/a", {"iam:ResourceTag/costCenter": "11111"}), [cost]).result == IMPLICIT_DENY
    assert evaluate(Request("iam:GetUser", "arn:aws:iam::111122223333:user/a", {}), [cost]).result == IMPLICIT_DENY


# --- condition operators ("IAM JSON policy elements: Condition operators") ---


def test_missing_key_fails_positive_and_satisfies_negated_operators():
    nothing = Request("x:Y", "*", {})
    assert condition_holds("StringEquals", "aws:PrincipalTag/job-category", "iamuser-admin", nothing) is False
    assert condition_holds("StringNotLike", "aws:PrincipalTag/job-category", "iamuser-*", nothing) is True
    assert condition_holds("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/x", nothing) is True


def test_a_deny_with_a_negated_operator_applies_when_the_key_is_missing():
    # "Condition operators", the Important note: "If the policy condition
    # requires that the key is not matched, such as StringNotLike or
    # ArnNotLike, and the right key is not present, the condition is true."
    # The boundary relies on it: a Deny with StringNotEquals on a resource tag
    # denies a resource that has no such tag. The policy variable in the value
    # is substituted first (aws:userid is always present for a role session).
    deny_unless_mine = policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ssm:StartSession", "Resource": "arn:aws:ec2:*:*:instance/*",
         "Condition": {"StringNotEquals": {"ssm:resourceTag/Owner": "${aws:userid}"}}},
    )
    me = {"aws:userid": "AROAEXAMPLE:alice"}
    instance = "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"
    assert evaluate(Request("ssm:StartSession", instance, {**me, "ssm:resourceTag/Owner": "AROAEXAMPLE:alice"}), [deny_unless_mine]).result == ALLOW
    assert evaluate(Request("ssm:StartSession", instance, {**me, "ssm:resourceTag/Owner": "AROAEXAMPLE:bob"}), [deny_unless_mine]).result == EXPLICIT_DENY
    assert evaluate(Request("ssm:StartSession", instance, me), [deny_unless_mine]).result == EXPLICIT_DENY


def test_if_exists_holds_when_the_key_is_missing_and_checks_it_otherwise():
    families = ["t1.*", "t2.*", "m3.*"]
    assert condition_holds("StringLikeIfExists", "ec2:InstanceType", families, Request("ec2:RunInstances", "*", {})) is True
    assert condition_holds("StringLikeIfExists", "ec2:InstanceType", families, Request("ec2:RunInstances", "*", {"ec2:InstanceType": "t2.micro"})) is True
    assert condition_holds("StringLikeIfExists", "ec2:InstanceType", families, Request("ec2:RunInstances", "*", {"ec2:InstanceType": "m4.large"})) is False


def test_null_checks_presence():
    long_term = Request("x:Y", "*", {})
    temporary = Request("x:Y", "*", {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"})
    assert condition_holds("Null", "aws:TokenIssueTime", "true", long_term) is True
    assert condition_holds("Null", "aws:TokenIssueTime", "true", temporary) is False
    assert condition_holds("Null", "aws:TokenIssueTime", "false", temporary) is True


def test_bool_compares_true_and_false():
    insecure = Request("s3:GetObject", "*", {"aws:SecureTransport": "false"})
    assert condition_holds("Bool", "aws:SecureTransport", "false", insecure) is True
    assert condition_holds("Bool", "aws:SecureTransport", "true", insecure) is False


def test_string_equals_is_case_sensitive_and_ignore_case_is_not():
    r = Request("x:Y", "*", {"k": "AwsUserId"})
    assert condition_holds("StringEquals", "k", "awsuserid", r) is False
    assert condition_holds("StringEqualsIgnoreCase", "k", "awsuserid", r) is True
    assert condition_holds("StringNotEqualsIgnoreCase", "k", "awsuserid", r) is False


def test_condition_key_names_are_case_insensitive():
    r = Request("x:Y", "*", {"AWS:currenttime": "now"})
    assert condition_holds("StringEquals", "aws:CurrentTime", "now", r) is True


def test_several_values_are_ored_and_several_keys_anded():
    stmt = policy({
        "Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
        "Condition": {"StringLike": {"ssm:resourceTag/tag-key1": ["tag-value1"], "ssm:resourceTag/tag-key2": ["tag-value2", "other"]}},
    })
    both = {"ssm:resourceTag/tag-key1": "tag-value1", "ssm:resourceTag/tag-key2": "other"}
    one = {"ssm:resourceTag/tag-key1": "tag-value1"}
    assert evaluate(Request("ssm:StartSession", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", both), [stmt]).result == ALLOW
    assert evaluate(Request("ssm:StartSession", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", one), [stmt]).result == IMPLICIT_DENY


def test_arn_like_matches_component_by_component():
    assert arn_matches("arn:aws:iam::*:role/aws-userid-tagger/*", "arn:aws:iam::111122223333:role/aws-userid-tagger/fn-role")
    assert not arn_matches("arn:aws:iam::*:role/aws-userid-tagger/*", "arn:aws:iam::111122223333:role/other")
    # a wildcard in the account field must not swallow the region field
    assert not arn_matches("arn:aws:ssm:*::document/AWS-StartSSHSession", "arn:aws:ssm:us-east-1:999988887777:document/AWS-StartSSHSession")
    assert arn_matches("arn:aws:ssm:*::document/AWS-StartSSHSession", "arn:aws:ssm:us-east-1::document/AWS-StartSSHSession")
    assert not arn_matches("arn:aws:iam::*:role/x", "not-an-arn")


def test_actions_match_case_insensitively_with_wildcards():
    p = policy({"Effect": "Allow", "Action": "iam:*AccessKey*", "Resource": "*"})
    assert evaluate(Request("IAM:createaccesskey", "arn:aws:iam::1:user/a"), [p]).result == ALLOW
    assert evaluate(Request("iam:CreateUser", "arn:aws:iam::1:user/a"), [p]).result == IMPLICIT_DENY


def test_not_action_and_not_resource():
    p = policy({"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"})
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::public/a"), [p]).result == ALLOW
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::secret/a"), [p]).result == IMPLICIT_DENY
    assert evaluate(Request("iam:GetUser", "arn:aws:s3:::public/a"), [p]).result == IMPLICIT_DENY


# --- evaluation logic ("Policy evaluation logic", "Permissions boundaries") ---


def test_explicit_deny_beats_any_allow():
    allow = policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    deny = policy({"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})
    assert evaluate(Request("s3:DeleteBucket", "arn:aws:s3:::b"), [allow, deny]).result == EXPLICIT_DENY
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::b/k"), [allow, deny]).result == ALLOW


def test_nothing_allowed_is_an_implicit_deny():
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::b/k"), []).result == IMPLICIT_DENY


def test_boundary_caps_what_the_identity_policy_grants():
    # The boundary example: the boundary allows S3, CloudWatch and EC2 only;
    # an identity policy that grants iam:CreateUser grants nothing.
    boundary = policy({"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*"], "Resource": "*"})
    identity = policy({"Effect": "Allow", "Action": ["iam:CreateUser", "s3:GetObject"], "Resource": "*"})
    assert evaluate(Request("iam:CreateUser", "arn:aws:iam::1:user/x"), [identity], boundary=boundary).result == IMPLICIT_DENY
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::b/k"), [identity], boundary=boundary).result == ALLOW
    # and a boundary grants nothing by itself
    assert evaluate(Request("ec2:RunInstances", "*"), [identity], boundary=boundary).result == IMPLICIT_DENY


def test_scp_must_allow_and_its_deny_wins():
    full = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    no_iam = policy({"Effect": "Deny", "Action": "iam:*", "Resource": "*"})
    identity = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert evaluate(Request("iam:CreateUser", "*"), [identity], scps=[full, no_iam]).result == EXPLICIT_DENY
    assert evaluate(Request("s3:GetObject", "*"), [identity], scps=[full, no_iam]).result == ALLOW
    only_s3 = policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    assert evaluate(Request("ec2:RunInstances", "*"), [identity], scps=[only_s3]).result == IMPLICIT_DENY


def test_what_is_not_modelled_is_refused_not_guessed():
    with pytest.raises(NotModelled):
        condition_holds("NumericLessThan", "s3:max-keys", "10", Request("x:Y", "*", {"s3:max-keys": "5"}))
    with pytest.raises(NotModelled):
        condition_holds("StringEquals", "aws:TagKeys", "a", Request("x:Y", "*", {"aws:TagKeys": ["a"]}))
    with pytest.raises(NotModelled):
        evaluate(Request("s3:GetObject", "*"), [policy({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})])
