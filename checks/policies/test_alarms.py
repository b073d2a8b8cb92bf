"""The alarms of template.yaml, central.yaml and stackset.yaml: each watches
the metric it means to, with the dimensions that metric really has (the
function's own SweepCorrections as the binary writes it: see
checks/e2e/test_metrics.py), and notifies the optional topic."""
import re

import pytest
from cfnlint.decode import decode_str

from checks.lib.instances import ROOT

TEMPLATES = ["template.yaml", "central.yaml", "stackset.yaml"]
NOTIFY = {"Fn::If": ["Notify", [{"Ref": "NotificationTopicArn"}], {"Ref": "AWS::NoValue"}]}
FUNCTION = [{"Name": "FunctionName", "Value": {"Ref": "TaggerFunction"}}]
# (namespace, metric) -> (dimensions, statistic, how missing data is treated)
EXPECTED = {
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): (
        [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["FailureQueue", "QueueName"]}}], "Maximum", "ignore"),
    ("AWS/Lambda", "Errors"): (FUNCTION, "Sum", "notBreaching"),
    ("AWS/Lambda", "Throttles"): (FUNCTION, "Sum", "notBreaching"),
    ("MetricsNamespace", "SweepCorrections"): (FUNCTION, "Maximum", "notBreaching"),
}
SWIFT_METRICS = (ROOT / "Sources" / "Tagger" / "Service" / "InvocationMetrics.swift").read_text()


def load(name):
    template, matches = decode_str((ROOT / name).read_text())
    assert not matches, matches
    return template


def alarms(template):
    return {logical_id: resource["Properties"] for logical_id, resource in template["Resources"].items()
            if resource["Type"] == "AWS::CloudWatch::Alarm"}


def namespace_of(properties):
    namespace = properties["Namespace"]
    return namespace["Ref"] if isinstance(namespace, dict) else namespace


@pytest.mark.parametrize("name", TEMPLATES)
def test_one_alarm_for_each_way_the_control_can_fail_silently(name):
    found = {(namespace_of(p), p["MetricName"]): p for p in alarms(load(name)).values()}
    assert set(found) == set(EXPECTED)
    for key, properties in found.items():
        dimensions, statistic, missing = EXPECTED[key]
        assert properties["Dimensions"] == dimensions, key
        assert properties["Statistic"] == statistic, key
        # Any one message, error, throttle or correction is worth a look.
        assert (properties["ComparisonOperator"], properties["Threshold"]) == ("GreaterThanThreshold", 0), key
        assert properties["EvaluationPeriods"] == 1 and properties["Period"] == 300, key
        assert properties["TreatMissingData"] == missing, key
        assert properties["AlarmActions"] == NOTIFY, key
        assert "AlarmName" not in properties, "a fixed name collides with a second stack"
        # The guard (policies/guard/scp-protection.json) finds them by this tag.
        assert properties["Tags"] == [{"Key": "aws-userid-tagger", "Value": "protected"}], key
        assert properties["AlarmDescription"].strip()


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_topic_is_optional(name):
    template = load(name)
    assert template["Conditions"]["Notify"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "NotificationTopicArn"}, ""]}]}
    parameter = template["Parameters"]["NotificationTopicArn"]
    assert parameter["Default"] == ""
    pattern = parameter["AllowedPattern"]
    for arn in ["", "arn:aws:sns:eu-west-1:111122223333:security-alerts", "arn:aws-us-gov:sns:us-gov-west-1:111122223333:a_b-c"]:
        assert re.fullmatch(pattern, arn), arn
    for arn in ["security-alerts", "arn:aws:sqs:eu-west-1:111122223333:q", "arn:aws:sns:eu-west-1:1111:t"]:
        assert not re.fullmatch(pattern, arn), arn


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_sweep_alarm_watches_the_metric_the_function_writes(name):
    template = load(name)
    [properties] = [p for p in alarms(template).values() if p["MetricName"] == "SweepCorrections"]
    # The namespace the alarm reads is the one the function is told to write to.
    function = template["Resources"]["TaggerFunction"]
    assert properties["Namespace"] == function["Properties"]["Environment"]["Variables"]["METRICS_NAMESPACE"]
    # The metric and its one dimension set, as InvocationMetrics.swift writes them
    # (the e2e check reads the binary's records: FunctionName is AWS_LAMBDA_FUNCTION_NAME).
    assert '"SweepCorrections"' in SWIFT_METRICS
    assert re.findall(r'\\"Dimensions\\":\[(\[[^]]*\])\]', SWIFT_METRICS) == ['[\\"FunctionName\\"]']
    # Ref of the function is its name, which Lambda gives the function as AWS_LAMBDA_FUNCTION_NAME.
    assert function["Type"] in ("AWS::Serverless::Function", "AWS::Lambda::Function")
    assert "FunctionName" not in function["Properties"], "the name is CloudFormation's, read through Ref"


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_queue_alarm_watches_the_queue_every_failure_goes_to(name):
    resources = load(name)["Resources"]
    on_failure = resources["TaggerFunctionEventInvokeConfig"]["Properties"]["DestinationConfig"]["OnFailure"]
    assert on_failure["Destination"] == {"Fn::GetAtt": ["FailureQueue", "Arn"]}
    for rule in [r for r in resources.values() if r["Type"] == "AWS::Events::Rule"]:
        for target in rule["Properties"]["Targets"]:
            assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["FailureQueue", "Arn"]}
