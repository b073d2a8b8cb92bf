#!/usr/bin/env python3
"""Writes botocore-endpoints.json beside this file: for every region of every
partition botocore knows (partitions.json, names matching the partition's
regionRegex), the host, signing region and signing name botocore uses for
EC2 DescribeInstances, IAM GetRole, STS GetCallerIdentity and Organizations
ListAccounts. Read off the request botocore signs (nothing is sent: a hook
stops it before sending).

Usage: .venv/bin/python Tests/AWSQueryTests/Fixtures/record-botocore-endpoints.py [--check]
       --check   exit 1 if the file differs from what the installed botocore says
Needs the pinned botocore of requirements-test.txt.
"""
import json
import pathlib
import re
import sys

import botocore
import botocore.session

HERE = pathlib.Path(__file__).resolve().parent
OUTPUT = HERE / "botocore-endpoints.json"
CALLS = [("ec2", "describe_instances", {}), ("iam", "get_role", {"RoleName": "x"}), ("sts", "get_caller_identity", {}),
         ("organizations", "list_accounts", {})]


class Stop(Exception):
    pass


def resolve() -> dict:
    session = botocore.session.get_session()
    partitions = json.loads((pathlib.Path(botocore.__file__).parent / "data" / "partitions.json").read_text())["partitions"]
    captured = {}

    def stop_before_sending(request, **_):
        authorization = request.headers["Authorization"]
        captured["url"] = request.url
        captured["authorization"] = authorization.decode() if isinstance(authorization, bytes) else authorization
        raise Stop()

    regions = []
    for partition in partitions:
        pattern = re.compile(partition["regionRegex"])
        for region in sorted(partition["regions"]):
            if not pattern.match(region):
                continue  # pseudo-regions such as aws-global
            row = {"partition": partition["id"], "region": region}
            for service, operation, arguments in CALLS:
                client = session.create_client(service, region_name=region, aws_access_key_id="AKID", aws_secret_access_key="secret")
                client.meta.events.register("before-send", stop_before_sending)
                try:
                    getattr(client, operation)(**arguments)
                except Stop:
                    pass
                host = re.match(r"https://([^/]+)/", captured["url"]).group(1)
                scope = re.search(r"Credential=AKID/\d{8}/([^/]+)/([^/]+)/aws4_request", captured["authorization"])
                row[service] = {"host": host, "signingRegion": scope.group(1), "signingName": scope.group(2)}
            regions.append(row)
    return {"source": f"botocore {botocore.__version__}: partitions.json and its endpoint rules, via record-botocore-endpoints.py",
            "regions": regions}


def main() -> int:
    resolved = resolve()
    text = json.dumps(resolved, indent=1) + "\n"
    if "--check" in sys.argv[1:]:
        if OUTPUT.read_text() != text:
            print(f"{OUTPUT.name} differs from what botocore {botocore.__version__} resolves: run this script", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.name}: {len(resolved['regions'])} regions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
