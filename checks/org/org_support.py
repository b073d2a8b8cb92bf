"""Events of member accounts, their instances, and who called what."""
import copy

from checks.lib import events
from checks.lib.aws_proxy import Fault

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def in_account(event, account_id):
    """The event as a member account's rule forwards it: EventBridge keeps the
    source account in `account`; CloudTrail wrote it as `recipientAccountId`."""
    event = copy.deepcopy(event)
    event["account"] = account_id
    if "recipientAccountId" in event.get("detail", {}):
        event["detail"]["recipientAccountId"] = account_id
    return event


def launch(account, count=1, created_by=None, region="us-east-1"):
    tags = [{"ResourceType": "instance", "Tags": [{"Key": "CreatedBy", "Value": created_by}]}] if created_by else []
    response = account.client("ec2", region).run_instances(ImageId="ami-12c6146b", MinCount=count, MaxCount=count,
                                                           TagSpecifications=tags)
    return [i["InstanceId"] for i in response["Instances"]]


def tags_of(account, instance_id, region="us-east-1"):
    reservations = account.client("ec2", region).describe_instances(InstanceIds=[instance_id])["Reservations"]
    return {t["Key"]: t["Value"] for t in reservations[0]["Instances"][0].get("Tags", [])}


def launch_event(account, ids, region="us-east-1"):
    return in_account(events.run_instances(ids, region), account.account_id)


def sts_access_denied(caller_arn, role_arn):
    """AWS's answer to AssumeRole when the role's trust policy does not name the
    caller, or when the role does not exist (STS does not tell the two apart)."""
    body = (f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code>'
            f"<Message>User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}</Message>"
            f"</Error><RequestId>4d7c3a1e-6b3f-4c55-9a51-0d1f2a3b4c5d</RequestId></ErrorResponse>")
    return Fault(403, body)


def key_id(call):
    authorization = call.headers.get("Authorization", "")
    return authorization.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in authorization else None


def calls_by_account(calls):
    """{account id: ["service:Action", ...]} for the calls of one process,
    which makes them one at a time: AssumeRole is counted for the account of
    its RoleArn, and the first new key id after it is that account's."""
    by_account, account_of_key, pending = {}, {}, []
    for call in calls:
        if call.action == "AssumeRole":
            account = call.params["RoleArn"].split(":")[4]
            pending.append(account)
        else:
            key = key_id(call)
            if key not in account_of_key and pending:
                account_of_key[key] = pending.pop(0)
            account = account_of_key.get(key, "central")
        by_account.setdefault(account, []).append(f"{call.service}:{call.action}")
    return by_account


def sweep_delivered_request(api, process, org_proxy, request, account, expected, regions, done):
    """Hands one delivered sweep request to the running function (its
    `done`-th invocation) and checks it swept `account` and only it: its
    instances of `expected` (instance -> (account, region, value)) tagged,
    one AssumeRole of its member role and one GetRole, and per region one
    DescribeInstances page and one CreateTags for its one distinct value."""
    before = len(org_proxy.calls)
    api.enqueue(request)
    result = api.wait_for_results(done, process=process, timeout=30)[-1]
    assert result.kind == "response", result.body
    mine = sorted((i, v) for i, (a, _, v) in expected.items() if a is account)
    assert sorted((t["instanceId"], t["value"]) for t in result.json()["tagged"]) == mine
    calls = org_proxy.calls[before:]
    assert sorted(f"{c.service}:{c.action}" for c in calls) == sorted(
        ["sts:AssumeRole", "iam:GetRole"] + ["ec2:DescribeInstances", "ec2:CreateTags"] * len(regions))
    assert [c.params["RoleArn"].split(":")[4] for c in calls if c.action == "AssumeRole"] == [account.account_id]
    return calls
