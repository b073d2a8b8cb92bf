"""The real AWS SAM CLI (requirements-sam.txt, in .venv-sam: `make sam-venv`)
on this repository, as a user runs it: `sam validate --lint` on every
template, `sam build` with samconfig.toml's settings, and the function it
builds, zipped by SAM's own code as `sam deploy` zips it, run in an empty
root like dist/function.zip (checks/package).

The SAM CLI runs without network: as root in a network namespace of its own
(`unshare --net`), so a build or lint that reached out would fail here; its
telemetry is off. Without .venv-sam these checks skip, unless
AWS_USERID_TAGGER_REQUIRE_SAM=1 (`make test`, `make sam-check`); `sam build`
also waits for a first `make package` (it reuses that build; a release
build from nothing takes minutes), unless required.
"""
import filecmp
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from checks.lib import events
from checks.lib.instances import ROOT, USERS_ROLE, launch, tags_of
from checks.lib.runtime_api import RuntimeAPIServer
from checks.package.package_support import empty_root, needs_root  # noqa: F401 (fixtures)

TEMPLATES = ["template.yaml", "central.yaml", "member.yaml", "stackset.yaml"]
REQUIRED = os.environ.get("AWS_USERID_TAGGER_REQUIRE_SAM") == "1"


def skip_or_fail(message):
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def sam():
    path = Path(os.environ.get("AWS_USERID_TAGGER_SAM", ROOT / ".venv-sam" / "bin" / "sam"))
    if not path.exists():
        skip_or_fail(f"{path} does not exist: run `make sam-venv`")
    return path


def run_sam(sam, *args, timeout=900):
    """`sam ARGS` from the repository root, offline where this process may make a network namespace."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(SAM_CLI_TELEMETRY="0", AWS_EC2_METADATA_DISABLED="true", AWS_DEFAULT_REGION="us-east-1",
               AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull)
    command = [str(sam), *args]
    if os.geteuid() == 0 and shutil.which("unshare"):
        command = ["unshare", "--net", "--", *command]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("name", TEMPLATES)
def test_sam_validate_lint_passes(sam, name):
    # stackset.yaml is plain CloudFormation: `sam validate --lint` runs
    # cfn-lint on it all the same (the SAM translation has nothing to do).
    result = run_sam(sam, "validate", "--lint", "--template-file", name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{name} is a valid SAM Template" in result.stdout + result.stderr


def test_sam_validate_lint_fails_on_a_broken_template(sam, tmp_path):
    broken = tmp_path / "template.yaml"
    broken.write_text((ROOT / "template.yaml").read_text().replace("MemorySize: 128", "MemorySize: 64", 1))
    result = run_sam(sam, "validate", "--lint", "--template-file", str(broken))
    assert result.returncode != 0
    assert "E3034" in result.stdout + result.stderr, result.stdout + result.stderr  # a number below its minimum


@pytest.fixture(scope="module")
def sam_built(sam, tmp_path_factory):
    """`sam build` as a user runs it (samconfig.toml builds in source), into a scratch build directory."""
    if not (ROOT / "dist" / "function" / "bootstrap").exists():
        skip_or_fail("no dist/function/bootstrap: run `make package` first (sam build reuses it)")
    build_dir = tmp_path_factory.mktemp("sam") / "build"
    result = run_sam(sam, "build", "--debug", "--build-dir", str(build_dir))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    return build_dir, output


def test_sam_build_builds_in_the_source_tree(sam_built):
    build_dir, output = sam_built
    assert "Running CustomMakeBuilder:MakeBuild" in output
    # Without build_in_source SAM first copies the whole tree (CopySource).
    assert "CustomMakeBuilder:CopySource" not in output and "Copying source file" not in output
    assert f"Current Artifacts Directory : {build_dir / 'TaggerFunction'}" in output


def test_sam_build_ships_what_make_package_builds(sam_built):
    build_dir, _ = sam_built
    artifacts = build_dir / "TaggerFunction"
    comparison = filecmp.dircmp(artifacts, ROOT / "dist" / "function")
    assert (comparison.left_only, comparison.right_only) == ([], []), "the artifacts are the package's tree"
    assert filecmp.cmp(artifacts / "bootstrap", ROOT / "dist" / "function" / "bootstrap", shallow=False)
    assert os.access(artifacts / "bootstrap", os.X_OK)
    built_template = (build_dir / "template.yaml").read_text()
    assert "CodeUri: TaggerFunction" in built_template


@pytest.fixture(scope="module")
def package_zip(sam, sam_built, tmp_path_factory):
    """The artifacts zipped by the SAM CLI's own function for Lambda code, as `sam deploy` uploads them."""
    build_dir, _ = sam_built
    base = tmp_path_factory.mktemp("sam-zip") / "function"
    python = Path(sam).with_name("python")
    code = ("import sys; from samcli.lib.package.utils import make_zip_with_lambda_permissions as z; "
            "print(z(sys.argv[1], sys.argv[2]))")
    result = subprocess.run([str(python), "-c", code, str(base), str(build_dir / "TaggerFunction")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def test_what_sam_builds_runs_in_an_empty_root(empty_root, package_zip, moto, proxy, users_role):  # noqa: F811
    ids = launch(moto, 1, created_by="sam.built")
    env = {"AWS_ACCESS_KEY_ID": moto.access_key_id, "AWS_SECRET_ACCESS_KEY": moto.secret_access_key,
           "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": proxy.endpoint, "ROLE_NAME": USERS_ROLE}
    with RuntimeAPIServer() as api:
        function = empty_root(dict(env, AWS_LAMBDA_RUNTIME_API=api.address))
        launch_id = api.enqueue(events.run_instances(ids))
        bad_id = api.enqueue(b"not an event")
        results = api.wait_for_results(2, timeout=30, process=function.process)
        _, err = function.stop()
    by_id = {result.request_id: result for result in results}
    assert by_id[launch_id].kind == "response", (by_id[launch_id].body, err)
    value = f"{users_role['RoleId']}:sam.built"
    assert by_id[launch_id].json()["tagged"] == [{"instanceId": ids[0], "value": value}]
    assert by_id[bad_id].kind == "error" and by_id[bad_id].error_type == "InvalidEvent"
    assert tags_of(moto, ids[0])["AwsUserId"] == value

