"""make demo: the function on a sample event against a local, auth-enabled AWS.

Starts moto on 127.0.0.1 (signatures verified), creates the users' role and
four instances the way a platform would (CreatedBy tags, one invalid, one
missing), runs `aws-userid-tagger invoke` on events/run-instances-three.json
pointed at them, and prints every instance's tags before and after. Then the
platform removes one instance's CreatedBy, and events/delete-tags.json shows
access taken away: the function removes that instance's AwsUserId.

Usage (from the repository root): .venv/bin/python -m scripts.demo [--binary BIN]
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

from checks.lib.moto_server import MotoServer

ROOT = Path(__file__).resolve().parent.parent

ROLE = "Okta-ServiceWorkbenchUser"
USERS = ["tim.malone@example.org", "ada.lovelace@example.org", "Bob Smith", None]


def tags(ec2, ids):
    described = ec2.describe_instances(InstanceIds=ids)["Reservations"]
    by_id = {i["InstanceId"]: {t["Key"]: t["Value"] for t in i.get("Tags", [])} for r in described for i in r["Instances"]}
    return [(i, by_id[i]) for i in ids]


def show(title, rows):
    print(f"\n{title}")
    for instance_id, instance_tags in rows:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(instance_tags.items())) or "(no tags)"
        print(f"  {instance_id}  {shown}")


def invoke(binary, name, event, env):
    print(f"\n$ ROLE_NAME={ROLE} aws-userid-tagger invoke --event {name}  (instance ids replaced)")
    result = subprocess.run([binary, "invoke", "--event", "-"], input=json.dumps(event).encode(),
                            capture_output=True, env=env, timeout=60)
    sys.stderr.write(result.stderr.decode())
    print(json.dumps(json.loads(result.stdout), indent=2) if result.stdout.strip() else "(no output)")
    return result.returncode


def main():
    parser = argparse.ArgumentParser(prog="python -m scripts.demo")
    parser.add_argument("--binary", default=str(ROOT / ".build" / "debug" / "aws-userid-tagger"))
    args = parser.parse_args()

    print("Starting moto (a local AWS that verifies our SigV4 signatures) on 127.0.0.1 ...")
    moto = MotoServer().start()
    try:
        iam, ec2 = moto.client("iam"), moto.client("ec2")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML",
                 "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"}}]}
        role = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        print(f"Users' role {ROLE}: RoleId {role['RoleId']}")
        ids = []
        for user in USERS:
            spec = [{"ResourceType": "instance", "Tags": [{"Key": "CreatedBy", "Value": user}]}] if user else []
            ids += [i["InstanceId"] for i in ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                                              TagSpecifications=spec)["Instances"]]

        event = json.loads((ROOT / "events" / "run-instances-three.json").read_text())
        event["detail"]["responseElements"]["instancesSet"]["items"] = [{"instanceId": i} for i in ids]
        show("Tags before:", tags(ec2, ids))

        env = moto.environment(ROLE_NAME=ROLE)
        status = invoke(args.binary, "events/run-instances-three.json", event, env)
        show("Tags after:", tags(ec2, ids))

        ec2.delete_tags(Resources=ids[:1], Tags=[{"Key": "CreatedBy"}])
        revocation = json.loads((ROOT / "events" / "delete-tags.json").read_text())
        revocation["detail"]["requestParameters"]["resourcesSet"]["items"] = [{"resourceId": ids[0]}]
        print(f"\nThe platform removes CreatedBy from {ids[0]} (its user left the project):")
        status = status or invoke(args.binary, "events/delete-tags.json", revocation, env)
        show("Tags after the revocation:", tags(ec2, ids[:1]))
        print(f"\nexit code {status}")
        return status
    finally:
        moto.stop()
        print("moto stopped.")


if __name__ == "__main__":
    sys.exit(main())
