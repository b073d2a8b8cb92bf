"""Central mode's scheduled sweep fans out: the real binary under a local
Runtime API publishes one sweep request per allowed account on the central
bus (moto's EventBridge, with central.yaml's rules on it delivering to SQS
queues we read), and each request, handed back to the function, sweeps that
one account's regions. Forged requests are ignored with the reason; entries
EventBridge fails are published again or reported (a scripted EventBridge in
the proxy: moto never fails an entry)."""
import json

import pytest

from checks.lib import events
from checks.lib.aws_proxy import Fault
from checks.lib.moto_server import ACCOUNT_ID
from checks.org.org_fixtures import (central_env, invoke, lambda_function, new_account, org_moto,  # noqa: F401 (fixtures)
                                     org_proxy)
from checks.org.org_support import launch, sweep_delivered_request, tags_of
from checks.org.test_templates import load, resolve

BUS_NAME = "central-ec2-launches"
BUS_ARN = f"arn:aws:events:us-east-1:{ACCOUNT_ID}:event-bus/{BUS_NAME}"
REGIONS = ["us-east-1", "eu-west-1"]


class CentralBus:
    """The central bus in moto's central account, with central.yaml's three
    rules on it (parameters resolved as deployed in that account), each
    delivering to a queue of its own."""

    RULES = ["SweepRequestRule", "RunInstancesRule", "SourceTagRule"]
    # moto 5.2.1 delivers an event to a queue without its `account` (its
    # default input template leaves it out; EventBridge delivers the whole
    # event): this transformer writes the envelope back whole, `account`
    # taken from the event the rule matched.
    WHOLE_EVENT = {
        "InputPathsMap": {name: f"$.{name}" for name in
                          ["id", "time", "detail-type", "source", "account", "region", "resources", "detail"]},
        "InputTemplate": '{"version": "0", "id": "<id>", "detail-type": "<detail-type>", "source": "<source>", '
                         '"account": "<account>", "time": "<time>", "region": "<region>", "resources": <resources>, '
                         '"detail": <detail>}',
    }

    def __init__(self, moto):
        self.events, self.sqs = moto.client("events"), moto.client("sqs")
        self.events.create_event_bus(Name=BUS_NAME)
        resources = load("central.yaml")["Resources"]
        values = {"AWS::AccountId": ACCOUNT_ID, "SourceTagKey": "CreatedBy"}
        self.queues = {}
        for rule in self.RULES:
            pattern = json.loads(json.dumps(resolve(resources[rule]["Properties"]["EventPattern"], values, {})))
            url = self.sqs.create_queue(QueueName=f"delivered-by-{rule}")["QueueUrl"]
            arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self.events.put_rule(Name=rule, EventBusName=BUS_NAME, EventPattern=json.dumps(pattern))
            self.events.put_targets(Rule=rule, EventBusName=BUS_NAME, Targets=[{"Id": "queue", "Arn": arn, "InputTransformer": self.WHOLE_EVENT}])
            self.queues[rule] = url

    def drain(self, rule):
        """Every event `rule` delivered since the last drain."""
        out = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.queues[rule], MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return out
            for message in messages:
                out.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queues[rule], ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture(scope="module")
def central_bus(org_moto):
    return CentralBus(org_moto)


def region_of(call):
    """The region of a call's SigV4 credential scope (AKID/date/region/service/aws4_request)."""
    return call.headers["Authorization"].split("Credential=", 1)[1].split("/")[2]


def sweep_request(account, publisher=ACCOUNT_ID):
    """A sweep request as EventBridge delivers it, `account` its envelope's
    (the publisher's); None leaves the field out."""
    event = {"version": "0", "id": "6f0b8a7e-3c1d-4e2a-9b5f-0a1b2c3d4e5f", "detail-type": "Sweep Request",
             "source": "aws-userid-tagger", "time": "2026-11-25T11:00:01Z", "region": "us-east-1", "resources": [],
             "detail": {"account": account}}
    if publisher is not None:
        event["account"] = publisher
    return event


def test_a_scheduled_sweep_publishes_one_request_per_account_and_each_sweeps_its_regions(
        new_account, lambda_function, org_proxy, central_bus):
    accounts = [new_account() for _ in range(3)]
    expected = {}  # instance id -> (account, region, value)
    for account in accounts:
        for region in REGIONS:
            for instance in launch(account, 2, created_by="tim.malone@example.org", region=region):
                expected[instance] = (account, region, f"{account.users_role['RoleId']}:tim.malone@example.org")
            launch(account, 1, region=region)  # no CreatedBy: left alone
    api, process = lambda_function(ALLOWED_ACCOUNTS=",".join(a.account_id for a in accounts),
                                   RECONCILE_REGIONS=",".join(REGIONS), TAGGER_EVENT_BUS=BUS_ARN)
    api.enqueue(events.scheduled())
    [fan_out] = api.wait_for_results(1, process=process, timeout=30)
    assert fan_out.kind == "response", fan_out.body
    assert fan_out.json()["sweepRequests"] == 3 and fan_out.json()["tagged"] == []

    # One PutEvents with the three entries, signed for EventBridge; no call
    # reaches a member account.
    assert org_proxy.actions() == ["events:PutEvents"]
    [put] = org_proxy.calls
    entries = put.params["Entries"]
    assert [json.loads(e["Detail"]) for e in entries] == [{"account": a.account_id} for a in accounts]
    assert {(e["Source"], e["DetailType"], e["EventBusName"]) for e in entries} == {("aws-userid-tagger", "Sweep Request", BUS_ARN)}

    # On the bus, central.yaml's sweep-request rule took all three, with the
    # publisher's account in the envelope; the launch and source-tag rules none.
    delivered = central_bus.drain("SweepRequestRule")
    assert sorted(e["detail"]["account"] for e in delivered) == sorted(a.account_id for a in accounts)
    assert {(e["source"], e["detail-type"], e["account"]) for e in delivered} == {("aws-userid-tagger", "Sweep Request", ACCOUNT_ID)}
    assert central_bus.drain("RunInstancesRule") == central_bus.drain("SourceTagRule") == []

    # Each request, delivered to the function, is one invocation that sweeps
    # its own account's regions, and only those.
    by_id = {a.account_id: a for a in accounts}
    for done, request in enumerate(delivered, start=2):
        account = by_id[request["detail"]["account"]]
        calls = sweep_delivered_request(api, process, org_proxy, request, account, expected, REGIONS, done)
        assert sorted(region_of(c) for c in calls if c.service == "ec2" and c.action == "DescribeInstances") == sorted(REGIONS)
    for instance, (account, region, value) in expected.items():
        assert tags_of(account, instance, region)["AwsUserId"] == value


FORGED = [
    # (what, envelope account, requested account, reason)
    ("published by a member account (EventBridge writes the sender's account)", "111111111111", "111111111111",
     f"a sweep request published by account '111111111111', not by this function's {ACCOUNT_ID}"),
    ("for an account outside ALLOWED_ACCOUNTS", ACCOUNT_ID, "999999999999", "account 999999999999 is not in ALLOWED_ACCOUNTS"),
    ("without an envelope account", None, "111111111111",
     f"a sweep request published by account '(none)', not by this function's {ACCOUNT_ID}"),
]


@pytest.mark.parametrize("what,publisher,account,reason", FORGED, ids=[f[0] for f in FORGED])
def test_a_forged_sweep_request_is_ignored_with_the_reason_and_no_call(lambda_function, org_proxy, what, publisher, account, reason):
    api, process = lambda_function(ALLOWED_ACCOUNTS="111111111111,222222222222", RECONCILE_REGIONS=",".join(REGIONS),
                                   TAGGER_EVENT_BUS=BUS_ARN)
    api.enqueue(sweep_request(account, publisher))
    [result] = api.wait_for_results(1, process=process, timeout=30)
    assert result.kind == "response", result.body
    assert result.json()["ignored"] == reason
    assert org_proxy.calls == []


def test_outside_lambda_a_sweep_request_is_ignored_its_own_account_being_unknown(invoke, org_proxy):
    result, output = invoke(sweep_request("111111111111"), ALLOWED_ACCOUNTS="111111111111", TAGGER_EVENT_BUS=BUS_ARN)
    assert result.returncode == 0, result.stderr.decode()
    assert "outside Lambda" in output["ignored"]
    assert org_proxy.calls == []


def put_events_answer(outcome_of, seen):
    """A stand-in PutEvents: `outcome_of(account)` gives each entry's result
    entry; every call's accounts are appended to `seen`."""

    def answer(params):
        accounts = [json.loads(entry["Detail"])["account"] for entry in params["Entries"]]
        seen.append(accounts)
        outcomes = [outcome_of(account) for account in accounts]
        return Fault.json_answer({"FailedEntryCount": sum("ErrorCode" in o for o in outcomes), "Entries": outcomes})

    return answer


def test_failed_entries_are_published_again_and_those_left_reported(lambda_function, org_proxy):
    accounts = [str(210000000001 + n) for n in range(12)]
    throttled, flaky, exhausted, refused = accounts[1], accounts[4], accounts[6], accounts[7]
    # Codes EventBridge gives an entry, consumed one per attempt; the first
    # two are "retryable" in PutEventsResultEntry's words, AccessDenied is not.
    scripts = {throttled: ["ThrottlingException"], flaky: ["InternalFailure", "InternalFailure"],
               exhausted: ["ThrottlingException"] * 10}

    def outcome(account):
        if account == refused:
            return {"ErrorCode": "AccessDeniedException", "ErrorMessage": "not authorized to put this event"}
        if scripts.get(account):
            return {"ErrorCode": scripts[account].pop(0), "ErrorMessage": "scripted"}
        return {"EventId": f"11111111-2222-3333-4444-{account}"}

    seen = []
    org_proxy.answer("PutEvents", put_events_answer(outcome, seen))
    api, process = lambda_function(ALLOWED_ACCOUNTS=",".join(accounts), TAGGER_EVENT_BUS=BUS_ARN)
    api.enqueue(events.scheduled())
    [result] = api.wait_for_results(1, process=process, timeout=30)

    # Ten to a call; a failed entry alone is sent again, at most 4 times in all.
    assert seen == [accounts[:10], [throttled, flaky, exhausted], [flaky, exhausted], [exhausted], accounts[10:]]
    assert result.kind == "error"
    assert result.error_type == "AccessDeniedException"
    message = result.json()["errorMessage"]
    assert "2 sweep requests could not be published (10 were)" in message
    assert f"account {refused}: AccessDeniedException: not authorized to put this event" in message
    assert f"account {exhausted}: ThrottlingException" in message
    assert not [a for a in accounts if a not in (refused, exhausted) and a in message]
    assert org_proxy.actions() == ["events:PutEvents"] * 5


def test_a_refused_put_events_names_every_account_left_without_a_request(lambda_function, org_proxy):
    accounts = [str(220000000001 + n) for n in range(3)]
    # A throttled call is retried by the client; AccessDenied is final.
    org_proxy.fail("PutEvents", Fault.json_error(400, "ThrottlingException", "Rate exceeded"))
    org_proxy.answer("PutEvents", lambda params: Fault.json_error(
        400, "AccessDeniedException", f"User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/x/y is not authorized to perform: events:PutEvents"))
    api, process = lambda_function(ALLOWED_ACCOUNTS=",".join(accounts), TAGGER_EVENT_BUS=BUS_ARN)
    api.enqueue(events.scheduled())
    [result] = api.wait_for_results(1, process=process, timeout=30)
    assert result.kind == "error" and result.error_type == "AccessDeniedException"
    message = result.json()["errorMessage"]
    assert "3 sweep requests could not be published (0 were)" in message
    assert all(f"account {a}: AccessDeniedException" in message for a in accounts)
    assert org_proxy.actions() == ["events:PutEvents"] * 2
    assert org_proxy.calls[0].headers["X-Amz-Target"] == "AWSEvents.PutEvents"
