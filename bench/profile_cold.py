"""Instruction profile of the packaged function's cold start, for RESULTS.md:
valgrind's callgrind counts instructions (repeatable on a shared machine, unlike
time). One process under callgrind, one launch event through the local Runtime
API and stand-in of bench/run.py; `callgrind_control --dump` at the first
`GET /next` (init) and at the second (the first event), so each phase lands in
its own profile file. Needs root and valgrind (apt-get install valgrind).

Usage (from the repository root, as root):
    python3 -m bench.profile_cold [--zip dist/function.zip | --binary BIN] [--out .build-bench/profile] [--warm N]
Then: callgrind_annotate --inclusive=yes OUT/callgrind.out.PID.1 | head -60
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys

from bench import run  # the harness: the same sides, stand-in and Runtime API


def main() -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.profile_cold")
    parser.add_argument("--zip", default=os.path.join(run.ROOT, "dist", "function.zip"))
    parser.add_argument("--out", default=os.path.join(run.ROOT, ".build-bench", "profile"))
    parser.add_argument("--binary", help="profile this build instead of the zip's stripped bootstrap, for symbols "
                                         "(e.g. .build-release/release/aws-userid-tagger, which package.sh strips)")
    parser.add_argument("--tls", action="store_true",
                        help="the stand-in over HTTPS, as AWS is, verified with the zip's own store (see run.TrustStores)")
    parser.add_argument("--two-hosts", action="store_true",
                        help="with --tls: IAM through https://localhost:PORT, EC2 through 127.0.0.1, as AWS's two hosts")
    parser.add_argument("--trust", choices=["shipped", "bundle", "system-directory", "small"], default="shipped",
                        help="with --tls: the trust store (run.TrustStores); default the zip's hashed directory")
    parser.add_argument("--warm", type=int, default=20, help="warm events after the first, profiled together")
    options = parser.parse_args()
    if os.environ.get("BENCH_IN_NAMESPACE") != "1":
        os.environ["BENCH_IN_NAMESPACE"] = "1"
        os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", sys.executable, "-m", "bench.profile_cold",
                              *sys.argv[1:]])
    shutil.rmtree(options.out, ignore_errors=True)
    os.makedirs(options.out)
    scratch = os.path.join(run.ROOT, ".build-bench", "bench-run")
    unpacked = run.unpack(os.path.abspath(options.zip), scratch)
    tls = run.TrustStores(scratch, os.path.join(unpacked, "certs")) if options.tls else None
    standin = run.StandInProcess(100, (tls.cert, tls.key) if tls else None)
    try:
        ours = run.prepare_ours(unpacked, standin.endpoint)
        if tls:
            trust = {"shipped": {}, "bundle": {"AWS_CA_BUNDLE": tls.bundle}, "small": {"AWS_CA_BUNDLE": tls.small},
                     "system-directory": {"SSL_CERT_DIR": tls.system_directory}}[options.trust]
            ours = run.over_tls(ours, standin.endpoint, "ours", **trust)
            if options.two_hosts:
                ours.env["AWS_ENDPOINT_URL_IAM"] = standin.endpoint.replace("127.0.0.1", "localhost")
        command = [os.path.abspath(options.binary)] if options.binary else ours.command
        ours.command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={options.out}/callgrind.out.%p",
                        "--dump-instr=no", *command]
        with run.RuntimeAPIServer() as api:
            api.enqueue(run.new_launch_event())
            process = ours.start(api)
            try:
                run.wait_for_next_requests(api, 1, process, timeout=120)
                subprocess.run(["callgrind_control", "--dump=init", str(process.pid)], check=True, capture_output=True)
                run.check_result(ours, api.wait_for_results(1, timeout=120, process=process)[0], "first event", tagged=1)
                run.wait_for_next_requests(api, 2, process, timeout=120)
                subprocess.run(["callgrind_control", "--dump=first-event", str(process.pid)], check=True,
                               capture_output=True)
                for n in range(options.warm):
                    api.enqueue(run.new_launch_event())
                    run.check_result(ours, api.wait_for_results(n + 2, timeout=120, process=process)[-1], "warm",
                                     tagged=1)
                run.wait_for_next_requests(api, options.warm + 2, process, timeout=120)
                subprocess.run(["callgrind_control", f"--dump=warm-{options.warm}", str(process.pid)], check=True,
                               capture_output=True)
            finally:
                process.terminate()
                process.wait()
    finally:
        standin.stop()
        subprocess.run(["umount", run.TASK_ROOT], check=False)
    for path in sorted(glob.glob(os.path.join(options.out, "callgrind.out.*"))):
        totals = subprocess.run(["callgrind_annotate", path], capture_output=True, text=True).stdout
        summary = next((line for line in totals.splitlines() if "PROGRAM TOTALS" in line), "?")
        trigger = next((line for line in open(path, errors="replace") if line.startswith("desc: Trigger")), "").strip()
        print(f"{os.path.relpath(path, run.ROOT)}: {summary.strip()}  ({trigger})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
