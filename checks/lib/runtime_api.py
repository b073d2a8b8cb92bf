#!/usr/bin/env python3
"""A local Lambda Runtime API (version 2018-06-01) for tests and for running
the function by hand. Python 3.11 standard library only.

It serves queued events to `GET /runtime/invocation/next` with the headers
Lambda sends, blocks `/next` until an event is queued, records every
response, error and init error with its headers and body, and checks the
protocol as it goes. Every breach (an unknown or already answered request id,
an error without the error-type header or with a body that is not
`{"errorMessage": str, "errorType": str, ...}`, a `/next` while an invocation
is still unanswered, ...) is recorded in `violations`; leaving a
`with RuntimeAPIServer() as api:` block with violations raises
`ProtocolViolation`, so a test cannot pass over one unnoticed.

Python use:

    with RuntimeAPIServer() as api:                 # 127.0.0.1, a free port
        api.enqueue(b'{"detail": {}}')
        process = subprocess.Popen([binary], env={"AWS_LAMBDA_RUNTIME_API": api.address, ...})
        [result] = api.wait_for_results(1, timeout=10, process=process)
        assert result.kind == "response", result.body
        process.kill()

Times (`next_request_times`, `Result.received_at`) are `time.monotonic()`,
which on Linux is one clock for every process: compare them with a
`time.monotonic()` taken just before starting the function to measure
start-up.

Command line (prints each outcome as one JSON line on stdout, exits after the last):

    python3 checks/lib/runtime_api.py --port 9001 --event event.json [--event other.json ...]
"""
from __future__ import annotations

import argparse
import collections
import json
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

API_PREFIX = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
DEFAULT_FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:aws-userid-tagger"
MAX_BODY = 6 * 1024 * 1024 + 1024  # Lambda's 6 MB payload limit, plus room for the error wrapper


class ProtocolViolation(AssertionError):
    """The function broke the Runtime API protocol."""


@dataclass(frozen=True)
class Event:
    request_id: str
    payload: bytes
    deadline_ms: int | None
    timeout_s: float
    trace_id: str


@dataclass(frozen=True)
class Result:
    """What the function posted for one invocation (or as an init error)."""

    request_id: str | None  # None for an init error
    kind: str  # "response", "error" or "init_error"
    headers: dict[str, str]  # names in lower case
    body: bytes
    received_at: float  # time.monotonic()

    @property
    def error_type(self) -> str | None:
        return self.headers.get(ERROR_TYPE_HEADER.lower())

    def json(self):
        return json.loads(self.body)


class RuntimeAPIServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, function_arn: str = DEFAULT_FUNCTION_ARN):
        self.function_arn = function_arn
        self._requested_address = (host, port)
        self._lock = threading.Condition()
        self._pending: collections.deque[Event] = collections.deque()
        self._outstanding: dict[str, Event] = {}  # served by /next, not yet answered
        self._answered: dict[str, str] = {}  # request id -> "response" or "error"
        self._results: list[Result] = []
        self._init_errors: list[Result] = []
        self._violations: list[str] = []
        self._next_request_times: list[float] = []
        self._stopping = False
        self._posts_in_flight = 0  # POSTs recorded or being recorded whose answer is not written yet
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> RuntimeAPIServer:
        server = self

        class Handler(_RuntimeAPIHandler):
            runtime_api = server

        self._httpd = ThreadingHTTPServer(self._requested_address, Handler)
        self._httpd.daemon_threads = True
        # A short poll interval makes stop() prompt: shutdown waits for one poll.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="runtime-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving; a `/next` still waiting is closed without an answer,
        a POST already recorded still gets its answer (up to 2 s): a waiter may
        see the outcome, and stop, before the handler has written it."""
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
            self._lock.wait_for(lambda: self._posts_in_flight == 0, timeout=2)
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    def __enter__(self) -> RuntimeAPIServer:
        return self.start()

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.stop()
        if exc_type is None:
            self.assert_no_violations()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def address(self) -> str:
        """`host:port`, the value for AWS_LAMBDA_RUNTIME_API."""
        host, port = self._httpd.server_address[:2]
        return f"{host}:{port}"

    # -- what tests use ----------------------------------------------------

    def enqueue(self, payload: bytes | str | dict | list, deadline_ms: int | None = None, request_id: str | None = None,
                timeout_s: float = 30.0, trace_id: str | None = None) -> str:
        """Queues an event and returns its request id. `deadline_ms` is absolute
        (Unix ms); without it the deadline is `timeout_s` after the event is served."""
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload)
        if isinstance(payload, str):
            payload = payload.encode()
        request_id = request_id or str(uuid.uuid4())
        trace_id = trace_id or f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0"
        with self._lock:
            self._pending.append(Event(request_id, payload, deadline_ms, timeout_s, trace_id))
            self._lock.notify_all()
        return request_id

    def wait_for_results(self, n: int, timeout: float = 10.0, process=None) -> list[Result]:
        """Waits until `n` invocations have been answered and returns the first `n`
        outcomes. Fails at once if the function reports an init error or
        `process` (a `subprocess.Popen`) exits."""
        self._wait(lambda: len(self._results) >= n, f"{n} results", timeout, process, init_error_ends_wait=True)
        with self._lock:
            return list(self._results[:n])

    def wait_for_init_errors(self, n: int = 1, timeout: float = 10.0, process=None) -> list[Result]:
        self._wait(lambda: len(self._init_errors) >= n, f"{n} init errors", timeout, process, init_error_ends_wait=False)
        with self._lock:
            return list(self._init_errors[:n])

    def result_for(self, request_id: str) -> Result | None:
        with self._lock:
            return next((r for r in self._results if r.request_id == request_id), None)

    @property
    def results(self) -> list[Result]:
        with self._lock:
            return list(self._results)

    @property
    def init_errors(self) -> list[Result]:
        with self._lock:
            return list(self._init_errors)

    @property
    def violations(self) -> list[str]:
        with self._lock:
            return list(self._violations)

    @property
    def next_request_times(self) -> list[float]:
        """`time.monotonic()` at the arrival of each `GET /next`."""
        with self._lock:
            return list(self._next_request_times)

    def assert_no_violations(self) -> None:
        violations = self.violations
        if violations:
            raise ProtocolViolation("Runtime API protocol violated:\n  " + "\n  ".join(violations))

    def _wait(self, done, what: str, timeout: float, process, init_error_ends_wait: bool) -> None:
        end = time.monotonic() + timeout
        with self._lock:
            while not done():
                if init_error_ends_wait and self._init_errors:
                    first = self._init_errors[0]
                    raise AssertionError(f"waiting for {what}: the function reported an init error "
                                         f"{first.error_type}: {first.body[:500]!r}")
                if process is not None and process.poll() is not None:
                    raise AssertionError(f"waiting for {what}: the function exited with code {process.returncode}; "
                                         f"{self._summary()}")
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"waiting for {what}: none after {timeout} s; {self._summary()}")
                self._lock.wait(min(left, 0.05))

    def _summary(self) -> str:
        return (f"{len(self._results)} results, {len(self._init_errors)} init errors, "
                f"{len(self._pending)} events queued, violations: {self._violations or 'none'}")

    # -- protocol, called from the handler threads -------------------------

    def _violation(self, text: str) -> None:
        self._violations.append(text)  # caller holds the lock
        self._lock.notify_all()

    def _take_next_event(self) -> Event | None:
        """Blocks until an event is queued; None when the server stops."""
        with self._lock:
            self._next_request_times.append(time.monotonic())
            if self._init_errors:
                self._violation("GET /next after an init error (the runtime should have exited)")
            if self._outstanding:
                self._violation(f"GET /next while invocation(s) {sorted(self._outstanding)} have no response or error")
            while not self._pending:
                if self._stopping:
                    return None
                self._lock.wait(0.1)
            event = self._pending.popleft()
            self._outstanding[event.request_id] = event
            return event

    def _return_undelivered(self, event: Event) -> None:
        """The runtime went away before it got the event: serve it to the next one."""
        with self._lock:
            self._outstanding.pop(event.request_id, None)
            self._pending.appendleft(event)
            self._lock.notify_all()

    def _record_outcome(self, request_id: str, kind: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        with self._lock:
            if request_id in self._answered:
                self._violation(f"second outcome for invocation {request_id!r}: {kind} after {self._answered[request_id]}")
                return 400, {"errorType": "InvalidStateTransition", "errorMessage": "invocation already answered"}
            if request_id not in self._outstanding:
                self._violation(f"{kind} for request id {request_id!r}, which is not an outstanding invocation")
                return 400, {"errorType": "InvalidRequestID", "errorMessage": "no such outstanding invocation"}
            if kind == "error":
                self._check_error(f"error for {request_id!r}", headers, body)
            del self._outstanding[request_id]
            self._answered[request_id] = kind
            self._results.append(Result(request_id, kind, headers, body, time.monotonic()))
            self._lock.notify_all()
            return 202, {"status": "OK"}

    def _record_init_error(self, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        with self._lock:
            if self._next_request_times:
                self._violation("init error posted after the first GET /next")
            self._check_error("init error", headers, body)
            self._init_errors.append(Result(None, "init_error", headers, body, time.monotonic()))
            self._lock.notify_all()
            return 202, {"status": "OK"}

    def _check_error(self, what: str, headers: dict[str, str], body: bytes) -> None:
        header_type = headers.get(ERROR_TYPE_HEADER.lower())
        if not header_type:
            self._violation(f"{what} has no {ERROR_TYPE_HEADER} header")
        try:
            document = json.loads(body)
        except ValueError as error:
            self._violation(f"{what} body is not JSON ({error}): {body[:200]!r}")
            return
        if not isinstance(document, dict):
            self._violation(f"{what} body is not a JSON object: {body[:200]!r}")
            return
        for key in ("errorMessage", "errorType"):
            if not isinstance(document.get(key), str):
                self._violation(f"{what} body has no string {key!r}: {body[:200]!r}")
        if "stackTrace" in document and not isinstance(document["stackTrace"], list):
            self._violation(f"{what} body has a stackTrace that is not a list")
        if header_type and isinstance(document.get("errorType"), str) and document["errorType"] != header_type:
            self._violation(f"{what}: header type {header_type!r} differs from body errorType {document['errorType']!r}")


class _RuntimeAPIHandler(BaseHTTPRequestHandler):
    runtime_api: RuntimeAPIServer
    protocol_version = "HTTP/1.1"  # keep-alive: the runtime reuses one connection

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's
        # algorithm and the client's delayed ACK add ~40 ms to every exchange.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args) -> None:  # the default writes every request to stderr
        pass

    def do_GET(self) -> None:
        if self._path() != API_PREFIX + "/invocation/next":
            return self._unexpected()
        event = self.runtime_api._take_next_event()
        if event is None:
            self.close_connection = True
            return
        deadline_ms = event.deadline_ms if event.deadline_ms is not None else int((time.time() + event.timeout_s) * 1000)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(event.payload)))
            self.send_header("Lambda-Runtime-Aws-Request-Id", event.request_id)
            self.send_header("Lambda-Runtime-Deadline-Ms", str(deadline_ms))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn", self.runtime_api.function_arn)
            self.send_header("Lambda-Runtime-Trace-Id", event.trace_id)
            self.end_headers()
            self.wfile.write(event.payload)
            self.wfile.flush()
        except OSError:
            self.runtime_api._return_undelivered(event)
            self.close_connection = True

    def do_POST(self) -> None:
        api = self.runtime_api
        with api._lock:
            api._posts_in_flight += 1
        try:
            self._post()
        finally:
            with api._lock:
                api._posts_in_flight -= 1
                api._lock.notify_all()

    def _post(self) -> None:
        path = self._path()
        body = self._read_body()
        if body is None:
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        invocation = API_PREFIX + "/invocation/"
        if path == API_PREFIX + "/init/error":
            status, answer = self.runtime_api._record_init_error(headers, body)
        elif path.startswith(invocation) and path.count("/") == invocation.count("/") + 1:
            raw_id, _, kind = path[len(invocation):].rpartition("/")
            if kind not in ("response", "error") or not raw_id:
                return self._unexpected()
            status, answer = self.runtime_api._record_outcome(unquote(raw_id), kind, headers, body)
        else:
            return self._unexpected()
        self._answer(status, answer)

    def do_PUT(self) -> None:
        self._unexpected()

    do_DELETE = do_PATCH = do_PUT

    def _path(self) -> str:
        path, _, query = self.path.partition("?")
        if query:
            with self.runtime_api._lock:
                self.runtime_api._violation(f"{self.command} {self.path}: the Runtime API takes no query string")
        return path

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = self.headers.get("Content-Length")
        if length is None:
            with self.runtime_api._lock:
                self.runtime_api._violation(f"POST {self.path} has neither Content-Length nor chunked encoding")
            self._answer(411, {"errorType": "LengthRequired", "errorMessage": "Content-Length required"})
            self.close_connection = True
            return None
        if int(length) > MAX_BODY:
            self._answer(413, {"errorType": "RequestEntityTooLarge", "errorMessage": f"body over {MAX_BODY} bytes"})
            self.close_connection = True
            return None
        return self.rfile.read(int(length))

    def _unexpected(self) -> None:
        with self.runtime_api._lock:
            self.runtime_api._violation(f"unexpected request {self.command} {self.path}")
        self._answer(404, {"errorType": "NotFound", "errorMessage": "no such Runtime API resource"})

    def _answer(self, status: int, document: dict) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _outcome_line(result: Result) -> str:
    try:
        body = result.json()
    except ValueError:
        body = result.body.decode("utf-8", "replace")
    line = {"requestId": result.request_id, "outcome": result.kind, "body": body}
    if result.error_type is not None:
        line["errorType"] = result.error_type
    return json.dumps(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Serve events to a Lambda function through a local Runtime API, print each outcome as a JSON "
                    "line, exit after the last. Exit status: 0 all answered within the protocol, 1 protocol "
                    "violated, 2 init error, 3 timed out.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--event", action="append", required=True, metavar="FILE", help="event payload; '-' for stdin")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for all outcomes")
    parser.add_argument("--function-arn", default=DEFAULT_FUNCTION_ARN)
    options = parser.parse_args(argv)

    api = RuntimeAPIServer(options.host, options.port, options.function_arn).start()
    try:
        for name in options.event:
            api.enqueue(sys.stdin.buffer.read() if name == "-" else open(name, "rb").read())
        print(f"Runtime API listening on {api.address}: start the function with AWS_LAMBDA_RUNTIME_API={api.address}",
              file=sys.stderr, flush=True)
        end = time.monotonic() + options.timeout
        for count in range(1, len(options.event) + 1):
            try:
                result = api.wait_for_results(count, timeout=max(0.0, end - time.monotonic()))[-1]
            except TimeoutError as error:
                print(error, file=sys.stderr)
                return 3
            except AssertionError:
                print(_outcome_line(api.init_errors[0]), flush=True)
                return 2
            print(_outcome_line(result), flush=True)
    finally:
        api.stop()
    for violation in api.violations:
        print(f"protocol violation: {violation}", file=sys.stderr)
    return 1 if api.violations else 0


if __name__ == "__main__":
    sys.exit(main())
