"""Load: 1,000 events through the Runtime API loop in one process, against
the recording proxy standing in for EC2 (no moto, so the function is what is
measured). Every event must succeed; RSS, open file descriptors and TCP
connections must stay bounded from the first events to the last. The figures
are printed (`pytest -s`) and recorded in docs/reliability.md.

Mix: each event launches 1 to 3 instances; an instance whose number is even
already carries the right AwsUserId (a replay: no write), the others get one
CreateTags per event; every 7th event is an ignored event type, every 50th
is invalid JSON (a function error is expected for exactly those).
"""
import json
import os
import subprocess
import time

from checks.lib import events
from checks.lib.aws_proxy import Fault
from checks.lib.runtime_api import RuntimeAPIServer

ROLE_ID = "AROALOADTESTROLE00001"
EVENTS = 1000
WARM_UP = 20
RSS_GROWTH_LIMIT_KB = 4 * 1024
FD_GROWTH_LIMIT = 0


def instance_id(n):
    return f"i-{n:017x}"


def owner(n):
    return f"user{n % 97}@example.org"


def describe_answer(params):
    ids = [v for k, v in sorted(params.items()) if k.startswith("InstanceId.")]
    items = []
    for i in ids:
        n = int(i[2:], 16)
        tags = f"<item><key>CreatedBy</key><value>{owner(n)}</value></item>"
        if n % 2 == 0:
            tags += f"<item><key>AwsUserId</key><value>{ROLE_ID}:{owner(n)}</value></item>"
        items.append(f"<item><instanceId>{i}</instanceId><instanceState><code>16</code><name>running</name></instanceState>"
                     f"<tagSet>{tags}</tagSet></item>")
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            "<requestId>load</requestId><reservationSet><item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId>"
            f"<instancesSet>{''.join(items)}</instancesSet></item></reservationSet></DescribeInstancesResponse>")
    return Fault(200, body)


def create_tags_answer(params):
    return Fault(200, '<CreateTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>load</requestId>'
                      "<return>true</return></CreateTagsResponse>")


def sample(pid):
    """RSS (kB), open descriptors, sockets, and established TCP connections of `pid`."""
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    fds = os.listdir(f"/proc/{pid}/fd")
    inodes = set()
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    established = 0
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[9] in inodes and fields[3] == "01":  # 01 = ESTABLISHED
                established += 1
    return {"rss_kb": rss, "fds": len(fds), "sockets": len(inodes), "tcp_established": established}


def make_event(k):
    if k % 50 == 49:
        return b'{"detail-type": "AWS API Call via CloudTrail", "detail": ', "error"
    if k % 7 == 6:
        return json.dumps({"detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2", "detail": {}}), "ignored"
    ids = [instance_id(k * 3 + j) for j in range(1 + k % 3)]
    return json.dumps(events.run_instances(ids)), "tag"


def test_thousand_events_in_one_process(binary, proxy, tmp_path):
    proxy.upstream = None  # stand-in only: a call without an answer fails the event
    proxy.answer("DescribeInstances", describe_answer)
    proxy.answer("CreateTags", create_tags_answer)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_LAMBDA_RUNTIME_API="", AWS_ACCESS_KEY_ID="AKIDLOADTEST", AWS_SECRET_ACCESS_KEY="load-test-secret",
               AWS_REGION="us-east-1", AWS_ENDPOINT_URL=proxy.endpoint, ROLE_ID=ROLE_ID, AWS_LAMBDA_LOG_LEVEL="WARN")
    expected = {}
    # The log goes to a file: a pipe nobody reads before the end would fill up
    # (64 KiB) and stop the function in the middle of the run.
    log_path = tmp_path / "function.log"
    with RuntimeAPIServer() as api, open(log_path, "wb") as log_file:
        env["AWS_LAMBDA_RUNTIME_API"] = api.address
        process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=log_file)
        try:
            for k in range(WARM_UP):
                payload, kind = make_event(k)
                expected[api.enqueue(payload)] = kind
            api.wait_for_results(WARM_UP, timeout=30, process=process)
            first = sample(process.pid)
            started = time.monotonic()
            for k in range(WARM_UP, EVENTS):
                payload, kind = make_event(k)
                expected[api.enqueue(payload)] = kind
            results = api.wait_for_results(EVENTS, timeout=300, process=process)
            elapsed = time.monotonic() - started
            last = sample(process.pid)
            assert process.poll() is None, "the function exited"
        finally:
            process.kill()
            process.wait(timeout=10)
    logs = log_path.read_bytes()

    outcomes = {r.request_id: r for r in results}
    assert len(outcomes) == EVENTS
    for request_id, kind in expected.items():
        result = outcomes[request_id]
        if kind == "error":
            assert result.kind == "error" and result.error_type == "InvalidEvent", result.body
        else:
            assert result.kind == "response", (kind, result.body)
    tagged = sum(len(r.json()["tagged"]) for r in results if r.kind == "response")
    unchanged = sum(len(r.json()["unchanged"]) for r in results if r.kind == "response")
    writes = [c for c in proxy.calls if c.action == "CreateTags"]
    for call in writes:
        n = int(call.params["ResourceId.1"][2:], 16)
        assert n % 2 == 1 and call.params["Tag.1.Value"] == f"{ROLE_ID}:{owner(n)}", call.params
    assert tagged == sum(len([p for p in c.params if p.startswith("ResourceId.")]) for c in writes)
    assert proxy.count("DescribeInstances") == len([k for k in expected.values() if k == "tag"])

    figures = {"events": EVENTS, "seconds_for_last_980": round(elapsed, 2), "tagged": tagged, "unchanged": unchanged,
               "aws_calls": len(proxy.calls), "proxy_connections_accepted": proxy.connections, "first": first, "last": last}
    print("\nload figures:", json.dumps(figures))
    assert last["rss_kb"] - first["rss_kb"] <= RSS_GROWTH_LIMIT_KB, figures
    assert last["fds"] - first["fds"] <= FD_GROWTH_LIMIT, figures
    assert last["sockets"] <= first["sockets"] and last["tcp_established"] <= 2, figures
    assert proxy.connections <= 2, f"the AWS connection is reused: {proxy.connections} accepted"
    assert b"FATAL" not in logs, logs[-2000:]
