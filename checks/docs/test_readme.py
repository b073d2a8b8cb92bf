"""Every command the README shows is run here (or by `make demo`, which runs
here too), or, for the few that need a real AWS account, checked as far as
a machine without one can: the template by cfn-lint in checks/policies, the
CLI options by the AWS CLI's own parser."""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from checks.lib import events
from checks.lib.instances import ROOT, USERS_ROLE, launch, tags_of

README = (ROOT / "README.md").read_text()


def shell_commands():
    """The commands of the README's ```sh blocks, continuation lines joined, comments dropped."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for command in block.replace("\\\n", " ").splitlines():
            command = command.split("  #")[0].strip()
            if command and not command.startswith("#"):
                commands.append(" ".join(command.split()))
    return commands


# How each README command is verified: run by a test of this file, or checked without AWS.
COVERAGE = [
    (r"make demo", "run: test_make_demo_tags_the_sample_instances"),
    (r"make test", "run: this very test suite is `make test`"),
    (r"make check", "run: `swift test` and folders of this very suite (`make test` runs both)"),
    (r"sam build", "run: checks/sam/test_sam_cli.py, the real SAM CLI with samconfig.toml"),
    (r"sam validate --lint", "run: checks/sam/test_sam_cli.py"),
    (r"sam deploy --guided", "needs AWS: template checked by cfn-lint in checks/policies, sam validate in checks/sam"),
    (r"aws ssm start-session --target \S+", "needs AWS: options checked by test_aws_cli_knows_the_options"),
    (r"aws-userid-tagger (invoke|reconcile|--help).*", "run: test_command_line_examples"),
    (r"python3 checks/lib/runtime_api.py .*&", "run: test_run_it_like_lambda"),
    (r"AWS_LAMBDA_RUNTIME_API=.* \.build/debug/aws-userid-tagger", "run: test_run_it_like_lambda"),
    (r"QUEUE_URL=\$\(aws cloudformation describe-stacks .*\)", "run: test_failure_queue_replay, against moto"),
    (r"aws sqs (receive|delete)-message .*", "run: test_failure_queue_replay, against moto"),
    (r"jq .* \| aws-userid-tagger invoke --event -", "run: test_failure_queue_replay, against moto"),
]


def test_every_readme_command_is_covered():
    commands = shell_commands()
    assert len(commands) >= 10, commands
    uncovered = [c for c in commands if not any(re.fullmatch(pattern, c) for pattern, _ in COVERAGE)]
    assert uncovered == [], f"README commands no check runs: {uncovered}"


def test_make_demo_tags_the_sample_instances(binary):
    result = subprocess.run([sys.executable, "-m", "scripts.demo", "--binary", binary],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout
    after = result.stdout.split("Tags after:")[1]
    assert after.count("AwsUserId=AROA") == 2, result.stdout
    assert "tim.malone@example.org" in after and "Bob Smith" in after
    assert "moto stopped." in result.stdout


def test_command_line_examples(tagger, moto):
    launch(moto, 1, created_by="readme.example")
    for command in shell_commands():
        if not command.startswith("aws-userid-tagger "):
            continue
        result = tagger.run(*shlex.split(command)[1:])
        assert result.returncode == 0, (command, result.stderr)
        if "--help" not in command:
            output = json.loads(result.stdout)
            assert {"tagged", "unchanged", "skipped"} <= set(output) and output.get("dryRun") is True, output


def test_run_it_like_lambda(binary, moto, users_role, tmp_path):
    server_command = next(c for c in shell_commands() if c.startswith("python3 checks/lib/runtime_api.py"))
    function_command = next(c for c in shell_commands() if c.startswith("AWS_LAMBDA_RUNTIME_API="))
    port = str(_free_port())
    argv = [sys.executable if word == "python3" else word for word in shlex.split(server_command.rstrip("& ").replace("9001", port))]
    ids = launch(moto, 1, created_by="run.like.lambda")
    # The sample event's placeholder id replaced by a real (moto) instance.
    event = json.loads((ROOT / "events" / "run-instances-one.json").read_text())
    event["detail"]["responseElements"]["instancesSet"]["items"][0]["instanceId"] = ids[0]
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    argv[argv.index("events/run-instances-one.json")] = str(event_file)
    server = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    words = shlex.split(function_command.replace("9001", port))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    for word in words[:-1]:
        name, value = word.split("=", 1)
        env[name] = value
    env.update(AWS_ENDPOINT_URL=moto.endpoint, AWS_ACCESS_KEY_ID=moto.access_key_id,
               AWS_SECRET_ACCESS_KEY=moto.secret_access_key, ROLE_ID=users_role["RoleId"])
    assert words[-1] == ".build/debug/aws-userid-tagger"
    _wait_for_port(int(port))
    function = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = server.communicate(timeout=30)
    finally:
        function.send_signal(signal.SIGKILL)
        function.wait()
    assert server.returncode == 0, err
    outcome = json.loads(out.splitlines()[0])
    assert outcome["outcome"] == "response", outcome
    assert outcome["body"]["tagged"][0]["instanceId"] == ids[0]
    assert tags_of(moto, ids[0])["AwsUserId"] == f"{users_role['RoleId']}:run.like.lambda"


def test_aws_cli_knows_the_options():
    """`aws ssm start-session` and the ssh ProxyCommand's options exist in the AWS CLI pinned for tests."""
    aws = Path(sys.executable).parent / "aws"
    result = subprocess.run([str(aws), "ssm", "start-session", "help"], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PAGER="cat", MANPAGER="cat", AWS_DEFAULT_REGION="us-east-1"))
    assert result.returncode == 0, result.stderr
    for option in ("--target", "--document-name", "--parameters"):
        assert option in result.stdout
    assert "--document-name AWS-StartSSHSession --parameters 'portNumber=%p'" in README


def test_sam_build_target(tmp_path):
    """`sam build` runs `make build-TaggerFunction` with ARTIFACTS_DIR: without it the target refuses clearly."""
    result = subprocess.run(["make", "-s", "--no-print-directory", "-n", "build-TaggerFunction", f"ARTIFACTS_DIR={tmp_path}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "scripts/package.sh" in result.stdout and str(tmp_path) in result.stdout


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port, timeout=10):
    import socket
    import time
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def error_types_in_the_sources():
    """Every errorType the function can report, read from the code: the
    tagger's table, the AWS layer's own codes and the Runtime API layer's."""
    sources = ROOT / "Sources"
    names = set(re.findall(r'static let \w+ = "([A-Za-z.]+)"', (sources / "Tagger" / "ErrorType.swift").read_text()))
    names |= set(re.findall(r'case \.\w+: "([A-Za-z]+)"', (sources / "AWSQuery" / "Query" / "AWSError.swift").read_text()))
    names |= set(re.findall(r'static let \w+Type = "([A-Za-z.]+)"', (sources / "LambdaRuntime" / "RuntimeLoop.swift").read_text()))
    return names


def test_the_troubleshooting_table_names_every_error_type():
    troubleshooting = README.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]
    names = error_types_in_the_sources()
    assert {"InvalidEvent", "InvalidConfiguration", "NetworkError", "Runtime.InvalidInvocation", "Runtime.EventTooLarge"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in troubleshooting)
    assert missing == [], f"README's troubleshooting table lacks {missing}"


def replay_commands():
    """The README's failure-queue commands, in order (one ```sh block)."""
    [block] = [b for b in re.findall(r"```sh\n(.*?)```", README, re.S) if "receive-message" in b]
    return [line for line in block.splitlines() if line.strip()]


def test_failure_queue_replay(binary, moto, users_role, tmp_path):
    """The README's replay commands, run as written by the pinned AWS CLI and
    jq against moto, on the two kinds of message the failure queue gets."""
    jq = shutil.which("jq")
    assert jq, "jq is not installed (apt-get install -y jq)"
    # The stack, as far as the commands see it: its FailureQueueUrl output.
    stack_name = re.search(r"--stack-name (\S+)", replay_commands()[0]).group(1)
    template = {"Resources": {"FailureQueue": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {"FailureQueueUrl": {"Value": {"Ref": "FailureQueue"}}}}
    # The AWS CLI (v1) sends SQS calls for the regions it lists
    # (awscli/customizations/overridesslcommonname.py) to their legacy hosts,
    # whatever AWS_ENDPOINT_URL says: the stack sits in a region it does not
    # list. The instances stay in us-east-1, where their events say they are.
    region = "eu-central-2"
    cloudformation = moto.client("cloudformation", region)
    cloudformation.create_stack(StackName=stack_name, TemplateBody=json.dumps(template))
    sqs = moto.client("sqs", region)
    [queue_url] = [o["OutputValue"] for o in cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]["Outputs"]
                   if o["OutputKey"] == "FailureQueueUrl"]
    from_lambda, from_eventbridge = launch(moto, 1, created_by="replayed.lambda"), launch(moto, 1, created_by="replayed.rule")
    # Lambda's on-failure destination sends an invocation record around the
    # event (the shape of "Capturing records of Lambda asynchronous
    # invocations", AWS Lambda Developer Guide, example invocation record).
    record = {"version": "1.0", "timestamp": "2026-11-25T10:06:05.568Z",
              "requestContext": {"requestId": "e4b46cbf-b738-4a1e-8880-a18cdf61200e",
                                 "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:tagger-TaggerFunction-AbC:$LATEST",
                                 "condition": "RetriesExhausted", "approximateInvokeCount": 3},
              "requestPayload": events.run_instances(from_lambda),
              "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
              "responsePayload": {"errorMessage": "ec2:CreateTags: throttled", "errorType": "RequestLimitExceeded"}}
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(record))
    # EventBridge's dead-letter queue gets the event itself, the reason in
    # attributes ("Using dead-letter queues to process undelivered events",
    # Amazon EventBridge User Guide).
    attribute = lambda value: {"DataType": "String", "StringValue": value}  # noqa: E731
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(events.run_instances(from_eventbridge)),
                     MessageAttributes={"RULE_ARN": attribute("arn:aws:events:us-east-1:123456789012:rule/r"),
                                        "TARGET_ARN": attribute("arn:aws:lambda:us-east-1:123456789012:function:f"),
                                        "ERROR_CODE": attribute("NO_PERMISSIONS"),
                                        "ERROR_MESSAGE": attribute("Lambda denied the invocation")})
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "aws-userid-tagger").symlink_to(binary)
    env = moto.environment(PATH=os.pathsep.join([str(tools), str(Path(sys.executable).parent), os.environ["PATH"]]),
                           ROLE_NAME=USERS_ROLE, AWS_REGION=region, AWS_DEFAULT_REGION=region, AWS_EC2_METADATA_DISABLED="true",
                           AWS_PAGER="")
    script = "set -euo pipefail\n" + "\n".join(replay_commands()) + "\n"
    for _ in range(2):
        result = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert json.loads(result.stdout)["tagged"], result.stdout
    assert tags_of(moto, from_lambda[0])["AwsUserId"] == f"{users_role['RoleId']}:replayed.lambda"
    assert tags_of(moto, from_eventbridge[0])["AwsUserId"] == f"{users_role['RoleId']}:replayed.rule"
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert (attributes["ApproximateNumberOfMessages"], attributes["ApproximateNumberOfMessagesNotVisible"]) == ("0", "0")


def section(title):
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_operate_explains_every_alarm_and_metric():
    from cfnlint.decode import decode_str

    operate = section("Operate")
    template, _ = decode_str((ROOT / "template.yaml").read_text())
    alarms = [i for i, r in template["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == 4
    missing = [name for name in alarms if f"| `{name}` |" not in operate]
    assert missing == [], f"README's Operate section does not explain {missing}"
    emitted = set(re.findall(r'\("([A-Za-z]+)", "(?:Count|Milliseconds)"',
                             (ROOT / "Sources" / "Tagger" / "Service" / "InvocationMetrics.swift").read_text()))
    assert {"Tagged", "Failed", "SweepCorrections", "SweepDuration"} <= emitted
    assert sorted(m for m in emitted if f"`{m}`" not in operate) == []
    assert "_X_AMZN_TRACE_ID" in operate
    assert "_X_AMZN_TRACE_ID" in (ROOT / "Sources" / "LambdaRuntime" / "RuntimeLoop.swift").read_text()


def parameter_rows():
    """The Deploy section's parameter table: name -> (what it sets, default cell)."""
    rows = re.findall(r"^\| `(\w+)` \| (.+) \| (.+) \|$", section("Deploy"), re.M)
    return {name: (meaning, default) for name, meaning, default in rows}


def test_every_template_parameter_is_documented_with_its_default():
    from cfnlint.decode import decode_str

    template, _ = decode_str((ROOT / "template.yaml").read_text())
    parameters = template["Parameters"]
    rows = parameter_rows()
    assert sorted(set(parameters) - set(rows)) == [], "template.yaml parameters the README's Deploy table lacks"
    assert sorted(set(rows) - set(parameters)) == [], "README rows for parameters template.yaml no longer has"
    for name, parameter in parameters.items():
        default = rows[name][1]
        if "Default" not in parameter:
            assert default == "required", name
        elif parameter["Default"] == "":
            assert default.startswith("empty"), name
        else:
            assert default.startswith(f"`{parameter['Default']}`"), (name, parameter["Default"], default)
    assert "must exist" in rows["AttachUsersPolicy"][0], "AttachUsersPolicy=true fails without the users' role"
