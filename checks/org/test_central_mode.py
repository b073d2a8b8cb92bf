"""Central mode end to end: the real binary in a "security account" acting in
member accounts of a multi-account moto through STS AssumeRole, via `invoke`
and under the Lambda Runtime API."""
import pytest

from checks.lib import events
from checks.org.org_fixtures import (EXTERNAL_ID, FUNCTION_NAME, MEMBER_ROLE, central_env, invoke, lambda_function,  # noqa: F401 (fixtures)
                          new_account, org_moto, org_proxy)
from checks.org.org_support import calls_by_account, in_account, launch, launch_event, sts_access_denied, tags_of

CENTRAL_CALLER = f"arn:aws:sts::123456789012:assumed-role/central-TaggerFunctionRole/{FUNCTION_NAME}"


def member_role_arn(account):
    return f"arn:aws:iam::{account.account_id}:role/{MEMBER_ROLE}"


def test_each_account_is_tagged_with_its_own_users_role(new_account, invoke, org_proxy):
    a, b = new_account(), new_account()
    assert a.users_role["RoleId"] != b.users_role["RoleId"]
    [in_a] = launch(a, created_by="tim.malone@example.org")
    [in_b] = launch(b, created_by="ada@example.org")

    for account, instance in [(a, in_a), (b, in_b)]:
        result, output = invoke(launch_event(account, [instance]))
        assert result.returncode == 0, result.stderr.decode()
        expected = f"{account.users_role['RoleId']}:{'tim.malone' if account is a else 'ada'}@example.org"
        assert output["tagged"] == [{"instanceId": instance, "value": expected}]
        assert tags_of(account, instance)["AwsUserId"] == expected

    # Each instance exists only in its own account.
    with pytest.raises(Exception, match="InvalidInstanceID.NotFound"):
        b.client("ec2").describe_instances(InstanceIds=[in_a])
    assume = [c for c in org_proxy.calls if c.action == "AssumeRole"]
    assert [c.params["RoleArn"] for c in assume] == [member_role_arn(a), member_role_arn(b)]
    assert all(c.service == "sts" for c in assume), "signed for sts"
    assert {c.params["RoleSessionName"] for c in assume} == {FUNCTION_NAME}
    assert {c.params["ExternalId"] for c in assume} == {EXTERNAL_ID}
    assert org_proxy.actions() == ["sts:AssumeRole", "iam:GetRole", "ec2:DescribeInstances", "ec2:CreateTags"] * 2


def test_a_refused_assume_role_names_the_account_and_the_role(new_account, invoke, org_proxy):
    account = new_account()
    [instance] = launch(account, created_by="tim.malone@example.org")
    org_proxy.fail("AssumeRole", sts_access_denied(CENTRAL_CALLER, member_role_arn(account)))
    result, _ = invoke(launch_event(account, [instance]))
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert f"AccessDenied: account {account.account_id}: sts:AssumeRole: AccessDenied: cannot assume {member_role_arn(account)}" in stderr
    assert EXTERNAL_ID not in stderr
    assert org_proxy.actions() == ["sts:AssumeRole"], "AccessDenied is final: no retry, no EC2 call"
    assert "AwsUserId" not in tags_of(account, instance)


def test_an_account_without_the_member_role_fails_naming_the_account(org_moto, invoke, org_proxy):
    # moto lets AssumeRole into a role that does not exist, then fails the
    # first call made with those credentials (AWS refuses the AssumeRole itself,
    # as in the test above). Either way the operator reads which account.
    result, _ = invoke(in_account(events.run_instances(["i-0123456789abcdef0"]), "999999999999"), AWS_MAX_ATTEMPTS="1")
    assert result.returncode == 1
    assert "account 999999999999: iam:GetRole:" in result.stderr.decode()
    assert org_proxy.actions() == ["sts:AssumeRole", "iam:GetRole"]


def test_accounts_outside_allowed_accounts_are_ignored_without_a_call(new_account, invoke, org_proxy):
    allowed, other = new_account(), new_account()
    [instance] = launch(other, created_by="tim.malone@example.org")
    result, output = invoke(launch_event(other, [instance]), ALLOWED_ACCOUNTS=allowed.account_id)
    assert result.returncode == 0, result.stderr.decode()
    assert output["ignored"] == f"account {other.account_id} is not in ALLOWED_ACCOUNTS"
    assert org_proxy.calls == []


@pytest.mark.parametrize("account", ["12345678901", "123456789012:role/admin", "../../role"])
def test_an_account_that_is_not_an_account_id_is_an_invalid_event(invoke, org_proxy, account):
    result, _ = invoke(in_account(events.run_instances(["i-0123456789abcdef0"]), account))
    assert result.returncode == 2
    assert "InvalidEvent: account: " in result.stderr.decode()
    assert org_proxy.calls == []


def test_one_lambda_process_assumes_each_member_role_once(new_account, lambda_function, org_proxy):
    accounts = [new_account() for _ in range(3)]
    api, process = lambda_function()
    launched = {account.account_id: [launch(account, created_by=f"user{n}") for n in range(2)] for account in accounts}
    per_event = []
    for n in range(2):
        for account in accounts:
            before = len(org_proxy.calls)
            api.enqueue(launch_event(account, launched[account.account_id][n]))
            [*_, result] = api.wait_for_results(len(api.results) + 1, process=process)
            assert result.kind == "response", result.body
            assert result.json()["tagged"][0]["value"] == f"{account.users_role['RoleId']}:user{n}"
            per_event.append([f"{c.service}:{c.action}" for c in org_proxy.calls[before:]])

    cold = ["sts:AssumeRole", "iam:GetRole", "ec2:DescribeInstances", "ec2:CreateTags"]
    assert per_event == [cold] * 3 + [["ec2:DescribeInstances", "ec2:CreateTags"]] * 3
    by_account = calls_by_account(org_proxy.calls)
    assert set(by_account) == {a.account_id for a in accounts}
    assert org_proxy.count("AssumeRole") == 3
    print("\ncalls per account over 6 events in one process:")
    for account_id, calls in by_account.items():
        print(f"  {account_id}: {len(calls)} calls, {calls.count('sts:AssumeRole')} AssumeRole: {', '.join(calls)}")


def test_without_a_bus_a_scheduled_event_sweeps_every_account_in_one_invocation(new_account, lambda_function, org_proxy):
    # central.yaml always sets TAGGER_EVENT_BUS, and the sweep fans out
    # (test_fan_out.py); without it, as for the local `reconcile` command, one
    # invocation sweeps the accounts one after another, each account's regions at once.
    accounts = [new_account() for _ in range(3)]
    regions = ["us-east-1", "eu-west-1"]
    expected = {}
    for account in accounts:
        for region in regions:
            for instance in launch(account, 2, created_by="tim.malone@example.org", region=region):
                expected[instance] = (account, region, f"{account.users_role['RoleId']}:tim.malone@example.org")
            launch(account, 1, region=region)  # no CreatedBy: left alone
    api, process = lambda_function(ALLOWED_ACCOUNTS=",".join(a.account_id for a in accounts), RECONCILE_REGIONS=",".join(regions))
    api.enqueue(events.scheduled())
    [result] = api.wait_for_results(1, process=process, timeout=30)
    assert result.kind == "response", result.body
    assert sorted((t["instanceId"], t["value"]) for t in result.json()["tagged"]) == sorted((i, v) for i, (_, _, v) in expected.items())
    for instance, (account, region, value) in expected.items():
        assert tags_of(account, instance, region)["AwsUserId"] == value

    by_account = calls_by_account(org_proxy.calls)
    for account in accounts:
        # One AssumeRole and one GetRole per account; per region one paged
        # DescribeInstances and one CreateTags for its one distinct value.
        assert sorted(by_account[account.account_id]) == sorted(
            ["sts:AssumeRole", "iam:GetRole"] + ["ec2:DescribeInstances", "ec2:CreateTags"] * 2)
    describe = [c for c in org_proxy.calls if c.action == "DescribeInstances"]
    assert {c.params["MaxResults"] for c in describe} == {"1000"}
    assert not [c for c in org_proxy.calls if c.service == "events"]

    # A second sweep in the same process writes nothing and assumes nothing;
    # it reads each account's RoleId again (a re-created users' role must not
    # keep its old id in a warm function).
    org_proxy.reset_calls()
    api.enqueue(events.scheduled())
    [_, again] = api.wait_for_results(2, process=process, timeout=30)
    assert again.json()["tagged"] == [] and len(again.json()["unchanged"]) == len(expected)
    assert sorted(org_proxy.actions()) == sorted(["iam:GetRole"] * 3 + ["ec2:DescribeInstances"] * 6)
