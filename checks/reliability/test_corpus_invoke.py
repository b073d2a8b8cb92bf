"""Every event of the bad-input corpus (Tests/Corpus) through the real binary's
`invoke`, with the proxy standing in for EC2: the exit code is the expected one
(2 for InvalidEvent, 0 otherwise, never a signal), stdout is one JSON document,
every log line is JSON, and the CreateTags sent are exactly the manifest's
`writes`. Tests/CorpusTests checks the same files in-process; this checks the
executable around them (reading stdin, output and log encoding)."""
import json
import os
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from checks.lib.aws_proxy import Fault

CORPUS = Path(__file__).resolve().parents[2] / "Tests" / "Corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
EVENT_CASES = [c for c in MANIFEST["cases"] if c["file"].endswith(".json")]


def xml_text_allowed(value):
    return all(ch in "\t\n\r" or 0x20 <= ord(ch) <= 0xD7FF or 0xE000 <= ord(ch) <= 0xFFFD or ord(ch) >= 0x10000 for ch in value)


def stand_in(proxy, created_by):
    def describe(params):
        ids = [v for k, v in params.items() if k.startswith("InstanceId.")]
        tag = ""
        if created_by is not None and xml_text_allowed(created_by):
            # Numeric references keep tabs and newlines as they are (a literal one would be read back the same).
            value = escape(created_by).replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
            tag = f"<tagSet><item><key>CreatedBy</key><value>{value}</value></item></tagSet>"
        items = "".join(f"<item><instanceId>{i}</instanceId><instanceState><name>running</name></instanceState>{tag}</item>" for i in ids)
        return Fault(200, "<DescribeInstancesResponse><reservationSet><item><instancesSet>"
                          f"{items}</instancesSet></item></reservationSet></DescribeInstancesResponse>")

    proxy.upstream = None
    proxy.answer("DescribeInstances", describe)
    proxy.answer("CreateTags", lambda params: Fault(200, "<CreateTagsResponse><return>true</return></CreateTagsResponse>"))


@pytest.mark.parametrize("case", EVENT_CASES, ids=[c["file"].split("/", 1)[1] for c in EVENT_CASES])
def test_corpus_event_through_invoke(binary, proxy, case):
    expect = case["expect"]
    stand_in(proxy, expect.get("createdBy"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="AKIDCORPUS", AWS_SECRET_ACCESS_KEY="corpus-secret", AWS_REGION=MANIFEST["region"],
               AWS_ENDPOINT_URL=proxy.endpoint, ROLE_ID=MANIFEST["roleId"], ROLE_NAME=MANIFEST["roleName"],
               AWS_LAMBDA_LOG_FORMAT="JSON", AWS_MAX_ATTEMPTS="1")
    if case.get("config") == "trusted":
        env["TRUSTED_LAUNCHERS"] = ",".join(MANIFEST["trustedLaunchers"])
    data = (CORPUS / case["file"]).read_bytes()
    result = subprocess.run([binary, "invoke", "--event", "-", "--timeout", "10"], input=data, capture_output=True,
                            env=env, timeout=30)

    assert result.returncode >= 0, f"killed by signal {-result.returncode}"
    for line in result.stderr.decode("utf-8").splitlines():
        json.loads(line)  # every log line is one JSON object, whatever the input held
    if expect["outcome"] == "invalidEvent":
        assert result.returncode == 2, result.stderr
        assert b'"errorType":"InvalidEvent"' in result.stderr
        assert result.stdout == b"" and proxy.calls == []
        return
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert set(output) >= {"tagged", "unchanged", "skipped"}, output
    if expect["outcome"] == "ignore":
        assert proxy.calls == [], proxy.actions()
    if expect["outcome"] == "tag":
        ids = {v for c in proxy.calls if c.action == "DescribeInstances" for k, v in c.params.items() if k.startswith("InstanceId.")}
        assert len(ids) == expect["instances"]
    if "writes" in expect:
        sent = [(c.params["Tag.1.Value"], len([k for k in c.params if k.startswith("ResourceId.")]))
                for c in proxy.calls if c.action == "CreateTags"]
        assert sent == [tuple(w) for w in expect["writes"]], sent
