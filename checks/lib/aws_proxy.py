"""A local HTTP server that plays AWS in front of moto: it forwards each
request upstream and records what was called, or answers it itself from a
script (status, body, delay, connection reset, truncated body, slow drip).

Every call is recorded as (service, action, parameters, headers), the service
taken from the SigV4 credential scope, so tests can count exactly which AWS
calls the binary made and what it asked for. Query calls (EC2, IAM, STS) name
their action in the form body; JSON 1.1 calls (EventBridge) in `X-Amz-Target`,
and their parameters are the JSON body.

Three ways to answer an action, checked in this order:
- `fail(action, *faults)`: the next calls get these faults, in order, once each;
- `answer(action, responder)`: every further call gets `responder(params)`
  (a `Fault`, or None to fall through), so the proxy can stand in for AWS
  without moto (e.g. for a load test);
- otherwise the call is forwarded to `upstream` (moto); with no upstream the
  proxy answers 400 `UnsupportedOperation`.
`connections` counts the TCP connections accepted, to check a client reuses one.
"""
import http.client
import json
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Fault:
    """One scripted answer instead of forwarding."""

    def __init__(self, status=200, body=b"", delay=0.0, reset=False, truncate=False, drip=0.0, headers=None):
        self.status, self.body, self.delay = status, body if isinstance(body, bytes) else body.encode(), delay
        self.reset, self.truncate, self.drip, self.headers = reset, truncate, drip, headers or {}

    @staticmethod
    def ec2_error(status, code, message="scripted"):
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                f"<RequestID>fault-{code}</RequestID></Response>")
        return Fault(status, body)

    @staticmethod
    def json_answer(document, status=200):
        """An answer in AWS's JSON 1.1 protocol (EventBridge): a document, or an
        error when it holds `__type`."""
        return Fault(status, json.dumps(document), headers={"Content-Type": "application/x-amz-json-1.1"})

    @staticmethod
    def json_error(status, code, message="scripted"):
        return Fault.json_answer({"__type": code, "message": message}, status)

    @staticmethod
    def iam_error(status, code, message="scripted"):
        body = (f'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
                f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>fault-{code}</RequestId></ErrorResponse>")
        return Fault(status, body)


class Call:
    def __init__(self, service, action, params, answered_by, headers=None):
        self.service, self.action, self.params, self.answered_by = service, action, params, answered_by
        self.headers = headers or {}
        self.time = time.monotonic()

    def __repr__(self):
        return f"{self.service}:{self.action}({self.answered_by})"


class AWSProxy:
    def __init__(self, upstream=None):
        self.upstream = upstream  # "http://127.0.0.1:port" or None
        self.calls = []
        self._faults = {}  # action -> list of Fault, consumed in order
        self._responders = {}  # action -> callable(params) -> Fault | None, kept
        self._lock = threading.Lock()
        self.connections = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without TCP_NODELAY each
            # answer waits for the client's delayed ACK (40 ms) on a reused connection.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with proxy._lock:
                    proxy.connections += 1

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                service = _service_of(self.headers.get("Authorization", ""))
                target = self.headers.get("X-Amz-Target")
                if target:
                    action = target.rpartition(".")[2]
                    try:
                        params = json.loads(body or b"{}")
                    except ValueError:
                        params = {}
                else:
                    params = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
                    action = params.get("Action", "")
                fault = proxy._next_fault(action)
                answered_by = "fault" if fault else "upstream"
                if fault is None and (responder := proxy._responder(action)) is not None:
                    fault = responder(params)
                    answered_by = "stand-in" if fault else answered_by
                if fault is None and proxy.upstream is None:
                    fault, answered_by = Fault.ec2_error(400, "UnsupportedOperation", f"no stand-in for {action}"), "stand-in"
                with proxy._lock:
                    proxy.calls.append(Call(service, action, params, answered_by, dict(self.headers.items())))
                if fault:
                    self._play(fault)
                else:
                    self._forward(body)

            def _play(self, fault):
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    self.close_connection = True
                    return
                self.send_response(fault.status)
                for name, value in fault.headers.items():
                    self.send_header(name, value)
                declared = len(fault.body) * 2 if fault.truncate else len(fault.body)
                self.send_header("Content-Length", str(declared))
                if not any(name.lower() == "content-type" for name in fault.headers):
                    self.send_header("Content-Type", "text/xml")
                self.end_headers()
                if fault.drip:
                    for i in range(len(fault.body)):
                        self.wfile.write(fault.body[i:i + 1])
                        self.wfile.flush()
                        time.sleep(fault.drip)
                else:
                    self.wfile.write(fault.body)
                if fault.truncate:
                    self.wfile.flush()
                    self.close_connection = True

            def _forward(self, body):
                target = urllib.parse.urlsplit(proxy.upstream)
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                connection.request("POST", self.path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                connection.close()

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll interval makes stop() prompt: shutdown() waits for one poll (0.5 s by default).
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def fail(self, action, *faults):
        """Answer the next calls of `action` with `faults`, in order, then forward again."""
        with self._lock:
            self._faults.setdefault(action, []).extend(faults)

    def clear_faults(self):
        """Drops every scripted fault not yet played."""
        with self._lock:
            self._faults.clear()

    def answer(self, action, responder):
        """Answer every further call of `action` (or "*") with `responder(params)`:
        a `Fault` (status 200 for a success body), or None to forward instead."""
        with self._lock:
            self._responders[action] = responder

    def _responder(self, action):
        with self._lock:
            return self._responders.get(action) or self._responders.get("*")

    def count(self, action):
        """How many calls of `action` were received (answered in any way)."""
        with self._lock:
            return sum(1 for c in self.calls if c.action == action)

    def _next_fault(self, action):
        with self._lock:
            queue = self._faults.get(action) or self._faults.get("*")
            return queue.pop(0) if queue else None

    def actions(self):
        with self._lock:
            return [f"{c.service}:{c.action}" for c in self.calls]

    def reset_calls(self):
        with self._lock:
            self.calls.clear()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-request (a killed function, a cut deadline)
    is expected here: no traceback for it."""

    # socketserver listens with a backlog of 5: a sweep opening 8 connections
    # at once (one per region) had the extra ones wait 1 s for the kernel's
    # SYN retransmission.
    request_queue_size = 64

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, TimeoutError)):
            super().handle_error(request, client_address)


def _service_of(authorization):
    # "AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/ec2/aws4_request, ..."
    marker = "Credential="
    if marker not in authorization:
        return "unsigned"
    scope = authorization.split(marker, 1)[1].split(",", 1)[0].split("/")
    return scope[3] if len(scope) > 3 else "unknown"
