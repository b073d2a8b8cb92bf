"""The embedded metric format records of the real binary under the Runtime
API, in both of Lambda's log formats: one record per invocation, valid by
the specification (checks/lib/emf.py), in the namespace METRICS_NAMESPACE
names, under the dimension FunctionName = AWS_LAMBDA_FUNCTION_NAME (what the
templates' SweepCorrections alarm watches), with values equal to the counts
of the invocation's result."""
import json
import re
import subprocess
import time

import pytest
from cfnlint.decode import decode_str

from checks.lib import emf, events
from checks.lib.instances import ROOT, launch, tags_of
from checks.lib.runtime_api import RuntimeAPIServer

# A name as CloudFormation makes one for a function without FunctionName.
FUNCTION_NAME = "tagger-TaggerFunction-AbCdEf123456"
COUNTS = ["Tagged", "Unchanged", "Skipped", "Revoked", "Ignored", "Failed"]


def expected_values(result):
    """The metric values an invocation's outcome should produce."""
    if result.kind == "error":
        return {name: (1 if name == "Failed" else 0) for name in COUNTS}
    body = result.json()
    values = {name: len(body.get(name.lower(), [])) for name in ["Tagged", "Unchanged", "Skipped", "Revoked"]}
    values.update(Ignored=1 if "ignored" in body else 0, Failed=0)
    return values


def run_function(binary, tagger, env, payloads):
    """The binary served `payloads` in order; its results and its log lines."""
    with RuntimeAPIServer() as api:
        process = subprocess.Popen([binary], env=tagger.env(AWS_LAMBDA_RUNTIME_API=api.address,
                                                            AWS_LAMBDA_FUNCTION_NAME=FUNCTION_NAME,
                                                            AWS_EC2_METADATA_DISABLED="true", **env),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            ids = [api.enqueue(payload) for payload in payloads]
            api.wait_for_results(len(ids), timeout=60, process=process)
            results = [api.result_for(request_id) for request_id in ids]
        finally:
            process.kill()
            _, err = process.communicate(timeout=10)
    return ids, results, err.decode().splitlines()


@pytest.fixture(scope="module")
def units():
    return emf.standard_units()


@pytest.mark.parametrize("log_format,namespace", [("JSON", "Security/aws-userid-tagger-e2e"), ("Text", None)])
def test_each_invocation_writes_one_valid_record_with_its_counts(binary, tagger, moto, users_role, units,
                                                                 log_format, namespace):
    launched = launch(moto, 2, created_by="metrics.user")
    # Missed by every event: the sweep has to tag the first and revoke the
    # second (an AwsUserId no CreatedBy backs).
    missed = launch(moto, 1, created_by="metrics.missed")
    stale = launch(moto, 1, extra_tags={"AwsUserId": "AROAEXAMPLEID1234567:nobody"})
    payloads = [
        events.run_instances(launched),                                        # tagged 2
        events.run_instances(launched),                                        # unchanged 2: a replay
        events.run_instances(launched, error_code="Client.UnauthorizedOperation"),  # ignored
        b'{"detail-type": ',                                                    # a function error
        events.scheduled(),                                                     # a sweep with corrections
    ]
    env = {"AWS_LAMBDA_LOG_FORMAT": log_format}
    if namespace:
        env["METRICS_NAMESPACE"] = namespace
    started_ms = time.time() * 1000
    ids, results, lines = run_function(binary, tagger, env, payloads)
    ended_ms = time.time() * 1000

    assert [r.kind for r in results] == ["response"] * 3 + ["error", "response"], [r.body for r in results]
    assert results[1].json()["unchanged"] and "ignored" in results[2].json()
    sweep = results[4].json()
    assert missed[0] in [t["instanceId"] for t in sweep["tagged"]], sweep
    assert stale[0] in [r["instanceId"] for r in sweep.get("revoked", [])], sweep
    assert tags_of(moto, missed[0])["AwsUserId"] == f"{users_role['RoleId']}:metrics.missed"

    records = [line for line in lines if emf.is_record(line)]
    assert len(records) == len(payloads), lines
    if log_format == "Text":
        # Every other line is text; the records are whole JSON lines among them.
        assert all(line.startswith("{") for line in records)
        assert any(not line.startswith("{") for line in lines)
    for request_id, result, line in zip(ids, results, records):
        assert emf.problems(line, units) == [], line
        record = json.loads(line)
        assert started_ms - 1000 <= record["_aws"]["Timestamp"] <= ended_ms + 1000
        if log_format == "JSON":
            # A JSON log line too: Lambda's level filter and the request id apply to it.
            assert record["requestId"] == request_id and record["level"] == "INFO", record
        extracted = emf.metrics(record)
        dimensions = (("FunctionName", FUNCTION_NAME),)
        wanted_namespace = namespace or "aws-userid-tagger"
        assert {key[0] for key in extracted} == {wanted_namespace}
        assert {key[1] for key in extracted} == {dimensions}
        values = {name: value for (_, _, name), (value, _) in extracted.items()}
        assert {name: values[name] for name in COUNTS} == expected_values(result), (line, result.body)
        assert all(extracted[(wanted_namespace, dimensions, name)][1] == "Count" for name in COUNTS)
        if result.kind == "error":
            assert record["errorType"] == result.error_type == "InvalidEvent"
    # Only a sweep reports sweep metrics: corrections are what it tagged or revoked.
    for record in map(json.loads, records[:4]):
        assert "SweepCorrections" not in record and "SweepDuration" not in record
    swept = json.loads(records[4])
    assert swept["SweepCorrections"] == len(sweep["tagged"]) + len(sweep.get("revoked", [])) >= 2
    definitions = {d["Name"]: d.get("Unit") for d in swept["_aws"]["CloudWatchMetrics"][0]["Metrics"]}
    assert definitions["SweepCorrections"] == "Count" and definitions["SweepDuration"] == "Milliseconds"
    assert swept["SweepDuration"] >= 0


def test_the_validator_finds_what_breaks_the_specification(units):
    good = {"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "n", "Dimensions": [["FunctionName"]],
                                                            "Metrics": [{"Name": "Tagged", "Unit": "Count"}]}]},
            "FunctionName": "f", "Tagged": 1}
    assert emf.problems(json.dumps(good), units) == []
    broken = {
        "text before the object": "tagged " + json.dumps(good),
        "no timestamp": {**good, "_aws": {"CloudWatchMetrics": good["_aws"]["CloudWatchMetrics"]}},
        "a unit CloudWatch does not have": json.loads(json.dumps(good).replace('"Count"', '"Things"')),
        "a metric value that is a string": {**good, "Tagged": "1"},
        "a dimension missing from the root": {k: v for k, v in good.items() if k != "FunctionName"},
    }
    for what, record in broken.items():
        line = record if isinstance(record, str) else json.dumps(record)
        assert emf.problems(line, units), what


def _template(name):
    template, matches = decode_str((ROOT / name).read_text())
    assert not matches
    return template


SWIFT_METRICS = (ROOT / "Sources" / "Tagger" / "Service" / "InvocationMetrics.swift").read_text()


@pytest.mark.parametrize("name", ["template.yaml", "central.yaml", "stackset.yaml"])
def test_the_templates_pass_the_namespace_the_binary_defaults_to(name):
    template = _template(name)
    [default] = re.findall(r'static let defaultNamespace = "([^"]+)"', SWIFT_METRICS)
    assert template["Parameters"]["MetricsNamespace"]["Default"] == default
    variables = template["Resources"]["TaggerFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["METRICS_NAMESPACE"] == {"Ref": "MetricsNamespace"}


@pytest.mark.parametrize("namespace", ["aws-userid-tagger", "Security/Tagger#1:x_y.z", "x" * 255,
                                       "AWS/Lambda", "has space", "x" * 256, "ümlaut", "semi;colon"])
def test_the_template_accepts_exactly_the_namespaces_the_binary_accepts(tagger, namespace):
    # CloudFormation's AllowedPattern (Java regular expressions; this one means
    # the same in Python's) against the binary's own validation at start.
    pattern = _template("template.yaml")["Parameters"]["MetricsNamespace"]["AllowedPattern"]
    template_accepts = re.fullmatch(pattern, namespace) is not None
    event = json.dumps(events.run_instances(["i-0123456789abcdef0"], error_code="Client.UnauthorizedOperation")).encode()
    result = tagger.run("invoke", "--event", "-", event=event, METRICS_NAMESPACE=namespace,
                        AWS_EC2_METADATA_DISABLED="true")
    binary_accepts = result.returncode == 0
    assert binary_accepts == template_accepts, (namespace, result.returncode, result.stderr)
    if not binary_accepts:
        assert result.returncode == 2 and b"METRICS_NAMESPACE" in result.stderr
