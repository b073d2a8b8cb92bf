"""Fault injection: the real binary, through `invoke` and through the Lambda
Runtime API loop, against auth-enabled moto behind the recording proxy, which
answers chosen calls with scripted faults instead of forwarding them.

Every case of FAULTS states the outcome (the instance tagged, or one typed
error), the number of requests per action the proxy must have seen, and the
time budget; every case also checks that no CreateTags ever carried a value
other than `<RoleId>:<CreatedBy>` for the launched instance. The table is
repeated, with measured times, in docs/reliability.md.

Retry policy under test (Sources/AWSQuery/Query/RetryPolicy.swift): 5 attempts,
full-jitter backoff from 50 ms; InstanceLookup retries NotFound 4 times
(0.2 + 0.4 + 0.8 + 1.6 s). Final errors are sent once.
"""
import json
import socket
import subprocess
import time
from dataclasses import dataclass, field

import pytest

from checks.lib import events
from checks.lib.aws_proxy import Fault
from checks.lib.instances import launch, tags_of
from checks.lib.runtime_api import RuntimeAPIServer

ROLE_ID = "AROAFAULTTABLEROLE001"  # with ROLE_ID the function skips GetRole
CREATED_BY = "fault.user@example.org"


def describe_body(instance_id):
    """A DescribeInstances answer in real EC2's layout, for the slow-drip case."""
    return ('<?xml version="1.0" encoding="UTF-8"?><DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            "<requestId>drip</requestId><reservationSet><item><reservationId>r-1</reservationId><instancesSet><item>"
            f"<instanceId>{instance_id}</instanceId><tagSet><item><key>CreatedBy</key><value>{CREATED_BY}</value></item>"
            "</tagSet></item></instancesSet></item></reservationSet></DescribeInstancesResponse>")


@dataclass
class Case:
    name: str
    action: str | None  # the action whose next calls are faulted (None: no script)
    faults: list  # Faults, or a callable(instance_id) -> list of Faults
    outcome: str  # "tagged", "skipped" or the expected errorType
    attempts: dict  # action -> requests the proxy must have seen
    timeout: float = 10.0  # the invocation's deadline, seconds
    env: dict = field(default_factory=dict)
    why: str = ""
    # Where the loop's count differs: without ROLE_ID, Lambda mode sends one
    # GetRole (one attempt) at start, the first event describes its instances
    # before picking up the answer, and sends its own GetRole when that failed.
    loop_attempts: dict = field(default_factory=dict)


def ec2(status, code, n=1):
    return [Fault.ec2_error(status, code)] * n


FAULTS = [
    Case("throttled 503 RequestLimitExceeded, twice", "DescribeInstances", ec2(503, "RequestLimitExceeded", 2), "tagged",
         {"DescribeInstances": 3, "CreateTags": 1}, why="EC2 throttling is retried with backoff"),
    Case("throttled 400 Throttling, twice", "DescribeInstances", ec2(400, "Throttling", 2), "tagged",
         {"DescribeInstances": 3, "CreateTags": 1}, why="throttling is retried whatever the status"),
    Case("throttled CreateTags once", "CreateTags", ec2(503, "RequestLimitExceeded"), "tagged",
         {"DescribeInstances": 1, "CreateTags": 2}, why="the retried write carries the same value"),
    Case("500 InternalError once", "DescribeInstances", ec2(500, "InternalError"), "tagged",
         {"DescribeInstances": 2, "CreateTags": 1}),
    Case("502 with an HTML body once", "DescribeInstances", [Fault(502, "<html><body>Bad Gateway</body></html>")], "tagged",
         {"DescribeInstances": 2, "CreateTags": 1}, why="a 5xx without an AWS error body is still retried"),
    Case("503 ServiceUnavailable once", "DescribeInstances", ec2(503, "Unavailable"), "tagged",
         {"DescribeInstances": 2, "CreateTags": 1}),
    Case("504 with an empty body once", "DescribeInstances", [Fault(504, b"")], "tagged",
         {"DescribeInstances": 2, "CreateTags": 1}),
    Case("503 on every attempt", "DescribeInstances", ec2(503, "RequestLimitExceeded", 50), "RequestLimitExceeded",
         {"DescribeInstances": 5, "CreateTags": 0}, why="gives up after AWS_MAX_ATTEMPTS (5) with the last error"),
    Case("500 on every CreateTags", "CreateTags", ec2(500, "InternalError", 50), "InternalError",
         {"DescribeInstances": 1, "CreateTags": 5}),
    Case("connection reset once", "DescribeInstances", [Fault(reset=True)], "tagged",
         {"DescribeInstances": 2, "CreateTags": 1}, why="a network error is retried"),
    Case("connection reset on every attempt", "DescribeInstances", [Fault(reset=True)] * 50, "NetworkError",
         {"DescribeInstances": 5, "CreateTags": 0}),
    Case("connection refused", None, [], "NetworkError", {}, env={"AWS_ENDPOINT_URL": "closed-port"},
         why="nothing listens: 5 attempts (said in the message), then NetworkError"),
    Case("response slower than the deadline", "DescribeInstances", [Fault(delay=6.0)], "DeadlineExceeded",
         {"DescribeInstances": 1, "CreateTags": 0}, timeout=2.0, why="the request is cut at the deadline"),
    Case("body dripped slower than the deadline", "DescribeInstances", lambda i: [Fault(200, describe_body(i), drip=0.05)],
         "DeadlineExceeded", {"DescribeInstances": 1, "CreateTags": 0}, timeout=2.0),
    Case("truncated 200 body once", "DescribeInstances", lambda i: [Fault(200, describe_body(i), truncate=True)], "tagged",
         {"DescribeInstances": 2, "CreateTags": 1}, why="Content-Length not met: a network error, retried"),
    Case("non-XML 200 body", "DescribeInstances", [Fault(200, '{"not": "xml"}')], "InvalidResponse",
         {"DescribeInstances": 1, "CreateTags": 0}, why="a 200 we cannot read is final, and nothing is written"),
    Case("200 with well-formed XML of the wrong shape", "DescribeInstances",
         [Fault(200, "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><tagSet>"
                     "<item><key>CreatedBy</key><value>victim</value></item></tagSet></item></instancesSet></item>"
                     "</reservationSet></DescribeInstancesResponse>")],
         "skipped", {"DescribeInstances": 1, "CreateTags": 0}, why="an item without an instance id is not ours: not found, nothing written"),
    Case("10 MB 200 body", "DescribeInstances",
         [Fault(200, b"<DescribeInstancesResponse><requestId>" + b"x" * (10 << 20) + b"</requestId></DescribeInstancesResponse>")],
         "InvalidResponse", {"DescribeInstances": 1, "CreateTags": 0}, why="a text past the XML reader's 1 MiB: refused, final"),
    Case("20 MB 200 body", "DescribeInstances", [Fault(200, b"<a>" + b"x" * (20 << 20) + b"</a>")],
         "InvalidResponse", {"DescribeInstances": 1, "CreateTags": 0}, why="past the transport's 16 MiB: cut off, final"),
    Case("InvalidInstanceID.NotFound twice, then found", "DescribeInstances", ec2(400, "InvalidInstanceID.NotFound", 2), "tagged",
         {"DescribeInstances": 3, "CreateTags": 1}, why="EC2 is eventually consistent"),
    Case("InvalidInstanceID.NotFound on every attempt", "DescribeInstances",
         lambda i: [Fault.ec2_error(400, "InvalidInstanceID.NotFound", f"The instance ID '{i}' does not exist")] * 50,
         "skipped", {"DescribeInstances": 5, "CreateTags": 0}, why="4 retries over 3 s, then reported as not found"),
    Case("UnauthorizedOperation on CreateTags", "CreateTags", ec2(403, "UnauthorizedOperation"), "UnauthorizedOperation",
         {"DescribeInstances": 1, "CreateTags": 1}, why="final: never retried"),
    Case("AuthFailure on DescribeInstances", "DescribeInstances", ec2(401, "AuthFailure"), "AuthFailure",
         {"DescribeInstances": 1, "CreateTags": 0}),
    Case("AccessDenied on GetRole", "GetRole", [Fault.iam_error(403, "AccessDenied")] * 2, "AccessDenied",
         {"GetRole": 1, "DescribeInstances": 0, "CreateTags": 0}, env={"ROLE_ID": None},
         loop_attempts={"GetRole": 2, "DescribeInstances": 1},
         why="final; in the loop the GetRole at start failed too, and was forgotten"),
    Case("Throttling 400 on GetRole once", "GetRole", [Fault.iam_error(400, "Throttling")], "tagged",
         {"GetRole": 2, "DescribeInstances": 1, "CreateTags": 1}, env={"ROLE_ID": None},
         why="retried; in the loop the throttled GetRole is the one at start, and the event's own succeeds"),
    Case("ExpiredToken on GetRole", "GetRole", [Fault.iam_error(403, "ExpiredToken")] * 2, "ExpiredToken",
         {"GetRole": 1, "DescribeInstances": 0, "CreateTags": 0}, env={"ROLE_ID": None},
         loop_attempts={"GetRole": 2, "DescribeInstances": 1}, why="static credentials cannot be refreshed: final"),
    Case("RequestExpired on DescribeInstances", "DescribeInstances", ec2(400, "RequestExpired"), "RequestExpired",
         {"DescribeInstances": 1, "CreateTags": 0}),
]


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# `invoke --timeout T` sets the deadline T after the process has started:
# the wall time seen from outside also holds process start and exit.
PROCESS_SLACK = 0.5


@dataclass
class Outcome:
    kind: str  # "tagged", "skipped", or an errorType
    message: str
    elapsed: float
    within_deadline: bool
    output: str


def run_invoke(tagger, event, env, timeout):
    started = time.monotonic()
    result, output = tagger.invoke(event, "--timeout", str(timeout), AWS_LAMBDA_LOG_FORMAT="JSON", **env)
    elapsed = time.monotonic() - started
    logs = result.stderr.decode(errors="replace")
    if result.returncode == 0:
        kind = "tagged" if output["tagged"] else "skipped" if output["skipped"] else "unchanged"
        return Outcome(kind, json.dumps(output), elapsed, elapsed < timeout + PROCESS_SLACK, logs)
    assert result.returncode == 1, (result.returncode, logs)
    errors = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    errors = [line for line in errors if line.get("level") == "ERROR"]
    assert errors, logs
    return Outcome(errors[-1]["errorType"], errors[-1]["message"], elapsed, elapsed < timeout + PROCESS_SLACK, logs)


def run_loop(binary, tagger, event, env, timeout):
    with RuntimeAPIServer() as api:
        process = subprocess.Popen([binary], env=tagger.env(AWS_LAMBDA_RUNTIME_API=api.address, **env),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline_ms = int(time.time() * 1000 + timeout * 1000)
            started = time.monotonic()
            request = api.enqueue(event, deadline_ms=deadline_ms)
            api.wait_for_results(1, timeout=timeout + 10, process=process)
            elapsed = time.monotonic() - started
            within = time.time() * 1000 < deadline_ms + 50
            result = api.result_for(request)
        finally:
            process.kill()
            _, logs = process.communicate(timeout=10)
    if result.kind == "response":
        body = result.json()
        kind = "tagged" if body["tagged"] else "skipped" if body["skipped"] else "unchanged"
        return Outcome(kind, result.body.decode(), elapsed, within, logs.decode(errors="replace"))
    return Outcome(result.error_type, result.json()["errorMessage"], elapsed, within, logs.decode(errors="replace"))


@pytest.mark.parametrize("mode", ["invoke", "loop"])
@pytest.mark.parametrize("case", FAULTS, ids=[c.name for c in FAULTS])
def test_fault(case, mode, binary, tagger, moto, proxy, users_role):
    [instance] = launch(moto, 1, created_by=CREATED_BY)
    role_id = users_role["RoleId"] if "ROLE_ID" in case.env else ROLE_ID
    env = {"ROLE_ID": ROLE_ID, **case.env}
    if env.get("AWS_ENDPOINT_URL") == "closed-port":
        env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{closed_port()}"
    faults = case.faults(instance) if callable(case.faults) else case.faults
    if case.action:
        proxy.fail(case.action, *faults)
    event = events.run_instances([instance])

    if mode == "invoke":
        outcome = run_invoke(tagger, event, env, case.timeout)
    else:
        outcome = run_loop(binary, tagger, event, env, case.timeout)

    assert outcome.kind == case.outcome, (outcome.message, outcome.output[-2000:])
    attempts = {**case.attempts, **case.loop_attempts} if mode == "loop" else case.attempts
    for action, n in attempts.items():
        assert proxy.count(action) == n, (action, proxy.actions())
    assert outcome.within_deadline, f"{outcome.elapsed:.2f} s for a {case.timeout} s deadline"
    if case.name == "connection refused":
        assert "after 5 attempts" in outcome.message, outcome.message

    expected_value = f"{role_id}:{CREATED_BY}"
    for call in proxy.calls:
        if call.action == "CreateTags":
            assert call.params.get("Tag.1.Key") == "AwsUserId" and call.params.get("Tag.1.Value") == expected_value, call.params
            assert call.params.get("ResourceId.1") == instance and "ResourceId.2" not in call.params, call.params
            assert "Tag.2.Key" not in call.params, call.params
    current = tags_of(moto, instance).get("AwsUserId")
    assert current in (None, expected_value)
    if case.outcome == "tagged":
        assert current == expected_value
    elif not any(c.action == "CreateTags" and c.answered_by == "upstream" for c in proxy.calls):
        assert current is None, "no write reached EC2, so no tag may exist"
