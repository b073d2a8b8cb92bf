"""The local Runtime API must serve events the way Lambda does and catch a
runtime that breaks the protocol. These tests play the runtime by hand."""
import http.client
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from checks.lib.runtime_api import ProtocolViolation, RuntimeAPIServer

SERVER_SCRIPT = Path(__file__).resolve().parents[1] / "lib" / "runtime_api.py"
NEXT = "/2018-06-01/runtime/invocation/next"


def invocation_path(request_id: str, kind: str) -> str:
    return f"/2018-06-01/runtime/invocation/{request_id}/{kind}"


class Runtime:
    """A hand-driven runtime on one kept-alive connection, as the real one uses."""

    def __init__(self, address: str):
        host, port = address.rsplit(":", 1)
        self.connection = http.client.HTTPConnection(host, int(port), timeout=5)

    def next(self):
        self.connection.request("GET", NEXT)
        response = self.connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

    def post(self, path: str, body: bytes, headers: dict | None = None):
        self.connection.request("POST", path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        return response.status, response.read()

    def error(self, request_id: str, error_type: str, message: str):
        body = json.dumps({"errorMessage": message, "errorType": error_type, "stackTrace": []}).encode()
        return self.post(invocation_path(request_id, "error"), body, {"Lambda-Runtime-Function-Error-Type": error_type})


def wait_until(condition, timeout=5.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.01)


@pytest.fixture
def api():
    server = RuntimeAPIServer().start()
    yield server
    server.stop()


def test_serves_an_event_with_lambdas_headers_and_records_the_response(api):
    request_id = api.enqueue({"detail-type": "Scheduled Event"}, deadline_ms=1_900_000_000_000, trace_id="Root=1-a-b")
    runtime = Runtime(api.address)
    status, headers, body = runtime.next()
    assert status == 200
    assert json.loads(body) == {"detail-type": "Scheduled Event"}
    assert headers["lambda-runtime-aws-request-id"] == request_id
    assert headers["lambda-runtime-deadline-ms"] == "1900000000000"
    assert headers["lambda-runtime-invoked-function-arn"].startswith("arn:aws:lambda:")
    assert headers["lambda-runtime-trace-id"] == "Root=1-a-b"

    assert runtime.post(invocation_path(request_id, "response"), b'{"tagged":[]}')[0] == 202
    [result] = api.wait_for_results(1, timeout=2)
    assert (result.request_id, result.kind, result.json()) == (request_id, "response", {"tagged": []})
    assert api.violations == []
    assert len(api.next_request_times) == 1


def test_default_deadline_is_the_timeout_after_serving(api):
    api.enqueue(b"{}", timeout_s=3)
    before = time.time() * 1000
    _, headers, _ = Runtime(api.address).next()
    assert before + 2900 <= int(headers["lambda-runtime-deadline-ms"]) <= time.time() * 1000 + 3100


def test_next_blocks_until_an_event_is_queued(api):
    runtime = Runtime(api.address)
    answers = []
    waiter = threading.Thread(target=lambda: answers.append(runtime.next()))
    waiter.start()
    wait_until(lambda: api.next_request_times)
    waiter.join(timeout=0.2)
    assert answers == [] and waiter.is_alive()
    api.enqueue(b'{"late": true}', request_id="late-1")
    waiter.join(timeout=2)
    assert answers[0][1]["lambda-runtime-aws-request-id"] == "late-1"
    assert len(api.next_request_times) == 1


def test_records_errors_with_their_type_and_serves_events_in_order(api):
    first = api.enqueue(b"not json")
    second = api.enqueue(b"{}")
    runtime = Runtime(api.address)
    assert runtime.next()[1]["lambda-runtime-aws-request-id"] == first
    assert runtime.error(first, "InvalidEvent", 'bad "event"\nline')[0] == 202
    assert runtime.next()[1]["lambda-runtime-aws-request-id"] == second
    assert runtime.post(invocation_path(second, "response"), b"{}")[0] == 202
    error, response = api.wait_for_results(2, timeout=2)
    assert (error.kind, error.error_type, error.json()["errorMessage"]) == ("error", "InvalidEvent", 'bad "event"\nline')
    assert response.kind == "response"
    assert api.violations == []


def test_catches_a_wrong_request_id(api):
    api.enqueue(b"{}", request_id="real-id")
    runtime = Runtime(api.address)
    runtime.next()
    status, body = runtime.post(invocation_path("made-up-id", "response"), b"{}")
    assert status == 400 and json.loads(body)["errorType"] == "InvalidRequestID"
    assert any("made-up-id" in v for v in api.violations)
    assert api.results == []
    with pytest.raises(ProtocolViolation):
        api.assert_no_violations()


def test_catches_a_double_response(api):
    request_id = api.enqueue(b"{}")
    runtime = Runtime(api.address)
    runtime.next()
    assert runtime.post(invocation_path(request_id, "response"), b"{}")[0] == 202
    assert runtime.error(request_id, "Unhandled", "again")[0] == 400
    assert runtime.post(invocation_path(request_id, "response"), b"{}")[0] == 400
    assert len(api.results) == 1
    assert len([v for v in api.violations if "second outcome" in v]) == 2


@pytest.mark.parametrize("body, headers, expected", [
    (b"{not json", {"Lambda-Runtime-Function-Error-Type": "X"}, "not JSON"),
    (b'["a list"]', {"Lambda-Runtime-Function-Error-Type": "X"}, "not a JSON object"),
    (b'{"errorType": "X"}', {"Lambda-Runtime-Function-Error-Type": "X"}, "no string 'errorMessage'"),
    (b'{"errorMessage": "m", "errorType": 3}', {"Lambda-Runtime-Function-Error-Type": "X"}, "no string 'errorType'"),
    (b'{"errorMessage": "m", "errorType": "X", "stackTrace": "s"}', {"Lambda-Runtime-Function-Error-Type": "X"}, "stackTrace"),
    (b'{"errorMessage": "m", "errorType": "X"}', {}, "no Lambda-Runtime-Function-Error-Type header"),
    (b'{"errorMessage": "m", "errorType": "X"}', {"Lambda-Runtime-Function-Error-Type": "Y"}, "differs"),
])
def test_catches_a_malformed_error(api, body, headers, expected):
    request_id = api.enqueue(b"{}")
    runtime = Runtime(api.address)
    runtime.next()
    runtime.post(invocation_path(request_id, "error"), body, headers)
    assert len(api.violations) == 1 and expected in api.violations[0], api.violations
    assert api.wait_for_results(1, timeout=2)[0].kind == "error"


def test_catches_next_while_an_invocation_is_unanswered(api):
    first = api.enqueue(b"{}")
    api.enqueue(b"{}")
    runtime = Runtime(api.address)
    runtime.next()
    runtime.next()
    assert any("GET /next while" in v and first in v for v in api.violations)


def test_records_an_init_error_and_catches_one_after_next(api):
    runtime = Runtime(api.address)
    body = json.dumps({"errorMessage": "ROLE_NAME is not set", "errorType": "Runtime.ConfigurationError"}).encode()
    headers = {"Lambda-Runtime-Function-Error-Type": "Runtime.ConfigurationError"}
    assert runtime.post("/2018-06-01/runtime/init/error", body, headers)[0] == 202
    [init_error] = api.wait_for_init_errors(1, timeout=2)
    assert init_error.error_type == "Runtime.ConfigurationError"
    assert init_error.json()["errorMessage"] == "ROLE_NAME is not set"
    assert api.violations == []

    api.enqueue(b"{}")
    runtime.next()
    runtime.post("/2018-06-01/runtime/init/error", body, headers)
    assert any("after an init error" in v for v in api.violations)
    assert any("after the first GET /next" in v for v in api.violations)


def test_waiting_for_results_stops_at_an_init_error(api):
    body = json.dumps({"errorMessage": "m", "errorType": "Runtime.Broken"}).encode()
    Runtime(api.address).post("/2018-06-01/runtime/init/error", body, {"Lambda-Runtime-Function-Error-Type": "Runtime.Broken"})
    with pytest.raises(AssertionError, match="Runtime.Broken"):
        api.wait_for_results(1, timeout=5)


def test_waiting_for_results_stops_when_the_process_exits(api):
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(7)"])
    started = time.monotonic()
    with pytest.raises(AssertionError, match="exited with code 7"):
        api.wait_for_results(1, timeout=10, process=process)
    assert time.monotonic() - started < 5


def test_waiting_for_results_times_out_with_a_summary(api):
    api.enqueue(b"{}")
    with pytest.raises(TimeoutError, match="1 events queued"):
        api.wait_for_results(1, timeout=0.2)


def test_catches_unknown_paths_and_query_strings(api):
    runtime = Runtime(api.address)
    assert runtime.post("/2018-06-01/runtime/invocation/x/finished", b"")[0] == 404
    assert runtime.post("/2019-01-01/runtime/init/error", b"")[0] == 404
    assert len(api.violations) == 2
    api.enqueue(b"{}", request_id="q")
    runtime.connection.request("GET", NEXT + "?wait=1")
    runtime.connection.getresponse().read()
    assert any("query string" in v for v in api.violations)


def test_accepts_a_chunked_body_and_a_percent_encoded_id(api):
    request_id = api.enqueue(b"{}", request_id="id with space")
    runtime = Runtime(api.address)
    runtime.next()
    runtime.connection.request("POST", invocation_path("id%20with%20space", "response"),
                               body=iter([b'{"a":', b"1}"]), encode_chunked=True)
    assert runtime.connection.getresponse().status == 202
    assert api.result_for(request_id).json() == {"a": 1}
    assert api.violations == []


def test_stop_releases_a_waiting_next():
    api = RuntimeAPIServer().start()
    runtime = Runtime(api.address)
    failures = []

    def wait():
        try:
            runtime.next()
        except (http.client.HTTPException, OSError) as error:
            failures.append(error)

    waiter = threading.Thread(target=wait)
    waiter.start()
    wait_until(lambda: api.next_request_times)
    started = time.monotonic()
    api.stop()
    waiter.join(timeout=3)
    assert not waiter.is_alive() and len(failures) == 1
    assert time.monotonic() - started < 2


def test_an_event_the_runtime_never_received_is_served_again(api):
    request_id = api.enqueue(b"{}")
    event = api._take_next_event()  # as if the runtime died while /next was answered
    api._return_undelivered(event)
    _, headers, _ = Runtime(api.address).next()
    assert headers["lambda-runtime-aws-request-id"] == request_id


def test_leaving_the_with_block_with_violations_fails():
    with pytest.raises(ProtocolViolation, match="not an outstanding invocation"):
        with RuntimeAPIServer() as api:
            Runtime(api.address).error("nobody", "X", "m")


def test_command_line_serves_files_and_prints_each_outcome(tmp_path):
    good = tmp_path / "good.json"
    good.write_text('{"n": 1}')
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    probe = RuntimeAPIServer().start()  # find a free port for the CLI
    port = probe.port
    probe.stop()
    cli = subprocess.Popen([sys.executable, str(SERVER_SCRIPT), "--port", str(port), "--event", str(good), "--event", str(bad)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert f"AWS_LAMBDA_RUNTIME_API=127.0.0.1:{port}" in cli.stderr.readline()
        runtime = Runtime(f"127.0.0.1:{port}")
        _, headers, body = runtime.next()
        assert json.loads(body) == {"n": 1}
        runtime.post(invocation_path(headers["lambda-runtime-aws-request-id"], "response"), b'{"tagged":[]}')
        _, headers, body = runtime.next()
        assert body == b"not json"
        runtime.error(headers["lambda-runtime-aws-request-id"], "InvalidEvent", "not JSON")
        out, err = cli.communicate(timeout=10)
    finally:
        cli.kill()
    assert cli.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(line["outcome"], line["body"]) for line in lines] == [
        ("response", {"tagged": []}),
        ("error", {"errorMessage": "not JSON", "errorType": "InvalidEvent", "stackTrace": []}),
    ]
    assert lines[1]["errorType"] == "InvalidEvent"


def test_command_line_reports_an_init_error_with_status_2(tmp_path):
    event = tmp_path / "event.json"
    event.write_text("{}")
    cli = subprocess.Popen([sys.executable, str(SERVER_SCRIPT), "--port", "0", "--event", str(event)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        address = cli.stderr.readline().rsplit("=", 1)[1].strip()
        body = json.dumps({"errorMessage": "no ROLE_NAME", "errorType": "Runtime.ConfigurationError"}).encode()
        Runtime(address).post("/2018-06-01/runtime/init/error", body,
                              {"Lambda-Runtime-Function-Error-Type": "Runtime.ConfigurationError"})
        out, _ = cli.communicate(timeout=10)
    finally:
        cli.kill()
    assert cli.returncode == 2
    assert json.loads(out)["errorType"] == "Runtime.ConfigurationError"
