"""Start-up of packaged `bootstrap`s in an empty root: process start to its
first `GET /2018-06-01/runtime/invocation/next`, and peak RSS after one
invocation.

Each zip is unpacked into its own empty root (scripts/empty-root-run.sh builds
it: /var/task read-only, a CA bundle, /tmp, /proc), then the runs of all
variants are interleaved in a random order per round, so that a change in the
machine's load hits every variant alike. A "floor" variant times the same
harness starting a static busybox `wget` of `/next` from the same root: what
is left above it is the bootstrap's own start-up.

One run: t0 = CLOCK_MONOTONIC; fork; the child chroots, drops to uid 993 and
execs /var/task/bootstrap with a Lambda-like environment; t1 = the moment the
whole request head of `/next` has arrived on the loopback listener. Then the
child is killed. The `--until exit` mode instead times the process to its exit
(for a bootstrap that has no Runtime API loop yet, e.g. `--arg --help`).

Peak RSS: for `--rss-runs` runs per variant, the harness answers the first
`/next` with one event (default: a RunInstances record with an errorCode,
which the function ignores without calling AWS), reads the function's
response, waits for the next `/next` and reads VmHWM from /proc/PID/status.

Usage (as root, from the repository root):
    python3 -m bench.startup [--runs 200] [--json FILE] [--env NAME=VALUE]... [--event FILE] ZIP[=LABEL]...
"""
from __future__ import annotations

import argparse
import json
import os
import random
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SCRIPTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts")
NEXT_PATH = b"/2018-06-01/runtime/invocation/next"
SANDBOX_UID, SANDBOX_GID = 993, 990  # Lambda's sbx_user1051
IGNORED_EVENT = {
    "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "AWS API Call via CloudTrail",
    "source": "aws.ec2", "account": "123456789012", "time": "2026-11-25T10:00:00Z", "region": "us-east-1",
    "resources": [], "detail": {
        "eventVersion": "1.09", "eventTime": "2026-11-25T10:00:00Z", "eventSource": "ec2.amazonaws.com",
        "eventName": "RunInstances", "awsRegion": "us-east-1", "errorCode": "Client.UnauthorizedOperation",
        "errorMessage": "You are not authorized to perform this operation.",
        "userIdentity": {"type": "AssumedRole", "principalId": "AROAPLATFORMROLEID0001:AWSCloudFormation",
                         "arn": "arn:aws:sts::123456789012:assumed-role/swb-LaunchConstraint/AWSCloudFormation",
                         "accountId": "123456789012"},
        "requestParameters": {"instancesSet": {"items": [{"imageId": "ami-12c6146b", "minCount": 1, "maxCount": 1}]}},
        "responseElements": None, "eventType": "AwsApiCall", "recipientAccountId": "123456789012"}}
# Enough configuration for init to succeed without any AWS call (ROLE_ID
# skips GetRole); the credentials are never used by an ignored event.
DEFAULT_FUNCTION_ENV = [
    "ROLE_ID=AROAEXAMPLEID1234567",
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN=bench-session-token",
]


def fail(message: str) -> None:
    print(f"bench.startup: error: {message}", file=sys.stderr)
    sys.exit(1)


class Variant:
    def __init__(self, label: str, root: str, command: list[str], env: dict[str, str]):
        self.label, self.root, self.command, self.env = label, root, command, env
        self.times_ms: list[float] = []
        self.rss_kb: list[int] = []
        self.outcomes: list[str] = []


def spawn(variant: Variant) -> int:
    pid = os.fork()
    if pid == 0:  # child: only system calls until exec
        try:
            os.chroot(variant.root)
            os.chdir("/var/task")
            os.setgroups([])
            os.setgid(SANDBOX_GID)
            os.setuid(SANDBOX_UID)
            fd = os.open("/tmp/stdout", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execve(variant.command[0], variant.command, variant.env)
        finally:
            os._exit(127)
    return pid


def read_request(conn: socket.socket, buffer: bytearray, deadline: float) -> tuple[bytes, dict[bytes, bytes], bytes]:
    """Reads one HTTP/1.1 request (head and Content-Length body) from conn."""
    while b"\r\n\r\n" not in buffer:
        conn.settimeout(max(0.001, deadline - time.monotonic()))
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("the function closed the connection")
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get(b"content-length", b"0"))
    body = bytearray(rest)
    while len(body) < length:
        conn.settimeout(max(0.001, deadline - time.monotonic()))
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("the function closed the connection mid-body")
        body += chunk
    buffer[:] = body[length:]
    return lines[0], headers, bytes(body[:length])


def accept(listener: socket.socket, pid: int, deadline: float) -> socket.socket:
    while True:
        ready, _, _ = select.select([listener], [], [], 0.05)
        if ready:
            conn, _ = listener.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return conn
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            raise RuntimeError(f"exited before its first request ({describe(status)})")
        if time.monotonic() > deadline:
            raise TimeoutError("no request within the time limit")


def describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit code {os.WEXITSTATUS(status)}"


def stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass  # already reaped


def drain(listener: socket.socket) -> None:
    """Closes connections left in the backlog, so none is taken for the next run's."""
    while select.select([listener], [], [], 0)[0]:
        conn, _ = listener.accept()
        conn.close()


def time_to_next(variant: Variant, listener: socket.socket, timeout: float) -> float:
    conn = None
    t0 = time.monotonic_ns()
    pid = spawn(variant)
    try:
        deadline = time.monotonic() + timeout
        conn = accept(listener, pid, deadline)
        line, _, _ = read_request(conn, bytearray(), deadline)
        t1 = time.monotonic_ns()
        if not line.startswith(b"GET " + NEXT_PATH + b" "):
            raise RuntimeError(f"first request is {line!r}, not GET /next")
        return (t1 - t0) / 1e6
    finally:
        # Kill before closing: a function that saw its connection close would
        # retry on a new one, which the next run would take for its own.
        stop(pid)
        if conn is not None:
            conn.close()
        drain(listener)


def time_to_exit(variant: Variant) -> float:
    t0 = time.monotonic_ns()
    pid = spawn(variant)
    _, status = os.waitpid(pid, 0)
    t1 = time.monotonic_ns()
    if status != 0:
        raise RuntimeError(f"{variant.command} ended with {describe(status)}")
    return (t1 - t0) / 1e6


def one_invocation_rss(variant: Variant, listener: socket.socket, event: bytes, timeout: float) -> tuple[int, str]:
    """Serves one event, waits for the outcome and the next /next; returns VmHWM (kB) and the outcome."""
    pid = spawn(variant)
    try:
        deadline = time.monotonic() + timeout
        conn = accept(listener, pid, deadline)
        buffer = bytearray()
        line, _, _ = read_request(conn, buffer, deadline)
        if not line.startswith(b"GET " + NEXT_PATH + b" "):
            raise RuntimeError(f"first request is {line!r}")
        request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(event)}\r\n"
                f"Lambda-Runtime-Aws-Request-Id: {request_id}\r\n"
                f"Lambda-Runtime-Deadline-Ms: {int(time.time() * 1000) + 30000}\r\n"
                "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:aws-userid-tagger\r\n"
                "Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1\r\n\r\n")
        conn.sendall(head.encode() + event)
        line, _, body = read_request(conn, buffer, deadline)
        expected = f"POST /2018-06-01/runtime/invocation/{request_id}/".encode()
        if not line.startswith(expected):
            raise RuntimeError(f"expected the outcome of {request_id}, got {line!r} {body[:300]!r}")
        outcome = line.split(b" ")[1].rsplit(b"/", 1)[1].decode() + " " + body[:200].decode("utf-8", "replace")
        conn.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
                     b'{"status":"OK"}\n')
        # The next /next, on this connection (reused) or a new one.
        ready, _, _ = select.select([conn, listener], [], [], max(0.001, deadline - time.monotonic()))
        if listener in ready:
            conn.close()
            conn = accept(listener, pid, deadline)
            buffer = bytearray()
        line, _, _ = read_request(conn, buffer, deadline)
        if not line.startswith(b"GET " + NEXT_PATH + b" "):
            raise RuntimeError(f"after the outcome expected GET /next, got {line!r}")
        with open(f"/proc/{pid}/status") as status:
            hwm = next(int(row.split()[1]) for row in status if row.startswith("VmHWM:"))
        stop(pid)
        conn.close()
        return hwm, outcome
    finally:
        stop(pid)
        drain(listener)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def in_namespace(options) -> int:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    address = f"127.0.0.1:{listener.getsockname()[1]}"
    workdir = tempfile.mkdtemp(prefix="bench-startup.")
    variants: list[Variant] = []
    try:
        for index, spec in enumerate(options.zips):
            path, _, label = spec.partition("=")
            label = label or os.path.basename(path)
            root = os.path.join(workdir, f"root{index}")
            env_text = subprocess.run([os.path.join(SCRIPTS, "empty-root-run.sh"), path],
                                      env=dict(os.environ, EMPTY_ROOT_KEEP=root, EMPTY_ROOT_PREPARE_ONLY="1"),
                                      check=True, capture_output=True, text=True).stdout
            env = dict(line.split("=", 1) for line in env_text.splitlines() if "=" in line)
            env.update(line.split("=", 1) for line in DEFAULT_FUNCTION_ENV + options.env)
            env["AWS_LAMBDA_RUNTIME_API"] = address
            subprocess.run(["mount", "-t", "proc", "proc", os.path.join(root, "proc")], check=True)
            subprocess.run(["mount", "--bind", "-o", "ro", os.path.join(root, "var/task"), os.path.join(root, "var/task")],
                           check=True)
            variants.append(Variant(label, root, ["/var/task/bootstrap"] + options.arg, env))
        if options.until == "next":
            busybox = shutil.which("busybox")
            floor_root = variants[0].root
            os.makedirs(os.path.join(floor_root, "bench"), exist_ok=True)
            shutil.copy(busybox, os.path.join(floor_root, "bench/busybox"))
            variants.insert(0, Variant("floor: static busybox wget", floor_root,
                                       ["/bench/busybox", "wget", "-q", "-O", "/tmp/next",
                                        f"http://{address}{NEXT_PATH.decode()}"], {}))
        for round_ in range(options.warmup + options.runs):
            order = variants[:]
            random.shuffle(order)
            for variant in order:
                try:
                    elapsed = (time_to_next(variant, listener, options.timeout) if options.until == "next"
                               else time_to_exit(variant))
                except (RuntimeError, TimeoutError, ConnectionError) as error:
                    log = os.path.join(variant.root, "tmp/stdout")
                    output = open(log, errors="replace").read()[-2000:] if os.path.exists(log) else ""
                    fail(f"{variant.label}: {error}\n{output}")
                if round_ >= options.warmup:
                    variant.times_ms.append(elapsed)
        if options.until == "next" and options.rss_runs:
            event = open(options.event, "rb").read() if options.event else json.dumps(IGNORED_EVENT).encode()
            for variant in variants[1:]:
                for _ in range(options.rss_runs):
                    try:
                        hwm, outcome = one_invocation_rss(variant, listener, event, options.timeout)
                    except (RuntimeError, TimeoutError, ConnectionError) as error:
                        log = os.path.join(variant.root, "tmp/stdout")
                        output = open(log, errors="replace").read()[-2000:] if os.path.exists(log) else ""
                        fail(f"{variant.label}: one invocation: {error}\n{output}")
                    variant.rss_kb.append(hwm)
                    variant.outcomes.append(outcome)
    finally:
        for variant in variants:
            for mount in ("var/task", "proc"):
                subprocess.run(["umount", "-l", os.path.join(variant.root, mount)], stderr=subprocess.DEVNULL)
        shutil.rmtree(workdir, ignore_errors=True)

    floor = statistics.median(variants[0].times_ms) if options.until == "next" else None
    what = "start to first GET /next" if options.until == "next" else "start to exit"
    print(f"{what}, {options.runs} interleaved runs per variant (ms):")
    print(f"  {'variant':40} {'median':>7} {'p90':>7} {'min':>7} {'mean':>7} {'over floor':>10}")
    report = {"what": what, "runs": options.runs, "variants": []}
    for variant in variants:
        median = statistics.median(variant.times_ms)
        row = {"label": variant.label, "median_ms": median, "p90_ms": percentile(variant.times_ms, 0.9),
               "min_ms": min(variant.times_ms), "mean_ms": statistics.fmean(variant.times_ms)}
        over = f"{median - floor:10.2f}" if floor is not None else ""
        print(f"  {variant.label:40} {median:7.2f} {row['p90_ms']:7.2f} {row['min_ms']:7.2f} {row['mean_ms']:7.2f} {over}")
        if variant.rss_kb:
            row["peak_rss_kb"] = max(variant.rss_kb)
            row["outcomes"] = sorted(set(variant.outcomes))
        report["variants"].append(row)
    for row in report["variants"]:
        if "peak_rss_kb" in row:
            print(f"  peak RSS after one invocation, {row['label']}: {row['peak_rss_kb'] / 1024:.1f} MiB "
                  f"(VmHWM, max of {options.rss_runs}); outcome: {row['outcomes'][0]}")
    if options.json:
        with open(options.json, "w") as out:
            json.dump(report, out, indent=2)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.startup", description=__doc__.split("\n\n")[0])
    parser.add_argument("zips", nargs="+", metavar="ZIP[=LABEL]")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rss-runs", type=int, default=5)
    parser.add_argument("--until", choices=["next", "exit"], default="next")
    parser.add_argument("--arg", action="append", default=[], help="argument to bootstrap (repeatable)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--event", help="event payload for the RSS runs (default: an ignored RunInstances)")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--json", help="also write the numbers here")
    options = parser.parse_args()
    if os.geteuid() != 0:
        fail("needs root (mount namespace, chroot)")
    for spec in options.zips:
        if not os.path.isfile(spec.partition("=")[0]):
            fail(f"no such zip: {spec.partition('=')[0]} (make package writes dist/function.zip)")
    if options.until == "next":  # a static busybox wget is the floor measurement
        subprocess.run([os.path.join(SCRIPTS, "ensure-system-deps.sh"), "busybox-static"], check=True)
        if not shutil.which("busybox"):
            fail("busybox is not installed (apt-get install -y busybox-static)")
    if os.environ.get("STARTUP_BENCH_IN_NAMESPACE") == "1":
        return in_namespace(options)
    # Re-run inside a private mount namespace, so the mounts vanish with it.
    return subprocess.call(["unshare", "--mount", "--propagation", "private", "--fork", "--",
                            sys.executable, "-m", "bench.startup"] + sys.argv[1:],
                           env=dict(os.environ, STARTUP_BENCH_IN_NAMESPACE="1"))


if __name__ == "__main__":
    sys.exit(main())
