"""template.yaml: one policy text with policies/, and cfn-lint clean."""

import json
import pathlib
import re
import subprocess
import sys

import pytest

from policies import render

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent

TEMPLATE = ROOT / "template.yaml"


def template_text():
    return TEMPLATE.read_text()


def test_template_blocks_are_rendered_from_the_policy_files():
    text = template_text()
    assert render.render_template(text) == text, "template.yaml is stale: run python3 policies/render.py"


def test_template_embeds_the_function_users_and_boundary_policies():
    assert set(render.generated_blocks(template_text())) == {
        "policies/function-role.json",
        "policies/users-role.json",
        "policies/guard/users-permissions-boundary.json",
    }


@pytest.mark.parametrize("path", sorted(render.generated_blocks(TEMPLATE.read_text())))
def test_each_block_substitutes_back_to_its_file(path):
    # Do what Fn::Sub does with the defaults and compare with the file: this
    # does not trust the renderer's own forward mapping.
    sub = render.generated_blocks(template_text())[path]
    assert json.loads(render.unrender_string(sub)) == json.loads((ROOT / path).read_text())


def test_a_stale_block_is_detected():
    text = template_text()
    tampered = text.replace('"ssm:StartSession"', '"ssm:*"', 1)
    assert tampered != text
    assert render.render_template(tampered) != tampered


def test_iam_variables_are_escaped_for_fn_sub():
    for path, sub in render.generated_blocks(template_text()).items():
        names = set(re.findall(r"\$\{([^}]*)\}", sub))
        unescaped = {n for n in names if not n.startswith("!")}
        assert unescaped <= set(render.DEFAULTS), f"{path}: unknown substitutions {unescaped - set(render.DEFAULTS)}"


def test_parameter_defaults_are_the_literals_the_files_use():
    from cfnlint.decode import decode_str

    template, matches = decode_str(template_text())
    assert not matches
    params = template["Parameters"]
    assert params["TargetTagKey"]["Default"] == render.DEFAULTS["TargetTagKey"]
    assert params["SourceTagKey"]["Default"] == render.DEFAULTS["SourceTagKey"]
    assert params["LaunchedByTagKey"]["Default"] == render.DEFAULTS["LaunchedByTagKey"]
    assert params["LaunchedByTagKey"]["AllowedPattern"] == params["TargetTagKey"]["AllowedPattern"]
    assert params["UsersRolePath"]["Default"] == render.DEFAULTS["UsersRolePath"]
    assert "Default" not in params["UsersRoleName"], "the users' role must be chosen, not defaulted"


def test_function_resource_is_what_the_build_expects():
    from cfnlint.decode import decode_str

    template, _ = decode_str(template_text())
    fn = template["Resources"]["TaggerFunction"]
    assert fn["Type"] == "AWS::Serverless::Function"
    assert fn["Metadata"]["BuildMethod"] == "makefile"
    props = fn["Properties"]
    assert props["Runtime"] == "provided.al2023"
    assert props["Handler"] == "bootstrap"
    assert props["Architectures"] == ["x86_64"]
    assert set(props["Environment"]["Variables"]) == {"ROLE_NAME", "SOURCE_TAG_KEY", "TARGET_TAG_KEY", "LAUNCHED_BY_TAG_KEY", "TRUSTED_LAUNCHERS",
                                                         "METRICS_NAMESPACE"}
    assert props["Environment"]["Variables"]["LAUNCHED_BY_TAG_KEY"] == {"Ref": "LaunchedByTagKey"}


@pytest.mark.parametrize("name", ["template.yaml", "central.yaml"])
def test_sam_builds_in_source_as_samconfig_says(name):
    # The SAM CLI takes build_in_source from samconfig.toml (or --build-in-source)
    # only; a BuildInSource key in the template would only suggest otherwise.
    import tomllib

    from cfnlint.decode import decode_str

    template, _ = decode_str((ROOT / name).read_text())
    assert template["Resources"]["TaggerFunction"]["Metadata"] == {"BuildMethod": "makefile"}
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    assert config["default"]["build"]["parameters"]["build_in_source"] is True


def test_no_fixed_physical_names():
    # A second stack in the same account and region must not collide.
    from cfnlint.decode import decode_str

    template, _ = decode_str(template_text())
    naming = {"FunctionName", "RoleName", "ManagedPolicyName", "QueueName", "LogGroupName", "Name"}
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        # A literal string names the resource; a Ref/GetAtt only points at one.
        fixed = {key for key in naming & set(props) if isinstance(props[key], str)}
        assert not fixed, f"{logical_id} sets {fixed}"


def test_source_tag_rule_never_matches_the_functions_own_writes():
    # Its alternatives name only the source key, or no key at all; the
    # function's calls always name one of its own keys (test_event_patterns.py
    # runs the events), and the Rules keep the three keys apart.
    from cfnlint.decode import decode_str

    template, _ = decode_str(template_text())
    detail = template["Resources"]["SourceTagRule"]["Properties"]["EventPattern"]["detail"]
    assert detail["errorCode"] == [{"exists": False}]
    by_key, without_keys = detail["$or"]
    assert by_key["requestParameters"]["tagSet"]["items"]["key"] == [{"Ref": "SourceTagKey"}]
    assert without_keys["requestParameters"]["tagSet"]["items"]["key"] == [{"exists": False}]
    assertions = [a["Assert"] for a in template["Rules"]["DistinctTagKeys"]["Assertions"]]
    pairs = [("SourceTagKey", "TargetTagKey"), ("SourceTagKey", "LaunchedByTagKey"), ("TargetTagKey", "LaunchedByTagKey")]
    assert assertions == [{"Fn::Not": [{"Fn::Equals": [{"Ref": a}, {"Ref": b}]}]} for a, b in pairs]


def cfn_lint_command():
    script = pathlib.Path(sys.executable).with_name("cfn-lint")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())"]


def test_cfn_lint_reports_nothing():
    result = subprocess.run(
        cfn_lint_command() + ["template.yaml"], capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL
    )
    print(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("opted_in", [False, True])
def test_remote_host_port_forwarding_follows_the_parameter(opted_in):
    # The template's Fn::Sub variable, resolved as CloudFormation would for
    # each value of AllowRemoteHostPortForwarding, and the resulting policies
    # evaluated for a remote-host session.
    from cfnlint.decode import decode_str

    from checks.policies.iam_eval import ALLOW, EXPLICIT_DENY, Request, evaluate

    template, _ = decode_str(template_text())
    parameter = template["Parameters"]["AllowRemoteHostPortForwarding"]
    assert parameter["Default"] == "false" and sorted(parameter["AllowedValues"]) == ["false", "true"]
    assert template["Conditions"]["RemoteHostPortForwardingOn"] == {
        "Fn::Equals": [{"Ref": "AllowRemoteHostPortForwarding"}, "true"]}
    policies = {}
    for logical_id in ("UsersSessionPolicy", "UsersPermissionsBoundary"):
        text, variables = template["Resources"][logical_id]["Properties"]["PolicyDocument"]["Fn::Sub"]
        assert variables == {"RemoteHostPortForwardingEffect": {"Fn::If": ["RemoteHostPortForwardingOn", "Allow", "Deny"]}}
        effect = "Allow" if opted_in else "Deny"
        policies[logical_id] = json.loads(render.unrender_string(text, dict(render.DEFAULTS, RemoteHostPortForwardingEffect=effect)))
    request = Request("ssm:StartSession", "arn:aws:ssm:eu-west-1::document/AWS-StartPortForwardingSessionToRemoteHost",
                      {"aws:userid": "AROAUSERSROLEEXAMPLE1:alice@example.org"})
    decision = evaluate(request, [policies["UsersSessionPolicy"]], boundary=policies["UsersPermissionsBoundary"])
    assert decision.result == (ALLOW if opted_in else EXPLICIT_DENY), decision.deciding

