"""`make bench`: aws-userid-tagger against the seed's boto3 handler
(bench/reference), side by side in one run, through the same local Lambda
Runtime API (checks/lib/runtime_api.py) and the same local AWS stand-in
(bench/standin.py). Prints a table and writes bench/RESULTS.md. Measures,
asserts nothing about speed (a wrong answer from either side is an error).

Ours is the packaged function: dist/function.zip unpacked and bind-mounted
read-only on /var/task in a private mount namespace (the harness re-runs
itself under `unshare --mount`), started as Lambda starts it, `/var/task/bootstrap`
(whose ELF interpreter and RPATH point into /var/task/lib). Without root it
falls back to the bundled loader (`lib/ld-linux-x86-64.so.2 --library-path lib`).
The reference runs as Lambda's Python runtime runs a handler: `python -m
awslambdaric handler.handler`, from its own venv (bench/reference/requirements.txt).

Usage (from the repository root, as the module bench.run):
       python3 -m bench.run --reference-python PY --sigv4-benchmark BIN [--zip dist/function.zip]
                            [--cold-runs 20] [--warm-events 300] [--reference-warm-events 60]
                            [--fleet 10000] [--results bench/RESULTS.md] [--quick]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
import zlib

from checks.lib.events import run_instances, scheduled
from checks.lib.runtime_api import RuntimeAPIServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

TASK_ROOT = "/var/task"
ROLE_NAME = "Okta-ServiceWorkbenchUser"
CLK_TCK = os.sysconf("SC_CLK_TCK")
ANALYSIS_MARKER = "<!-- analysis: kept by bench/run.py, written by hand -->"


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# -- the two functions ------------------------------------------------------------


class Side:
    """How to start one function as Lambda would, in a Lambda-like environment."""

    def __init__(self, label: str, command: list[str], cwd: str, env: dict[str, str]):
        self.label, self.command, self.cwd, self.env = label, command, cwd, env

    def start(self, api: RuntimeAPIServer, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
        env = dict(self.env, AWS_LAMBDA_RUNTIME_API=api.address, **(extra_env or {}))
        command = [word.replace("{api}", api.address) for word in self.command]
        return subprocess.Popen(command, cwd=self.cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def lambda_env(endpoint: str, task_root: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "en_US.UTF-8", "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": task_root, "AWS_LAMBDA_FUNCTION_NAME": "aws-userid-tagger",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/aws-userid-tagger", "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLEBENCH0001", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLE" + "T" * 700,  # Lambda's tokens are ~800 characters
        "AWS_ENDPOINT_URL": endpoint, "ROLE_NAME": ROLE_NAME,
    }


def unpack(zip_path: str, scratch: str) -> str:
    unpacked = os.path.join(scratch, "function")
    shutil.rmtree(unpacked, ignore_errors=True)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            archive.extract(info, unpacked)
            mode = info.external_attr >> 16
            if mode:
                os.chmod(os.path.join(unpacked, info.filename), mode & 0o7777)
    return unpacked


def prepare_ours(unpacked: str, endpoint: str) -> Side:
    env = lambda_env(endpoint, TASK_ROOT)
    env["AWS_EXECUTION_ENV"] = "AWS_Lambda_provided.al2023"
    if os.environ.get("BENCH_IN_NAMESPACE") == "1":
        os.makedirs(TASK_ROOT, exist_ok=True)
        subprocess.run(["mount", "--bind", unpacked, TASK_ROOT], check=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", TASK_ROOT], check=True)
        return Side("ours", [f"{TASK_ROOT}/bootstrap"], TASK_ROOT, env)
    env["LAMBDA_TASK_ROOT"] = unpacked
    if elf_interpreter(os.path.join(unpacked, "bootstrap")) is None and os.access(os.path.join(unpacked, "bootstrap"), os.X_OK):
        log("not root: starting the static bootstrap from its unpacked folder instead of /var/task")
        return Side("ours", ["./bootstrap"], unpacked, env)
    log("not root: starting bootstrap through its bundled loader instead of /var/task (about 0.3 ms slower)")
    return Side("ours", ["lib/ld-linux-x86-64.so.2", "--library-path", "lib", "./bootstrap"], unpacked, env)


def elf_interpreter(path: str) -> str | None:
    """PT_INTERP of a 64-bit little-endian ELF file, None for a static binary (or a script)."""
    with open(path, "rb") as f:
        header = f.read(64)
        if header[:4] != b"\x7fELF":
            return None
        phoff, phentsize, phnum = (int.from_bytes(header[32:40], "little"), int.from_bytes(header[54:56], "little"),
                                   int.from_bytes(header[56:58], "little"))
        for index in range(phnum):
            f.seek(phoff + index * phentsize)
            entry = f.read(phentsize)
            if int.from_bytes(entry[0:4], "little") == 3:  # PT_INTERP
                offset, size = int.from_bytes(entry[8:16], "little"), int.from_bytes(entry[32:40], "little")
                f.seek(offset)
                return f.read(size).rstrip(b"\0").decode()
    return None


def ours_form(side: Side, unpacked: str) -> str:
    interpreter = elf_interpreter(os.path.join(unpacked, "bootstrap"))
    form = f"ELF interpreter {interpreter}" if interpreter else "a static executable"
    return form if side.command[0].startswith(TASK_ROOT) else form + ", started from its unpacked folder"


def prepare_reference(python: str, endpoint: str) -> Side:
    task_root = os.path.join(HERE, "reference")
    env = lambda_env(endpoint, task_root)
    env["AWS_EXECUTION_ENV"] = "AWS_Lambda_python3.11"
    # Byte-code caching as usual (Lambda's runtime has it), but outside the work tree.
    env["PYTHONPYCACHEPREFIX"] = os.path.join(ROOT, ".build-bench", "pycache")
    return Side("reference", [python, "-m", "awslambdaric", "handler.handler"], task_root, env)


# -- the stand-in -------------------------------------------------------------------


class ServerProcess:
    """A stand-in module run in a process of its own (its interpreter lock
    apart from the harness's): it prints its endpoint as a JSON line, then
    answers each command line on its standard input with a JSON line."""

    def __init__(self, arguments: list[str], env: dict[str, str] | None = None):
        self.process = subprocess.Popen([sys.executable, "-m", *arguments], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.endpoint = json.loads(self.process.stdout.readline())["endpoint"]

    def ask(self, command: str):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class StandInProcess(ServerProcess):
    """bench/standin.py: EC2 and IAM for both sides."""

    def __init__(self, fleet: int, tls: tuple[str, str] | None = None):
        super().__init__(["bench.standin", str(fleet), *(["--tls", *tls] if tls else [])])

    def reset_calls(self) -> None:
        self.ask("reset-calls")

    def reset_tags(self) -> None:
        self.ask("reset-tags")

    def calls(self) -> list[str]:
        return self.ask("calls")


# -- process figures ----------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """user + sys of the process (all its threads, living and dead), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14 and 15)


def cpu_ns_precise(pid: int) -> int:
    """On-CPU time of the whole process in ns, its ended threads included (ours
    reads the users' RoleId on a thread that ends before its first result):
    the kernel's CPU clock of another process, clock_getcpuclockid(3) spelt out
    ((~pid << 3) | CPUCLOCK_SCHED). Finer than clock ticks."""
    return time.clock_gettime_ns(((~pid) << 3) | 2)


def peak_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def wait_for_next_requests(api: RuntimeAPIServer, count: int, process: subprocess.Popen, timeout: float = 30) -> None:
    """Until the function has asked for its `count`-th event (so it is idle, blocked on /next)."""
    end = time.monotonic() + timeout
    while len(api.next_request_times) < count:
        if process.poll() is not None:
            raise RuntimeError(f"function exited with {process.returncode}")
        if time.monotonic() > end:
            raise TimeoutError(f"no /next number {count}")
        time.sleep(0.0005)


def stop(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


_instance_counter = [0]


def new_launch_event(instances: int = 1) -> dict:
    ids = []
    for _ in range(instances):
        _instance_counter[0] += 1
        ids.append(f"i-0a{random.getrandbits(40):010x}{_instance_counter[0]:05x}")
    return run_instances(ids)


def check_result(side: Side, result, what: str, tagged: int | None = None) -> dict:
    if result.kind != "response":
        raise RuntimeError(f"{side.label} {what}: {result.kind} {result.body[:300]!r}")
    body = result.json()
    if tagged is not None:
        count = body["tagged"] if isinstance(body["tagged"], int) else len(body["tagged"])
        if count != tagged:
            raise RuntimeError(f"{side.label} {what}: tagged {count}, expected {tagged}: {result.body[:300]!r}")
    return body


def writes(calls: list[str]) -> int:
    return sum(1 for c in calls if c.endswith(":CreateTags"))


# -- phases ------------------------------------------------------------------------


def cold_runs(sides: list[Side], standins: StandInProcess | dict[str, StandInProcess], runs: int,
              tls_sides: list[Side] = (), tls_runs: int = 0) -> dict[str, dict]:
    """Process start to the first /next (init) and to the first result, fresh process each run.
    Rounds interleave all the sides in a random order, so load changes hit them alike;
    `tls_sides` (labels in `standins`) join the first `tls_runs` rounds."""
    if not isinstance(standins, dict):
        standins = {side.label: standins for side in sides}
    figures = {side.label: {"init": [], "first": [], "calls": [], "cpu_ms": [], "rss_kb": []}
               for side in [*sides, *tls_sides]}
    for round_ in range(runs):
        order = list(sides) + (list(tls_sides) if round_ < tls_runs else [])
        random.shuffle(order)
        for side in order:
            standin = standins[side.label]
            with RuntimeAPIServer() as api:
                api.enqueue(new_launch_event())
                standin.reset_calls()
                t0 = time.monotonic()
                process = side.start(api)
                try:
                    [result] = api.wait_for_results(1, timeout=60, process=process)
                    wait_for_next_requests(api, 2, process)  # it has read the answer to its post
                    time.sleep(0.002)  # let it settle into its blocking read
                    figures[side.label]["cpu_ms"].append(cpu_ns_precise(process.pid) / 1e6)
                    figures[side.label]["rss_kb"].append(peak_rss_kb(process.pid))
                finally:
                    stop(process)
                check_result(side, result, "cold event", tagged=1)
                figures[side.label]["init"].append((api.next_request_times[0] - t0) * 1000)
                figures[side.label]["first"].append((result.received_at - t0) * 1000)
                figures[side.label]["calls"].append(standin.calls())
        if round_ % 5 == 4:
            log(f"cold start: {round_ + 1}/{runs} rounds")
    return figures


def init_cpu_runs(sides: list[Side], runs: int) -> dict[str, dict]:
    """CPU time (all threads, ns precision) and page faults of a fresh process up
    to its first /next, with no event queued so it stops there: far less
    sensitive to other processes' load than the wall-clock init."""
    figures = {side.label: {"cpu_ms": [], "minflt": []} for side in sides}
    for _ in range(runs):
        for side in sides:
            with RuntimeAPIServer() as api:
                process = side.start(api)
                try:
                    wait_for_next_requests(api, 1, process)
                    time.sleep(0.002)  # let it settle into its blocking read
                    figures[side.label]["cpu_ms"].append(cpu_ns_precise(process.pid) / 1e6)
                    with open(f"/proc/{process.pid}/stat") as f:
                        figures[side.label]["minflt"].append(int(f.read().rsplit(")", 1)[1].split()[7]))
                finally:
                    stop(process)
    return figures


def floor_runs(runs: int) -> list[float] | None:
    """What the harness itself adds to "init": a static busybox `wget` of /next,
    process start to its request (no Swift, no Python, no TLS library)."""
    busybox = shutil.which("busybox")
    if not busybox:
        return None
    times = []
    for _ in range(runs):
        with RuntimeAPIServer() as api:
            t0 = time.monotonic()
            process = subprocess.Popen([busybox, "wget", "-q", "-O", "/dev/null",
                                        f"http://{api.address}/2018-06-01/runtime/invocation/next"],
                                       env={"PATH": "/usr/bin:/bin"}, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_for_next_requests(api, 1, process, timeout=10)
            finally:
                stop(process)
            times.append((api.next_request_times[0] - t0) * 1000)
    return times


def warm_runs(side: Side, standin: StandInProcess, events: int, extra_env: dict | None = None) -> dict:
    """One process: a cold event, then `events` warm launch events one after another
    (latency: enqueue to response; CPU: the process's user+sys across them), then a replay."""
    with RuntimeAPIServer() as api:
        process = side.start(api, extra_env)
        try:
            last = new_launch_event()
            api.enqueue(last)
            check_result(side, api.wait_for_results(1, timeout=60, process=process)[0], "first event", tagged=1)
            wait_for_next_requests(api, 2, process)
            standin.reset_calls()
            cpu_before, cpu_ns_before = cpu_seconds(process.pid), cpu_ns_precise(process.pid)
            latencies = []
            for n in range(events):
                last = new_launch_event()
                start = time.monotonic()
                api.enqueue(last)
                result = api.wait_for_results(n + 2, timeout=60, process=process)[-1]
                latencies.append((result.received_at - start) * 1000)
                check_result(side, result, "warm event", tagged=1)
            wait_for_next_requests(api, events + 2, process)
            cpu = cpu_seconds(process.pid) - cpu_before
            cpu_ns = cpu_ns_precise(process.pid) - cpu_ns_before
            warm_calls = standin.calls()
            standin.reset_calls()
            api.enqueue(last)  # the same event again: EventBridge delivers at least once
            replay = check_result(side, api.wait_for_results(events + 2, timeout=60, process=process)[-1], "replay")
            wait_for_next_requests(api, events + 3, process)
            replay_calls = standin.calls()
            rss = peak_rss_kb(process.pid)
        finally:
            stop(process)
    return {"latency": latencies, "cpu_ms_per_event": cpu * 1000 / events, "cpu_ns_per_event": cpu_ns / events,
            "calls_per_event": len(warm_calls) / events, "writes_per_event": writes(warm_calls) / events,
            "warm_calls": warm_calls, "replay_calls": replay_calls, "replay": replay, "peak_rss_kb": rss}


def reconcile_run(side: Side, standin: StandInProcess, fleet: int) -> dict:
    """A warm process sweeps the fleet (Scheduled Event): enqueue to response, calls, peak RSS."""
    with RuntimeAPIServer() as api:
        process = side.start(api)
        try:
            api.enqueue(new_launch_event())
            check_result(side, api.wait_for_results(1, timeout=60, process=process)[0], "first event", tagged=1)
            wait_for_next_requests(api, 2, process)
            standin.reset_tags()
            standin.reset_calls()
            cpu_before = cpu_seconds(process.pid)
            start = time.monotonic()
            api.enqueue(scheduled(), timeout_s=900)
            result = api.wait_for_results(2, timeout=900, process=process)[-1]
            elapsed = result.received_at - start
            body = check_result(side, result, "reconcile", tagged=fleet)
            wait_for_next_requests(api, 3, process)
            cpu = cpu_seconds(process.pid) - cpu_before
            calls = standin.calls()
            rss = peak_rss_kb(process.pid)
        finally:
            stop(process)
    return {"seconds": elapsed, "cpu_seconds": cpu, "calls": calls, "peak_rss_kb": rss, "body_keys": sorted(body)}


class TrustStores:
    """A throw-away certificate for 127.0.0.1 (the HTTPS stand-in's) and every
    trust store the sides are measured with, each the public roots plus that
    certificate, so verification is on and the store has its real size:
    - `shipped`: the zip's own hashed directory (certs/), the certificate added
      under its subject hash: what ours uses on Lambda, with no setting;
    - `bundle`: the build host's CA bundle as one file (what boto3 reads, and
      what ours read before the zip shipped a directory);
    - `system_directory`: the system's hashed directory (/etc/ssl/certs on
      Debian), linked into a directory of its own;
    - `small`: 4 of the roots (the size of Amazon Trust Services' set) as a file."""

    SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
    SYSTEM_DIRECTORY = "/etc/ssl/certs"

    def __init__(self, scratch: str, shipped: str):
        directory = os.path.join(scratch, "tls")
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        self.cert, self.key = os.path.join(directory, "standin.pem"), os.path.join(directory, "standin.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", self.key, "-out", self.cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-addext", "basicConstraints=critical,CA:TRUE"], check=True, capture_output=True)
        pem = open(self.cert).read()
        subject_hash = subprocess.run(["openssl", "x509", "-noout", "-subject_hash", "-in", self.cert],
                                      check=True, capture_output=True, text=True).stdout.strip()
        self.shipped = shipped
        self.shipped_roots = sum(1 for name in os.listdir(shipped) if self._hashed(name))
        _add_hashed(shipped, subject_hash, pem)

        system_pems = open(self.SYSTEM_BUNDLE).read()
        end = "-----END CERTIFICATE-----\n"
        roots = [chunk + end for chunk in system_pems.split(end) if "BEGIN CERTIFICATE" in chunk]
        self.bundle_roots = len(roots)
        self.bundle = os.path.join(directory, "ca-bundle.pem")
        with open(self.bundle, "w") as out:
            out.write(system_pems + pem)
        self.small = os.path.join(directory, "ca-small.pem")
        with open(self.small, "w") as out:
            out.write("".join(roots[:4]) + pem)

        self.system_directory = os.path.join(directory, "system-directory")
        os.makedirs(self.system_directory)
        hashed = [name for name in os.listdir(self.SYSTEM_DIRECTORY) if self._hashed(name)]
        for name in hashed:
            os.symlink(os.path.realpath(os.path.join(self.SYSTEM_DIRECTORY, name)), os.path.join(self.system_directory, name))
        self.system_directory_roots = len(hashed)
        _add_hashed(self.system_directory, subject_hash, pem)

    @staticmethod
    def _hashed(name: str) -> bool:
        stem, _, counter = name.partition(".")
        return len(stem) == 8 and all(c in "0123456789abcdef" for c in stem) and counter.isdigit()


def _add_hashed(directory: str, subject_hash: str, pem: str) -> None:
    counter = 0
    while os.path.exists(os.path.join(directory, f"{subject_hash}.{counter}")):
        counter += 1
    with open(os.path.join(directory, f"{subject_hash}.{counter}"), "w") as out:
        out.write(pem)


def store_sizes_in_zip(zip_path: str, tls: TrustStores) -> dict[str, float]:
    """What each trust store adds to the deployment zip, in KiB: the shipped
    directory as the zip holds it (certs/), a bundle file as deflate would
    store it; the system's directory is not in the zip (and not on AL2023)."""
    with zipfile.ZipFile(zip_path) as archive:
        shipped = sum(info.compress_size for info in archive.infolist() if info.filename.startswith("certs/"))

    def deflated(path: str) -> int:
        with open(path, "rb") as f:
            return len(zlib.compress(f.read(), 9))
    return {"shipped": shipped / 1024, "bundle": deflated(tls.bundle) / 1024, "small": deflated(tls.small) / 1024}


def over_tls(side: Side, endpoint: str, label: str, **trust: str) -> Side:
    """`side` against the HTTPS stand-in; `trust` names the store (none: the one it finds itself)."""
    env = {k: v for k, v in side.env.items() if k not in ("AWS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")}
    return Side(label, side.command, side.cwd, dict(env, AWS_ENDPOINT_URL=endpoint, **trust))


def sigv4(binary: str, reference_python: str) -> dict:
    ours = json.loads(subprocess.run([binary, "100000", "5"], check=True, capture_output=True, text=True).stdout)
    theirs = json.loads(subprocess.run([reference_python, os.path.join(HERE, "sigv4_botocore.py"), "5000", "5"],
                                       check=True, capture_output=True, text=True).stdout)
    return {"ours": ours, "reference": theirs}


def deployment_sizes(zip_path: str, reference_python: str, scratch: str) -> dict:
    with zipfile.ZipFile(zip_path) as archive:
        ours_unzipped = sum(info.file_size for info in archive.infolist())
    script = (
        "import importlib.metadata as m, json, sys\n"
        "names = sys.argv[1:]\n"
        "files = []\n"
        "for name in names:\n"
        "    d = m.distribution(name)\n"
        "    files += [str(d.locate_file(f)) for f in (d.files or [])]\n"
        "print(json.dumps(files))\n")
    requirements = [line.split("==")[0] for line in open(os.path.join(HERE, "reference", "requirements.txt"))
                    if "==" in line and not line.startswith("#")]
    files = json.loads(subprocess.run([reference_python, "-c", script, *requirements], check=True,
                                      capture_output=True, text=True).stdout)
    files = [f for f in files if os.path.isfile(f) and "/bin/" not in f]
    files.append(os.path.join(HERE, "reference", "handler.py"))
    reference_zip = os.path.join(scratch, "reference.zip")
    with zipfile.ZipFile(reference_zip, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            archive.write(path, os.path.relpath(path, os.path.dirname(path) if path.endswith("handler.py")
                                                else _site_packages(path)))
    return {"ours_zip": os.path.getsize(zip_path), "ours_unzipped": ours_unzipped,
            "reference_zip": os.path.getsize(reference_zip),
            "reference_unzipped": sum(os.path.getsize(f) for f in files), "reference_files": len(files)}


def _site_packages(path: str) -> str:
    marker = os.sep + "site-packages" + os.sep
    return path[:path.index(marker) + len(marker)]


# -- report ------------------------------------------------------------------------


def fmt_ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def fmt_mb(kb_or_bytes: float, unit: str = "kb") -> str:
    mib = kb_or_bytes / 1024 if unit == "kb" else kb_or_bytes / 1024 / 1024
    return f"{mib:.1f} MiB"


def ratio(reference: float, ours: float) -> str:
    if ours <= 0:
        return "n/a"
    value = reference / ours
    return f"{value:.0f}×" if value >= 10 else f"{value:.2f}×"


def tls_rows(r: dict, row) -> None:
    """The figures as on Lambda first: verified HTTPS with a full public root
    store, ours with the store its zip ships, the reference with the same
    roots as a bundle (botocore reads only a file); then ours with each
    alternative store, and its HTTPS cold start over its http one."""
    t, stores = r["cold_tls"], r["tls"]
    ours, reference, http = t["ours_tls"], t["reference_tls"], r["cold"]["ours"]
    first_o, first_r = statistics.median(ours["first"]), statistics.median(reference["first"])
    row(f"**cold start over verified HTTPS, full root store** (ours: the zip's hashed directory, "
        f"{stores['shipped_roots']} roots; reference: the same roots as a bundle), process start → first result, median",
        fmt_ms(first_o), fmt_ms(first_r), ratio(first_r, first_o), f"≥ 50× {'met' if first_r / first_o >= 50 else 'MISSED'}")
    row("cold start over HTTPS, p90", fmt_ms(percentile(ours["first"], 90)), fmt_ms(percentile(reference["first"], 90)),
        ratio(percentile(reference["first"], 90), percentile(ours["first"], 90)))
    if r.get("floor"):
        floor = statistics.median(r["floor"])
        row("  the same, less the harness floor (busybox wget of /next, on both sides)", fmt_ms(first_o - floor),
            fmt_ms(first_r - floor), ratio(first_r - floor, first_o - floor))
    cpu_o, cpu_r = statistics.median(ours["cpu_ms"]), statistics.median(reference["cpu_ms"])
    row("cold start CPU over HTTPS (user+sys), median", fmt_ms(cpu_o), fmt_ms(cpu_r), ratio(cpu_r, cpu_o))
    rss_o, rss_r = max(ours["rss_kb"]), max(reference["rss_kb"])
    row("peak RSS after the first event over HTTPS (max of the runs)", fmt_mb(rss_o), fmt_mb(rss_r), ratio(rss_r, rss_o),
        f"≤ 16 MiB {'met' if rss_o <= 16 * 1024 else 'MISSED'}")
    rounds = len(ours["first"])
    over_http = first_o / statistics.median(http["first"][:rounds])
    row("  ours: HTTPS cold start ÷ http cold start (medians, same rounds)", f"{over_http:.2f}×", "", "",
        f"≤ 1.5× {'met' if over_http <= 1.5 else 'MISSED'}")
    row("  ours: the same in CPU", f"{cpu_o / statistics.median(http['cpu_ms'][:rounds]):.2f}×", "", "")
    in_zip = stores["in_zip_kb"]
    row("  ours: the zip's store (certs/), in the zip", f"{in_zip['shipped']:.0f} KiB", "", "")
    for label, what, zip_kb in (
            ("ours_tls_bundle", f"the same {stores['bundle_roots']} roots as one bundle file "
                                f"({stores['bundle_kb']} KB, AWS_CA_BUNDLE)", f"{in_zip['bundle']:.0f} KiB"),
            ("ours_tls_system_directory", f"the system's hashed directory ({stores['system_directory_roots']} "
                                          "roots, SSL_CERT_DIR)", "none (not on AL2023)"),
            ("ours_small_bundle", "a 5-certificate bundle (not shipped: a subset breaks when AWS changes CAs)",
             f"{in_zip['small']:.0f} KiB"),
            ("ours_tls_two_hosts", "the zip's store, IAM and EC2 on two hosts as on AWS (two handshakes; "
                                   "the reference always makes two, one per client)", f"{in_zip['shipped']:.0f} KiB")):
        alternative = t[label]
        row(f"  ours over HTTPS with {what}, median (CPU; peak RSS; in the zip)",
            f"{fmt_ms(statistics.median(alternative['first']))} ({fmt_ms(statistics.median(alternative['cpu_ms']))}; "
            f"{fmt_mb(max(alternative['rss_kb']))}; {zip_kb})",
            "", ratio(first_r, statistics.median(alternative["first"])))


def build_table(r: dict) -> list[tuple[str, str, str, str, str]]:
    """Rows: metric, ours, reference, how many times better ours is, target (verdict)."""
    co, cr = r["cold"]["ours"], r["cold"]["reference"]
    wo, wr, wh = r["warm"]["ours"], r["warm"]["reference"], r["warm"].get("reference_hoisted")
    rows = []

    def row(metric, ours, reference, better, target=""):
        rows.append((metric, ours, reference, better, target))

    if r.get("cold_tls"):
        tls_rows(r, row)
    first_o, first_r = statistics.median(co["first"]), statistics.median(cr["first"])
    row("cold start over http, process start → first result, median", fmt_ms(first_o), fmt_ms(first_r),
        ratio(first_r, first_o), f"≥ 40× {'met' if first_r / first_o >= 40 else 'MISSED'}")
    p90_o, p90_r = percentile(co["first"], 90), percentile(cr["first"], 90)
    row("cold start over http, p90", fmt_ms(p90_o), fmt_ms(p90_r), ratio(p90_r, p90_o))
    cpu_o, cpu_r = statistics.median(co["cpu_ms"]), statistics.median(cr["cpu_ms"])
    row("cold start CPU over http (user+sys), median", fmt_ms(cpu_o), fmt_ms(cpu_r), ratio(cpu_r, cpu_o))
    init_o, init_r = statistics.median(co["init"]), statistics.median(cr["init"])
    row("init, process start → first /next, median", fmt_ms(init_o), fmt_ms(init_r), ratio(init_r, init_o),
        f"≤ 5 ms {'met' if init_o <= 5 else 'MISSED'}")
    row("init, p90", fmt_ms(percentile(co["init"], 90)), fmt_ms(percentile(cr["init"], 90)),
        ratio(percentile(cr["init"], 90), percentile(co["init"], 90)))
    if r.get("floor"):
        row("  harness floor: static busybox wget of /next, median (in both figures above)",
            fmt_ms(statistics.median(r["floor"])), "", "")
    io, ir = r["init_cpu"]["ours"], r["init_cpu"]["reference"]
    row("init CPU (user+sys up to the first /next), median", f"{statistics.median(io['cpu_ms']):.2f} ms",
        f"{statistics.median(ir['cpu_ms']):.0f} ms", ratio(statistics.median(ir["cpu_ms"]), statistics.median(io["cpu_ms"])))
    if "floor" in r["init_cpu"]:
        row("  harness floor: the same for static busybox wget", f"{statistics.median(r['init_cpu']['floor']['cpu_ms']):.2f} ms",
            "", "")
    row("init page faults (minor), median", f"{statistics.median(io['minflt']):.0f}",
        f"{statistics.median(ir['minflt']):.0f}", ratio(statistics.median(ir["minflt"]), statistics.median(io["minflt"])))
    lat_o, lat_r = statistics.median(wo["latency"]), statistics.median(wr["latency"])
    row(f"warm latency per launch event, median (n = {len(wo['latency'])} / {len(wr['latency'])})",
        fmt_ms(lat_o), fmt_ms(lat_r), ratio(lat_r, lat_o))
    row("warm latency, p90", fmt_ms(percentile(wo["latency"], 90)), fmt_ms(percentile(wr["latency"], 90)),
        ratio(percentile(wr["latency"], 90), percentile(wo["latency"], 90)))
    cpu_o, cpu_r = wo["cpu_ns_per_event"] / 1e6, wr["cpu_ns_per_event"] / 1e6
    row("client CPU per warm event (user+sys, process CPU clock)", f"{cpu_o:.3f} ms", f"{cpu_r:.2f} ms", ratio(cpu_r, cpu_o),
        f"≤ 1 ms {'met' if cpu_o <= 1 else 'MISSED'}")
    row("client CPU per warm event (user+sys, /proc stat ticks)", f"{wo['cpu_ms_per_event']:.3f} ms",
        f"{wr['cpu_ms_per_event']:.2f} ms", ratio(wr["cpu_ms_per_event"], wo["cpu_ms_per_event"]))
    if wh:
        row("  reference with clients made once per process (not the seed)", "",
            f"{statistics.median(wh['latency']):.2f} ms latency, {wh['cpu_ns_per_event'] / 1e6:.2f} ms CPU",
            ratio(wh["cpu_ns_per_event"], wo["cpu_ns_per_event"]) + " (CPU)")
    rss_o, rss_r = wo["peak_rss_kb"], wr["peak_rss_kb"]
    row("peak RSS (VmHWM) after the warm events", fmt_mb(rss_o), fmt_mb(rss_r), ratio(rss_r, rss_o),
        f"≤ 16 MiB {'met' if rss_o <= 16 * 1024 else 'MISSED'}")
    s = r["sizes"]
    row("deployment zip", fmt_mb(s["ours_zip"], "b"), fmt_mb(s["reference_zip"], "b"),
        ratio(s["reference_zip"], s["ours_zip"]), f"≤ 10 MB {'met' if s['ours_zip'] <= 10_000_000 else 'MISSED'}")
    row("deployment unzipped", fmt_mb(s["ours_unzipped"], "b"), fmt_mb(s["reference_unzipped"], "b"),
        ratio(s["reference_unzipped"], s["ours_unzipped"]))
    cold_calls_o = statistics.median(len(c) for c in co["calls"])
    cold_calls_r = statistics.median(len(c) for c in cr["calls"])
    row("AWS calls per launch event, cold", f"{cold_calls_o:g} ({_actions(co['calls'][0])})",
        f"{cold_calls_r:g} ({_actions(cr['calls'][0])})", ratio(cold_calls_r, cold_calls_o))
    row("AWS calls per launch event, warm", f"{wo['calls_per_event']:g}", f"{wr['calls_per_event']:g}",
        ratio(wr["calls_per_event"], wo["calls_per_event"]),
        f"≤ 2 {'met' if wo['calls_per_event'] <= 2 else 'MISSED'}")
    row("AWS calls / writes on a replayed event", f"{len(wo['replay_calls'])} / {writes(wo['replay_calls'])}",
        f"{len(wr['replay_calls'])} / {writes(wr['replay_calls'])}", "",
        f"0 writes {'met' if writes(wo['replay_calls']) == 0 else 'MISSED'}")
    g = r["sigv4"]
    so, sr = g["ours"]["signatures_per_second"], g["reference"]["signatures_per_second"]
    row("SigV4 signatures per second (one thread, warm)", f"{so:,} ({g['ours']['median_ns'] / 1000:.1f} µs)",
        f"{sr:,} ({g['reference']['median_ns'] / 1000:.1f} µs)", ratio(so, sr),
        f"≤ 10 µs {'met' if g['ours']['median_ns'] <= 10_000 else 'MISSED'}")
    ro, rr = r["reconcile"]["ours"], r["reconcile"]["reference"]
    row(f"reconcile {r['fleet']:,} instances: time (warm process)", f"{ro['seconds']:.2f} s", f"{rr['seconds']:.1f} s",
        ratio(rr["seconds"], ro["seconds"]))
    row("reconcile: function CPU", f"{ro['cpu_seconds']:.2f} s", f"{rr['cpu_seconds']:.1f} s",
        ratio(rr["cpu_seconds"], ro["cpu_seconds"]))
    pages = sum(1 for call in ro["calls"] if call.endswith(":DescribeInstances"))
    full_pages = -(-r["fleet"] // 1000)
    row("reconcile: AWS calls", f"{len(ro['calls'])} ({_actions(ro['calls'])})",
        f"{len(rr['calls'])} ({_actions(rr['calls'])})", ratio(len(rr["calls"]), len(ro["calls"])),
        f"{full_pages} pages {'met' if pages == full_pages else 'MISSED'}")
    row("reconcile: peak RSS", fmt_mb(ro["peak_rss_kb"]), fmt_mb(rr["peak_rss_kb"]),
        ratio(rr["peak_rss_kb"], ro["peak_rss_kb"]), f"≤ 24 MiB {'met' if ro['peak_rss_kb'] <= 24 * 1024 else 'MISSED'}")
    return rows


def _actions(calls: list[str]) -> str:
    counts: dict[str, int] = {}
    for call in calls:
        action = call.split(":", 1)[1]
        counts[action] = counts.get(action, 0) + 1
    return ", ".join(f"{n} {a}" if n > 1 else a for a, n in counts.items()) or "none"


def markdown_table(rows) -> str:
    lines = ["| metric | ours | reference (seed, boto3) | ours better by | target |",
             "|---|---:|---:|---:|---|"]
    lines += [f"| {' | '.join(cells)} |" for cells in rows]
    return "\n".join(lines)


def text_table(rows) -> str:
    headers = ("metric", "ours", "reference", "better by", "target")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}, Linux {platform.release()}"


def write_results(path: str, rows, r: dict, command: str) -> None:
    analysis = ""
    if os.path.exists(path):
        text = open(path, encoding="utf-8").read()
        if ANALYSIS_MARKER in text:
            analysis = text[text.index(ANALYSIS_MARKER):]
    co, cr = r["cold"]["ours"], r["cold"]["reference"]
    body = f"""# Benchmark: aws-userid-tagger vs the seed's boto3 handler

Written by `make bench` (bench/run.py); the section after the marker below is
analysis kept across runs.

- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}
- machine: {machine()}
- command: `{command}`
- ours: `{r['zip']}` unpacked on `/var/task`, `bootstrap` started as Lambda does ({r['ours_form']})
- reference: bench/reference/handler.py under `python -m awslambdaric` ({r['python']}), boto3 {r['boto3']}
- both: the same local Runtime API (checks/lib/runtime_api.py) and the same local EC2/IAM stand-in
  (bench/standin.py: bodies synthesised from a recorded real-AWS response, {r['fleet']:,}-instance fleet)
- cold start: {len(co['first'])} / {len(cr['first'])} fresh processes, sides interleaved in random order
  (the first {len(r['cold_tls']['ours_tls']['first']) if r.get('cold_tls') else 0} rounds also over HTTPS, in the same rounds:
  ours with the zip's store and three alternatives, the reference with the same roots as a bundle)
- load average (1, 5, 15 min) before the run: {' '.join(r['load'][0])}, after: {' '.join(r['load'][1])};
  other builds and tests of the team may have been running on the same 2 cores

{markdown_table(rows)}

"Ours better by" is reference ÷ ours (ours ÷ reference for signatures per second).
Cold-start samples (ms, process start → first result), ours: {', '.join(f'{v:.1f}' for v in sorted(co['first']))}
Reference: {', '.join(f'{v:.0f}' for v in sorted(cr['first']))}

"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(body + (analysis or ANALYSIS_MARKER + "\n"))


# -- main --------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zip", default=os.path.join(ROOT, "dist", "function.zip"))
    parser.add_argument("--reference-python", required=True)
    parser.add_argument("--sigv4-benchmark", required=True)
    parser.add_argument("--cold-runs", type=int, default=30)
    parser.add_argument("--warm-events", type=int, default=300)
    parser.add_argument("--reference-warm-events", type=int, default=60)
    parser.add_argument("--tls-runs", type=int, default=30, help="of the cold-start rounds, how many also go over HTTPS (0: none)")
    parser.add_argument("--fleet", type=int, default=10_000)
    parser.add_argument("--results", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--scratch", default=os.path.join(ROOT, ".build-bench", "bench-run"))
    parser.add_argument("--json", help="also write every sample here")
    parser.add_argument("--command", default="make bench", help="the command to quote in RESULTS.md")
    options = parser.parse_args()
    options.reference_python = os.path.abspath(options.reference_python)
    options.sigv4_benchmark = os.path.abspath(options.sigv4_benchmark)
    options.zip = os.path.abspath(options.zip)

    if os.geteuid() == 0 and os.environ.get("BENCH_IN_NAMESPACE") != "1" and shutil.which("unshare"):
        # A private mount namespace, so /var/task can be bind-mounted for this run only.
        os.environ["BENCH_IN_NAMESPACE"] = "1"
        os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", sys.executable, "-m", "bench.run",
                              *sys.argv[1:]])

    if not os.path.exists(options.zip):
        parser.error(f"no {options.zip}: run `make package` first")
    os.makedirs(options.scratch, exist_ok=True)
    random.seed()
    load_before = open("/proc/loadavg").read().split()[:3]
    standin = StandInProcess(options.fleet)
    try:
        unpacked = unpack(options.zip, options.scratch)
        tls = None
        if options.tls_runs:
            if not (shutil.which("openssl") and os.path.isdir(os.path.join(unpacked, "certs"))):
                parser.error("the HTTPS figures need openssl and a zip with certs/ (or --tls-runs 0)")
            tls = TrustStores(options.scratch, os.path.join(unpacked, "certs"))
        ours = prepare_ours(unpacked, standin.endpoint)
        reference = prepare_reference(options.reference_python, standin.endpoint)
        versions = subprocess.run([options.reference_python, "-c", "import sys, boto3; print(sys.version.split()[0], boto3.__version__)"],
                                  check=True, capture_output=True, text=True).stdout.split()
        r = {"zip": os.path.relpath(options.zip, ROOT), "fleet": options.fleet, "python": f"Python {versions[0]}",
             "boto3": versions[1],
             "ours_form": ours_form(ours, unpacked)}
        log("deployment sizes")
        r["sizes"] = deployment_sizes(options.zip, options.reference_python, options.scratch)
        log("SigV4 signatures per second")
        r["sigv4"] = sigv4(options.sigv4_benchmark, options.reference_python)
        tls_sides, standins, tls_standin = [], {"ours": standin, "reference": standin}, None
        if tls:
            tls_standin = StandInProcess(100, (tls.cert, tls.key))
            endpoint = tls_standin.endpoint
            tls_sides = [over_tls(ours, endpoint, "ours_tls"),  # as on Lambda: the zip's store, no setting
                         over_tls(reference, endpoint, "reference_tls", AWS_CA_BUNDLE=tls.bundle),
                         over_tls(ours, endpoint, "ours_tls_bundle", AWS_CA_BUNDLE=tls.bundle),
                         over_tls(ours, endpoint, "ours_tls_system_directory", SSL_CERT_DIR=tls.system_directory),
                         over_tls(ours, endpoint, "ours_small_bundle", AWS_CA_BUNDLE=tls.small),
                         # IAM through a name, EC2 through the address: two connections, as AWS's two hosts
                         over_tls(ours, endpoint, "ours_tls_two_hosts",
                                  AWS_ENDPOINT_URL_IAM=endpoint.replace("127.0.0.1", "localhost"))]
            standins.update({side.label: tls_standin for side in tls_sides})
            r["tls"] = {"shipped_roots": tls.shipped_roots, "bundle_roots": tls.bundle_roots,
                        "bundle_kb": os.path.getsize(tls.bundle) // 1024,
                        "system_directory_roots": tls.system_directory_roots,
                        "in_zip_kb": store_sizes_in_zip(options.zip, tls)}
        try:
            log(f"cold start: {options.cold_runs} rounds, the first {options.tls_runs} also over HTTPS")
            cold = cold_runs([ours, reference], standins, options.cold_runs, tls_sides, options.tls_runs)
        finally:
            if tls_standin:
                tls_standin.stop()
        r["cold"] = {"ours": cold["ours"], "reference": cold["reference"]}
        if tls_sides:
            r["cold_tls"] = {side.label: cold[side.label] for side in tls_sides}
        r["floor"] = floor_runs(options.cold_runs)
        sides = [ours, reference]
        if shutil.which("busybox"):
            sides.append(Side("floor", [shutil.which("busybox"), "wget", "-q", "-O", "/dev/null",
                                        "http://{api}/2018-06-01/runtime/invocation/next"], "/", {"PATH": "/usr/bin:/bin"}))
        r["init_cpu"] = init_cpu_runs(sides, max(5, options.cold_runs // 2))
        log(f"warm: {options.warm_events} events (ours), {options.reference_warm_events} (reference)")
        r["warm"] = {"ours": warm_runs(ours, standin, options.warm_events),
                     "reference": warm_runs(reference, standin, options.reference_warm_events),
                     "reference_hoisted": warm_runs(reference, standin, options.reference_warm_events,
                                                    {"BENCH_HOIST_CLIENTS": "1"})}
        log(f"reconcile of {options.fleet} instances")
        r["reconcile"] = {"ours": reconcile_run(ours, standin, options.fleet),
                          "reference": reconcile_run(reference, standin, options.fleet)}
    finally:
        standin.stop()
        if os.environ.get("BENCH_IN_NAMESPACE") == "1":
            subprocess.run(["umount", TASK_ROOT], check=False)
    r["load"] = (load_before, open("/proc/loadavg").read().split()[:3])
    rows = build_table(r)
    print(text_table(rows))
    write_results(options.results, rows, r, options.command)
    if options.json:
        with open(options.json, "w") as f:
            json.dump(r, f, indent=1, default=str)
    log(f"wrote {os.path.relpath(options.results, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
