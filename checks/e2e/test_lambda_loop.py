"""The real binary under the Lambda Runtime API protocol (a local Runtime API
that checks every exchange), against auth-enabled moto through a recording proxy."""
import json
import subprocess
import time

import pytest

from checks.lib import events
from checks.lib.aws_proxy import Fault
from checks.lib.instances import launch, tags_of
from checks.lib.runtime_api import RuntimeAPIServer


@pytest.fixture
def runtime_api():
    with RuntimeAPIServer() as api:
        yield api


class Function:
    def __init__(self, binary, env):
        self.process = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        out, err = self.process.communicate(timeout=10)
        return out.decode(), err.decode()


@pytest.fixture
def start(binary, tagger, runtime_api):
    started = []

    def start_function(**env):
        function = Function(binary, tagger.env(AWS_LAMBDA_RUNTIME_API=runtime_api.address, **env))
        started.append(function)
        return function

    yield start_function
    for function in started:
        function.stop()


def test_launch_events_are_tagged_and_warm_events_cost_two_calls(start, runtime_api, moto, proxy, users_role):
    first = launch(moto, 2, created_by="tim.malone@example.org")
    second = launch(moto, 1, created_by="ada@example.org")
    function = start()
    runtime_api.enqueue(events.run_instances(first))
    [result] = runtime_api.wait_for_results(1, process=function.process)
    assert result.kind == "response", result.body
    value = f"{users_role['RoleId']}:tim.malone@example.org"
    assert result.json()["tagged"] == [{"instanceId": i, "value": value} for i in first]
    assert proxy.actions() == ["iam:GetRole", "ec2:DescribeInstances", "ec2:CreateTags"]

    proxy.reset_calls()
    runtime_api.enqueue(events.run_instances(second))
    runtime_api.wait_for_results(2, process=function.process)
    assert proxy.actions() == ["ec2:DescribeInstances", "ec2:CreateTags"], "warm: GetRole is cached"
    assert tags_of(moto, second[0])["AwsUserId"] == f"{users_role['RoleId']}:ada@example.org"

    proxy.reset_calls()
    runtime_api.enqueue(events.run_instances(second))
    [*_, replay] = runtime_api.wait_for_results(3, process=function.process)
    assert replay.json()["unchanged"][0]["instanceId"] == second[0]
    assert proxy.actions() == ["ec2:DescribeInstances"], "a replay writes nothing"


def test_invalid_event_is_reported_and_the_next_event_still_succeeds(start, runtime_api, moto):
    ids = launch(moto, 1, created_by="after.bad.event")
    function = start()
    bad = runtime_api.enqueue(b'{"detail-type": ')
    good = runtime_api.enqueue(events.run_instances(ids))
    runtime_api.wait_for_results(2, process=function.process)
    failure = runtime_api.result_for(bad)
    assert failure.kind == "error" and failure.error_type == "InvalidEvent"
    assert failure.json()["errorType"] == "InvalidEvent"
    assert runtime_api.result_for(good).kind == "response"


def test_permission_error_is_a_function_error(start, runtime_api, moto, users_role):
    ids = launch(moto, 1, created_by="no.permission")
    key, secret = moto.create_user("tagger-without-createtags", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ec2:DescribeInstances", "iam:GetRole"], "Resource": "*"}]})
    function = start(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret)
    request = runtime_api.enqueue(events.run_instances(ids))
    runtime_api.wait_for_results(1, process=function.process)
    result = runtime_api.result_for(request)
    assert result.kind == "error"
    assert result.error_type in ("UnauthorizedOperation", "AccessDenied"), result.body
    assert "CreateTags" in result.json()["errorMessage"]
    _, logs = function.stop()
    assert secret not in logs and secret not in result.body.decode()


def test_missing_role_name_is_an_init_error(binary, tagger, runtime_api):
    function = Function(binary, tagger.env(AWS_LAMBDA_RUNTIME_API=runtime_api.address, ROLE_NAME=None))
    [init_error] = runtime_api.wait_for_init_errors(1)
    assert "ROLE_NAME" in init_error.json()["errorMessage"]
    assert function.process.wait(timeout=10) != 0
    assert runtime_api.next_request_times == [], "an init failure never asks for an event"


def test_missing_credentials_are_an_init_error_without_secrets(binary, tagger, runtime_api):
    function = Function(binary, tagger.env(AWS_LAMBDA_RUNTIME_API=runtime_api.address, AWS_ACCESS_KEY_ID=None))
    [init_error] = runtime_api.wait_for_init_errors(1)
    assert "AWS_ACCESS_KEY_ID" in init_error.json()["errorMessage"]
    assert function.process.wait(timeout=10) != 0


def test_deadline_expiring_during_retries_is_reported_before_lambda_would_kill(start, runtime_api, moto, proxy):
    ids = launch(moto, 1, created_by="slow.aws")
    proxy.fail("DescribeInstances", *[Fault.ec2_error(503, "RequestLimitExceeded")] * 200)
    function = start(AWS_MAX_ATTEMPTS="20", ROLE_ID="AROAEXAMPLEID1234567")
    deadline_ms = int(time.time() * 1000) + 2500
    request = runtime_api.enqueue(events.run_instances(ids), deadline_ms=deadline_ms)
    runtime_api.wait_for_results(1, timeout=10, process=function.process)
    result = runtime_api.result_for(request)
    assert result.kind == "error"
    assert result.error_type in ("RequestLimitExceeded", "DeadlineExceeded"), result.body
    assert time.time() * 1000 < deadline_ms + 50, "the error must arrive before the deadline"
    assert len([c for c in proxy.calls if c.action == "DescribeInstances"]) > 1, "throttling is retried"


def test_json_logs_carry_the_request_id_and_no_secret(start, runtime_api, moto, tagger):
    ids = launch(moto, 1, created_by="json.logs")
    function = start(AWS_LAMBDA_LOG_FORMAT="JSON", AWS_SESSION_TOKEN="SESSION-TOKEN-MARKER")
    request = runtime_api.enqueue(events.run_instances(ids))
    runtime_api.wait_for_results(1, process=function.process)
    _, logs = function.stop()
    lines = [json.loads(line) for line in logs.splitlines() if line.strip()]
    outcome = [line for line in lines if line.get("requestId") == request]
    assert outcome, logs
    assert {"timestamp", "level", "message", "requestId"} <= set(outcome[0])
    secret = tagger.env()["AWS_SECRET_ACCESS_KEY"]
    assert secret not in logs and "SESSION-TOKEN-MARKER" not in logs


def test_the_loop_survives_many_events_in_one_process(start, runtime_api, moto):
    ids = launch(moto, 1, created_by="many.events")
    function = start()
    for _ in range(20):
        runtime_api.enqueue(events.run_instances(ids))
    results = runtime_api.wait_for_results(20, timeout=60, process=function.process)
    assert all(r.kind == "response" for r in results)
    assert function.process.poll() is None


def test_a_warm_function_takes_a_recreated_users_role_at_the_next_sweep(start, runtime_api, moto):
    iam = moto.client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML",
                                                                "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"}}]})
    old = iam.create_role(RoleName="Loop-Recreated-Users", AssumeRolePolicyDocument=trust)["Role"]["RoleId"]
    ids = launch(moto, 1, created_by="warm.user")
    function = start(ROLE_NAME="Loop-Recreated-Users")
    runtime_api.enqueue(events.run_instances(ids))
    runtime_api.wait_for_results(1, process=function.process)
    assert tags_of(moto, ids[0])["AwsUserId"] == f"{old}:warm.user"
    iam.delete_role(RoleName="Loop-Recreated-Users")
    new = iam.create_role(RoleName="Loop-Recreated-Users", AssumeRolePolicyDocument=trust)["Role"]["RoleId"]
    # The sweep reads the RoleId again, whatever the age of the cached one.
    runtime_api.enqueue(events.scheduled())
    [*_, sweep] = runtime_api.wait_for_results(2, process=function.process)
    assert sweep.kind == "response", sweep.body
    assert tags_of(moto, ids[0])["AwsUserId"] == f"{new}:warm.user"


def test_sigterm_is_logged_and_ends_the_function_cleanly(start, runtime_api, moto):
    ids = launch(moto, 1, created_by="before.shutdown")
    function = start()
    runtime_api.enqueue(events.run_instances(ids))
    runtime_api.wait_for_results(1, process=function.process)
    # The function now waits in /next, as a sandbox does before Lambda shuts it down.
    time.sleep(0.2)
    function.process.terminate()
    assert function.process.wait(timeout=10) == 0
    _, err = function.stop()
    assert "SIGTERM received: shutting down" in err.splitlines()[-1], err
