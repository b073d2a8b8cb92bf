"""A fast local stand-in for EC2 and IAM (Query protocol) that `make bench`
points both the function and the boto3 reference at, so that server time does
not drown the client's.

Its answers are synthesised from a recorded real-AWS DescribeInstances body
(Tests/EC2Tests/Fixtures/aws-describe-instances-by-id.xml: the same elements,
namespace and pretty-printing as EC2), with the instance id, reservation id
and tag set filled in; GetRole and CreateTags have AWS's layout too. It keeps
state, so a replayed event sees the tags the first one wrote:

- any instance id asked for by `InstanceId.N` exists (launch instances),
  running, with `CreatedBy=researcher.NN` derived from the id;
- a DescribeInstances without ids pages (MaxResults, NextToken) through a
  fleet of FLEET instances (default 10,000), all running, all with CreatedBy
  (the reconcile sweep; its filters are those of both clients and are not
  re-evaluated);
- CreateTags writes the tags of its ResourceId.N.

It is checks/lib/aws_proxy.py's AWSProxy(upstream=None) with these answers
as its responders (`answer(action, ...)`), which records every call as
(service, action) from the SigV4 credential scope. It checks no signature
(moto does that in the checks). It runs in a process of its own, so that the
harness's Runtime API server and timers do not share its interpreter lock.

As a program (`python3 -m bench.standin [FLEET] [--tls CERT KEY]` from the
repository root, HTTPS with that certificate when --tls is given): prints one
JSON line {"endpoint": ...}, then reads commands from standard input, one a
line, answering each with one JSON line: `calls` (the list of
"service:Action" since the last reset), `reset-calls`, `reset-tags` (the fleet
untagged again). Ends when standard input closes.
"""
from __future__ import annotations

import json
import os
import re
import ssl
import sys
import threading
import uuid
import zlib

from checks.lib.aws_proxy import AWSProxy, Fault

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RECORDED = os.path.join(ROOT, "Tests", "EC2Tests", "Fixtures", "aws-describe-instances-by-id.xml")
ROLE_NAME = "Okta-ServiceWorkbenchUser"
ROLE_ID = "AROARZPUZDIKNCACDXBBN"
USERS = 50
EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class InstanceTemplate:
    """The first reservation of the recorded body, split around the parts we fill in."""

    def __init__(self, path: str = RECORDED):
        body = open(path, encoding="utf-8").read()
        match = re.search(r"\n( +)<item>\n.*?\n\1</item>\n", body[body.index("<reservationSet>"):], re.S)
        item = match.group(0)
        item = re.sub(r"<reservationId>[^<]*</reservationId>", "<reservationId>\x00R\x00</reservationId>", item, count=1)
        item = re.sub(r"<instanceId>[^<]*</instanceId>", "<instanceId>\x00I\x00</instanceId>", item, count=1)
        indent = re.search(r"\n( *)<tagSet>", item).group(1)
        item = re.sub(r"<tagSet>.*?</tagSet>", "\x00T\x00", item, count=1, flags=re.S)
        self.parts = item.split("\x00")  # text, "R", text, "I", text, "T", text
        self.tag_indent = indent

    def render(self, instance_id: str, tags: dict[str, str]) -> str:
        i = self.tag_indent
        tag_set = ("<tagSet>\n" + "".join(
            f"{i}    <item>\n{i}        <key>{_escape(k)}</key>\n{i}        <value>{_escape(v)}</value>\n{i}    </item>\n"
            for k, v in tags.items()) + f"{i}</tagSet>") if tags else "<tagSet/>"
        fill = {"R": "r-" + instance_id[2:], "I": instance_id, "T": tag_set}
        return "".join(fill.get(part, part) for part in self.parts)


class StandIn:
    def __init__(self, fleet: int = 10_000):
        self.template = InstanceTemplate()
        self.fleet_ids = [f"i-0f{n:015x}" for n in range(fleet)]
        self.lock = threading.Lock()
        self.tags: dict[str, dict[str, str]] = {}

    def reset_tags(self) -> None:
        with self.lock:
            self.tags.clear()

    def tags_of(self, instance_id: str) -> dict[str, str]:
        with self.lock:
            tags = self.tags.get(instance_id)
            if tags is None:
                user = zlib.crc32(instance_id.encode()) % USERS
                tags = self.tags[instance_id] = {"CreatedBy": f"researcher.{user:02d}", "Name": "workspace"}
            return dict(tags)

    # -- AWSProxy responders -------------------------------------------------------

    def describe_instances(self, params: dict[str, str]) -> Fault:
        ids = [params[f"InstanceId.{n}"] for n in range(1, len(params) + 1) if f"InstanceId.{n}" in params]
        token = None
        if not ids:
            size = max(5, min(1000, int(params.get("MaxResults", "1000"))))
            start = int(params.get("NextToken", "0") or "0")
            ids = self.fleet_ids[start:start + size]
            if start + size < len(self.fleet_ids):
                token = str(start + size)
        items = "".join(self.template.render(i, self.tags_of(i)) for i in ids)
        return Fault(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="{EC2_NS}">\n'
                          f"    <requestId>{uuid.uuid4()}</requestId>\n    <reservationSet>{items}    </reservationSet>\n"
                          + (f"    <nextToken>{token}</nextToken>\n" if token else "") + "</DescribeInstancesResponse>")

    def create_tags(self, params: dict[str, str]) -> Fault:
        ids = [params[f"ResourceId.{n}"] for n in range(1, len(params) + 1) if f"ResourceId.{n}" in params]
        new = {params[f"Tag.{n}.Key"]: params.get(f"Tag.{n}.Value", "")
               for n in range(1, len(params) + 1) if f"Tag.{n}.Key" in params}
        for instance_id in ids:
            tags = self.tags_of(instance_id)
            tags.update(new)
            with self.lock:
                self.tags[instance_id] = tags
        return Fault(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<CreateTagsResponse xmlns="{EC2_NS}">\n'
                          f"    <requestId>{uuid.uuid4()}</requestId>\n    <return>true</return>\n</CreateTagsResponse>")

    def get_role(self, params: dict[str, str]) -> Fault:
        name = _escape(params.get("RoleName", ""))
        return Fault(200, f'<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\n  <GetRoleResult>\n'
                          f"    <Role>\n      <Path>/</Path>\n      <Arn>arn:aws:iam::123456789012:role/{name}</Arn>\n"
                          f"      <RoleName>{name}</RoleName>\n"
                          "      <AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%7D</AssumeRolePolicyDocument>\n"
                          f"      <CreateDate>2026-11-24T22:54:38Z</CreateDate>\n      <RoleId>{ROLE_ID}</RoleId>\n"
                          "      <MaxSessionDuration>3600</MaxSessionDuration>\n    </Role>\n  </GetRoleResult>\n"
                          f"  <ResponseMetadata>\n    <RequestId>{uuid.uuid4()}</RequestId>\n  </ResponseMetadata>\n"
                          "</GetRoleResponse>")

    def serve(self) -> AWSProxy:
        proxy = AWSProxy(upstream=None)
        proxy.answer("DescribeInstances", self.describe_instances)
        proxy.answer("CreateTags", self.create_tags)
        proxy.answer("GetRole", self.get_role)
        return proxy


def main() -> int:
    arguments = sys.argv[1:]
    tls = None
    if "--tls" in arguments:
        at = arguments.index("--tls")
        tls, arguments = arguments[at + 1:at + 3], arguments[:at] + arguments[at + 3:]
    standin = StandIn(int(arguments[0]) if arguments else 10_000)
    proxy = standin.serve()
    endpoint = proxy.endpoint
    if tls:
        # Wrap the listening socket (same descriptor, so the serving loop's selector
        # keeps working): each accepted connection then does its handshake first.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        proxy.server.socket = context.wrap_socket(proxy.server.socket, server_side=True)
        endpoint = endpoint.replace("http://", "https://")
    print(json.dumps({"endpoint": endpoint}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "calls":
            answer = proxy.actions()
        elif command == "reset-calls":
            proxy.reset_calls()
            answer = "ok"
        elif command == "reset-tags":
            standin.reset_tags()
            answer = "ok"
        else:
            answer = {"error": f"unknown command {command!r}"}
        print(json.dumps(answer), flush=True)
    proxy.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
