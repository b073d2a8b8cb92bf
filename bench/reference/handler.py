"""The seed's handler (the article's 25 lines of Python/boto3), the
reference that `make bench` measures aws-userid-tagger against.

Kept as the seed wrote it (two boto3 clients made per invocation; DescribeInstances,
GetRole and CreateTags on every launch), extended only as far as the benchmark
needs both sides to do the same job:
- every instance of the event, not only the first: one DescribeInstances for
  all of them, one CreateTags per distinct value (as ours);
- EC2 in the event's region (boto3 takes the endpoint from AWS_ENDPOINT_URL);
- an EventBridge `Scheduled Event` sweeps the region like ours (`reconcile`):
  DescribeInstances paginator with the same filters and page size, then
  CreateTags per distinct value in batches of 1,000 for missing or stale tags;
- a result document instead of print(result), so both sides answer alike.

BENCH_HOIST_CLIENTS=1 makes the clients once per process (what a careful
Python author would do) to show how much of the warm cost is the seed's
per-invocation client creation.
"""
import os
from collections import defaultdict

import boto3

role_name = os.environ.get("ROLE_NAME", "Okta-ServiceWorkbenchUser")
HOIST = os.environ.get("BENCH_HOIST_CLIENTS") == "1"
_clients = {}


def client(service, region=None):
    if not HOIST:
        return boto3.client(service, region_name=region)
    key = (service, region)
    if key not in _clients:
        _clients[key] = boto3.client(service, region_name=region)
    return _clients[key]


def handler(event, context):
    if event.get("detail-type") == "Scheduled Event":
        return reconcile(event.get("region"))
    detail = event["detail"]
    region = detail.get("awsRegion")
    ec2 = client("ec2", region)
    iam = client("iam")
    instance_ids = [item["instanceId"] for item in detail["responseElements"]["instancesSet"]["items"]]
    reservations = ec2.describe_instances(InstanceIds=instance_ids)["Reservations"]
    role_id = iam.get_role(RoleName=role_name)["Role"]["RoleId"]
    by_value = defaultdict(list)
    skipped = []
    for reservation in reservations:
        for instance in reservation["Instances"]:
            username = None
            for tag in instance.get("Tags", []):
                if tag["Key"] == "CreatedBy":
                    username = tag["Value"]
            if username is None:
                skipped.append({"instanceId": instance["InstanceId"], "reason": "no CreatedBy tag"})
                continue
            by_value[f"{role_id}:{username}"].append(instance["InstanceId"])
    tagged = []
    for aws_user_id, ids in by_value.items():
        ec2.create_tags(Resources=ids, Tags=[{"Key": "AwsUserId", "Value": aws_user_id}])
        tagged += [{"instanceId": i, "value": aws_user_id} for i in ids]
    return {"tagged": tagged, "unchanged": [], "skipped": skipped}


def reconcile(region):
    ec2 = client("ec2", region)
    role_id = client("iam").get_role(RoleName=role_name)["Role"]["RoleId"]
    filters = [{"Name": "tag-key", "Values": ["CreatedBy"]},
               {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
    by_value = defaultdict(list)
    unchanged = 0
    pages = ec2.get_paginator("describe_instances").paginate(Filters=filters, PaginationConfig={"PageSize": 1000})
    for page in pages:
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                tags = {tag["Key"]: tag["Value"] for tag in instance.get("Tags", [])}
                if "CreatedBy" not in tags:
                    continue
                wanted = f"{role_id}:{tags['CreatedBy']}"
                if tags.get("AwsUserId") == wanted:
                    unchanged += 1
                else:
                    by_value[wanted].append(instance["InstanceId"])
    tagged = 0
    for aws_user_id, ids in by_value.items():
        for start in range(0, len(ids), 1000):
            ec2.create_tags(Resources=ids[start:start + 1000], Tags=[{"Key": "AwsUserId", "Value": aws_user_id}])
        tagged += len(ids)
    return {"tagged": tagged, "unchanged": unchanged}
