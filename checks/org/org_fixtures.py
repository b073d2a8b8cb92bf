"""Fixtures of the central-mode checks, imported by the test modules (a
conftest.py here would shadow checks/conftest.py for the modules collected
after this folder). Central mode runs against a multi-account moto: the
central function's own credentials are moto's admin user in 123456789012;
member accounts are bootstrapped with their member role and users' role
(MotoServer.add_member_account)."""
import itertools
import json
import subprocess

import pytest

from checks.lib.aws_proxy import AWSProxy
from checks.lib.moto_server import MotoServer
from checks.lib.runtime_api import RuntimeAPIServer

USERS_ROLE = "Okta-ServiceWorkbenchUser"
MEMBER_ROLE_PATH = "/aws-userid-tagger/"
MEMBER_ROLE_NAME = "aws-userid-tagger-member"
MEMBER_ROLE = MEMBER_ROLE_PATH.strip("/") + "/" + MEMBER_ROLE_NAME  # TAGGER_MEMBER_ROLE
FUNCTION_NAME = "central-TaggerFunction-Example"
EXTERNAL_ID = "o-exampleorg1:aws-userid-tagger"
_account_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def org_moto():
    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture
def new_account(org_moto):
    """Bootstraps a fresh member account (a new 12-digit id per call)."""

    def make():
        account_id = f"{next(_account_numbers):03d}" * 4
        return org_moto.add_member_account(account_id, MEMBER_ROLE_NAME, USERS_ROLE, member_role_path=MEMBER_ROLE_PATH)

    return make


@pytest.fixture
def org_proxy(org_moto):
    proxy = AWSProxy(upstream=org_moto.endpoint)
    yield proxy
    proxy.stop()


@pytest.fixture
def central_env(org_moto, org_proxy):
    def env(**extra):
        values = org_moto.environment(AWS_ENDPOINT_URL=org_proxy.endpoint, ROLE_NAME=USERS_ROLE, TAGGER_MEMBER_ROLE=MEMBER_ROLE,
                                      TAGGER_EXTERNAL_ID=EXTERNAL_ID, AWS_LAMBDA_FUNCTION_NAME=FUNCTION_NAME)
        values.update({k: v for k, v in extra.items() if v is not None})
        for k in [k for k, v in extra.items() if v is None]:
            values.pop(k, None)
        return values

    return env


@pytest.fixture
def invoke(binary, central_env):
    """Runs `invoke` on one event in central mode; returns (completed process, parsed result or None)."""

    def run(event, **env):
        result = subprocess.run([binary, "invoke", "--event", "-"], input=json.dumps(event).encode(), capture_output=True,
                                timeout=60, env=central_env(**env))
        output = json.loads(result.stdout) if result.returncode == 0 and result.stdout.strip() else None
        return result, output

    return run


@pytest.fixture
def lambda_function(binary, central_env):
    """Starts the binary under a local Runtime API in central mode: one process, many events."""
    started = []
    with RuntimeAPIServer() as api:

        def start(**env):
            process = subprocess.Popen([binary], env=central_env(AWS_LAMBDA_RUNTIME_API=api.address, **env),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            started.append(process)
            return api, process

        yield start
        for process in started:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=10)
