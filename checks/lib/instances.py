"""Instances and paths shared by the checks (import from here, not from a
conftest: pytest loads several conftest modules under the one name)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
USERS_ROLE = "Okta-ServiceWorkbenchUser"


def launch(moto, count=1, created_by=None, region="us-east-1", extra_tags=None):
    """Launch instances in moto (as the platform would), returning their ids."""
    tags = [{"Key": "CreatedBy", "Value": created_by}] if created_by is not None else []
    tags += [{"Key": k, "Value": v} for k, v in (extra_tags or {}).items()]
    kwargs = {"TagSpecifications": [{"ResourceType": "instance", "Tags": tags}]} if tags else {}
    response = moto.client("ec2", region).run_instances(ImageId="ami-12c6146b", MinCount=count, MaxCount=count, **kwargs)
    return [i["InstanceId"] for i in response["Instances"]]


def tags_of(moto, instance_id, region="us-east-1"):
    reservations = moto.client("ec2", region).describe_instances(InstanceIds=[instance_id])["Reservations"]
    return {t["Key"]: t["Value"] for t in reservations[0]["Instances"][0].get("Tags", [])}
