"""Fixtures shared by the checks: the built binary, an auth-enabled moto,
and a recording proxy in front of it."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from checks.lib.aws_proxy import AWSProxy
from checks.lib.instances import USERS_ROLE
from checks.lib.moto_server import MotoServer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def binary():
    path = Path(os.environ.get("AWS_USERID_TAGGER_BINARY", ROOT / ".build" / "debug" / "aws-userid-tagger"))
    if not path.exists():
        pytest.fail(f"{path} does not exist: run `make build` first")
    return str(path)


@pytest.fixture(scope="session")
def moto():
    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def users_role(moto):
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML",
             "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"}}]}
    role = moto.client("iam").create_role(RoleName=USERS_ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    return role


@pytest.fixture
def proxy(moto):
    p = AWSProxy(upstream=moto.endpoint)
    yield p
    p.stop()


class Tagger:
    """Runs the real binary's `invoke` and `reconcile` against the proxy."""

    def __init__(self, binary, moto, proxy):
        self.binary, self.moto, self.proxy = binary, moto, proxy

    def env(self, **extra):
        env = self.moto.environment(AWS_ENDPOINT_URL=self.proxy.endpoint, ROLE_NAME=USERS_ROLE)
        env.update({k: v for k, v in extra.items() if v is not None})
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
        return env

    def run(self, *args, event=None, timeout=60, **env):
        result = subprocess.run([self.binary, *args], input=event, capture_output=True, timeout=timeout, env=self.env(**env))
        return result

    def invoke(self, event, *flags, **env):
        data = event if isinstance(event, bytes) else json.dumps(event).encode()
        result = self.run("invoke", "--event", "-", *flags, event=data, **env)
        output = json.loads(result.stdout) if result.returncode == 0 and result.stdout.strip() else None
        return result, output


@pytest.fixture
def tagger(binary, moto, proxy, users_role):
    return Tagger(binary, moto, proxy)
