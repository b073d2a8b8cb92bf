"""Events at and past Lambda's 6 MB payload limit, through the real binary:
refused as InvalidEvent without being read whole, and the loop goes on."""
import json
import subprocess
import time

from checks.lib import events
from checks.lib.instances import launch
from checks.lib.runtime_api import RuntimeAPIServer

SIX_MB = 6 * 1024 * 1024 - 1024  # just under what Lambda accepts as an asynchronous payload


def huge_event(size):
    event = events.scheduled()
    event["padding"] = ""
    base = len(json.dumps(event))
    event["padding"] = "p" * (size - base)
    return json.dumps(event).encode()


def test_six_megabyte_event_via_invoke_is_refused_quickly(tagger):
    data = huge_event(SIX_MB)
    assert len(data) == SIX_MB
    started = time.monotonic()
    result = tagger.run("invoke", "--event", "-", event=data)
    assert time.monotonic() - started < 5
    assert result.returncode == 2, result.stderr
    assert b"InvalidEvent" in result.stderr and b"more than the 1048576 bytes" in result.stderr, result.stderr[-500:]
    assert tagger.proxy.calls == []


def test_six_megabyte_event_in_the_loop_is_an_error_and_the_next_event_succeeds(binary, tagger, moto):
    ids = launch(moto, 1, created_by="after.huge.event")
    with RuntimeAPIServer() as api:
        process = subprocess.Popen([binary], env=tagger.env(AWS_LAMBDA_RUNTIME_API=api.address),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            big = api.enqueue(huge_event(SIX_MB))
            good = api.enqueue(events.run_instances(ids))
            api.wait_for_results(2, timeout=30, process=process)
            assert api.result_for(big).kind == "error" and api.result_for(big).error_type == "InvalidEvent"
            assert api.result_for(good).kind == "response" and api.result_for(good).json()["tagged"]
            with open(f"/proc/{process.pid}/status") as f:
                peak_kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
            assert peak_kb < 64 * 1024, f"peak RSS {peak_kb} kB after a 6 MB event"
        finally:
            process.kill()
            process.communicate(timeout=10)
