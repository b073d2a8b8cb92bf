"""Central mode without ALLOWED_ACCOUNTS: a scheduled sweep lists the
organization with AWS Organizations (moto's, auth on, the central account
123456789012 its management account) and publishes one sweep request per
ACTIVE member account, none for the management account or a closed one;
each request, handed back, sweeps its account. The real binary under a local
Runtime API, through the counting proxy; a refused listing names who may
list and the alternative, and publishes nothing."""
import json

import pytest

from checks.lib import events
from checks.lib.aws_proxy import Fault
from checks.lib.moto_server import ACCOUNT_ID
from checks.org.org_fixtures import (MEMBER_ROLE_NAME, MEMBER_ROLE_PATH, USERS_ROLE, central_env,  # noqa: F401 (fixtures)
                                     lambda_function, org_moto, org_proxy)
from checks.org.org_support import launch, sweep_delivered_request, tags_of
from checks.org.test_fan_out import BUS_ARN, CentralBus, region_of

REGIONS = ["us-east-1", "eu-west-1"]
# More members than one ListAccounts page holds (MaxResults 20): the listing pages.
MEMBERS = 23
SWEPT = 3  # of them bootstrapped with a member role and instances, and swept


@pytest.fixture(scope="module")
def organization(org_moto):
    """The organization in moto: the central account creates it (so it is the
    management account), then MEMBERS accounts, and closes one more."""
    org = org_moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    members = [org.create_account(AccountName=f"member-{n}", Email=f"member-{n}@example.org")["CreateAccountStatus"]["AccountId"]
               for n in range(MEMBERS)]
    closed = org.create_account(AccountName="closed", Email="closed@example.org")["CreateAccountStatus"]["AccountId"]
    org.close_account(AccountId=closed)
    states = {a["Id"]: a["State"] for page in org.get_paginator("list_accounts").paginate() for a in page["Accounts"]}
    assert states[closed] == "SUSPENDED" and states[ACCOUNT_ID] == "ACTIVE" and len(states) == MEMBERS + 2
    swept = [org_moto.add_member_account(account_id, MEMBER_ROLE_NAME, USERS_ROLE, member_role_path=MEMBER_ROLE_PATH)
             for account_id in members[:SWEPT]]
    return {"members": members, "closed": closed, "swept": swept}


@pytest.fixture(scope="module")
def central_bus(org_moto):
    return CentralBus(org_moto)


def test_a_scheduled_sweep_publishes_one_request_per_active_member_account(organization, lambda_function, org_proxy, central_bus):
    expected = {}  # instance id -> (account, region, value)
    for account in organization["swept"]:
        for region in REGIONS:
            for instance in launch(account, 2, created_by="ada.lovelace@example.org", region=region):
                expected[instance] = (account, region, f"{account.users_role['RoleId']}:ada.lovelace@example.org")
    api, process = lambda_function(ALLOWED_ACCOUNTS="", RECONCILE_REGIONS=",".join(REGIONS), TAGGER_EVENT_BUS=BUS_ARN)
    api.enqueue(events.scheduled())
    [fan_out] = api.wait_for_results(1, process=process, timeout=30)
    assert fan_out.kind == "response", fan_out.body
    assert fan_out.json()["sweepRequests"] == MEMBERS

    # DescribeOrganization, then ListAccounts page by page (2 pages of at most
    # 20), all with the function's own key, signed for Organizations in
    # us-east-1; then PutEvents, 10 entries a call.
    actions = org_proxy.actions()
    assert actions == ["organizations:DescribeOrganization", "organizations:ListAccounts", "organizations:ListAccounts",
                       "events:PutEvents", "events:PutEvents", "events:PutEvents"], actions
    listing = [c for c in org_proxy.calls if c.service == "organizations"]
    assert [c.headers["X-Amz-Target"] for c in listing] == ["AWSOrganizationsV20161128.DescribeOrganization"] + \
        ["AWSOrganizationsV20161128.ListAccounts"] * 2
    assert {region_of(c) for c in listing} == {"us-east-1"}
    assert [c.params for c in listing[1:]] == [{"MaxResults": 20}, {"MaxResults": 20, "NextToken": listing[2].params["NextToken"]}]
    published = [json.loads(e["Detail"])["account"] for c in org_proxy.calls if c.action == "PutEvents" for e in c.params["Entries"]]
    assert sorted(published) == sorted(organization["members"]), "every ACTIVE member once"
    assert ACCOUNT_ID not in published, "never the management account: no member role there"
    assert organization["closed"] not in published, "never an account that is not ACTIVE"

    # Each request comes back through central.yaml's rule and sweeps its
    # account: accepted without ALLOWED_ACCOUNTS, since this account published it.
    delivered = {e["detail"]["account"]: e for e in central_bus.drain("SweepRequestRule")}
    assert sorted(delivered) == sorted(organization["members"])
    for done, account in enumerate(organization["swept"], start=2):
        sweep_delivered_request(api, process, org_proxy, delivered[account.account_id], account, expected, REGIONS, done)
    for instance, (account, region, value) in expected.items():
        assert tags_of(account, instance, region)["AwsUserId"] == value


def test_with_allowed_accounts_the_organization_is_not_asked(organization, lambda_function, org_proxy, central_bus):
    chosen = organization["members"][:2]
    api, process = lambda_function(ALLOWED_ACCOUNTS=",".join(chosen), TAGGER_EVENT_BUS=BUS_ARN)
    api.enqueue(events.scheduled())
    [result] = api.wait_for_results(1, process=process, timeout=30)
    assert result.kind == "response" and result.json()["sweepRequests"] == 2, result.body
    assert org_proxy.actions() == ["events:PutEvents"]
    assert sorted(e["detail"]["account"] for e in central_bus.drain("SweepRequestRule")) == sorted(chosen)


ADVICE = ("with ALLOWED_ACCOUNTS empty, a sweep lists the organization's accounts, which only its management account "
          "or a delegated administrator account may do")


def test_a_role_without_the_list_permission_is_told_who_may_list_and_publishes_nothing(organization, lambda_function, org_proxy,
                                                                                        org_moto):
    # moto's own IAM refuses: a user allowed everything central.yaml gives but the listing.
    key, secret = org_moto.create_user("central-without-listing", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "events:PutEvents"], "Resource": "*"}]})
    api, process = lambda_function(ALLOWED_ACCOUNTS="", TAGGER_EVENT_BUS=BUS_ARN, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret)
    api.enqueue(events.scheduled())
    [result] = api.wait_for_results(1, process=process, timeout=30)
    assert result.kind == "error", result.body
    message = result.json()["errorMessage"]
    assert message.startswith("organizations:DescribeOrganization: ") and ADVICE in message, message
    assert "or set ALLOWED_ACCOUNTS" in message and "HTTP 403" in message, message
    assert org_proxy.actions() == ["organizations:DescribeOrganization"], "refused is final, and nothing is published"


def test_a_member_account_that_is_no_delegated_administrator_is_refused_in_awss_words(organization, lambda_function, org_proxy):
    # AWS's answer (JSON 1.1, AccessDeniedException) to ListAccounts from a
    # member account that is not a delegated administrator; moto would
    # answer an empty list instead.
    org_proxy.answer("ListAccounts", lambda params: Fault.json_answer(
        {"__type": "AccessDeniedException", "Message": "You don't have permissions to access this resource."}, 400))
    api, process = lambda_function(ALLOWED_ACCOUNTS="", TAGGER_EVENT_BUS=BUS_ARN)
    api.enqueue(events.scheduled())
    [result] = api.wait_for_results(1, process=process, timeout=30)
    assert result.kind == "error" and result.error_type == "AccessDeniedException", result.body
    message = result.json()["errorMessage"]
    assert message.startswith("organizations:ListAccounts: AccessDeniedException: " + ADVICE), message
    assert message.endswith("or set ALLOWED_ACCOUNTS: You don't have permissions to access this resource. (HTTP 400)"), message
    assert org_proxy.actions() == ["organizations:DescribeOrganization", "organizations:ListAccounts"]


def test_listing_is_retried_when_throttled(organization, lambda_function, org_proxy):
    org_proxy.fail("ListAccounts", Fault.json_error(400, "TooManyRequestsException",
                                                    "AWS Organizations can't complete your request because another request is already in progress."))
    api, process = lambda_function(ALLOWED_ACCOUNTS="", TAGGER_EVENT_BUS=BUS_ARN)
    api.enqueue(events.scheduled())
    [result] = api.wait_for_results(1, process=process, timeout=30)
    assert result.kind == "response" and result.json()["sweepRequests"] == MEMBERS, result.body
    assert org_proxy.actions()[:4] == ["organizations:DescribeOrganization"] + ["organizations:ListAccounts"] * 3


def test_an_organizations_endpoint_of_its_own_is_honoured(organization, lambda_function, org_proxy, org_moto):
    # AWS_ENDPOINT_URL_ORGANIZATIONS, the SDKs' name, wins over AWS_ENDPOINT_URL
    # (the proxy): the listing goes straight to moto, the rest through the proxy.
    api, process = lambda_function(ALLOWED_ACCOUNTS="", TAGGER_EVENT_BUS=BUS_ARN, AWS_ENDPOINT_URL_ORGANIZATIONS=org_moto.endpoint)
    api.enqueue(events.scheduled())
    [result] = api.wait_for_results(1, process=process, timeout=30)
    assert result.kind == "response" and result.json()["sweepRequests"] == MEMBERS, result.body
    assert set(org_proxy.actions()) == {"events:PutEvents"}
