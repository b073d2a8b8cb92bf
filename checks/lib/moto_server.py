"""An auth-enabled moto server on 127.0.0.1 for tests and the demo.

moto verifies SigV4 signatures once INITIAL_NO_AUTH_ACTION_COUNT unauthenticated
calls have been made. We spend exactly those calls creating an IAM user, its
access key and an allow-all policy, so every later request - ours included -
must be signed with that key, and a wrong secret fails with moto's own error.

Other accounts of a simulated organization: `add_member_account` creates, in
a fresh account id, the member role central mode assumes and the users' role.
moto scopes every resource by the account of the credentials used, and with
auth on an assumed role's credentials work only once that role exists in its
account, so each account is bootstrapped through moto's `reset-auth`, which
lets exactly the next N requests through unauthenticated.

As a script: prints one JSON line {"endpoint", "accessKeyId", "secretAccessKey"}
and serves until standard input closes (or SIGTERM).
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
from botocore.config import Config

SETUP_ACTIONS = 4  # CreateUser, CreateAccessKey, CreatePolicy, AttachUserPolicy
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
ACCOUNT_ID = "123456789012"  # moto's default account
# AssumeRole into the member role, then with its credentials CreateRole (member
# role), PutRolePolicy (allow-all on it), CreateRole (users' role).
MEMBER_BOOTSTRAP_ACTIONS = 4


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.access_key_id = None
        self.secret_access_key = None

    def start(self):
        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(SETUP_ACTIONS), MOTO_PORT=str(self.port))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1).read()
                break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"moto_server exited with {self.process.returncode}")
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("moto_server did not start within 60 s")
                time.sleep(0.1)
        self._create_admin()
        return self

    def _create_admin(self):
        iam = self._client("iam", "setup", "setup")
        iam.create_user(UserName="tagger-test-admin")
        key = iam.create_access_key(UserName="tagger-test-admin")["AccessKey"]
        arn = iam.create_policy(PolicyName="allow-all", PolicyDocument=ALLOW_ALL)["Policy"]["Arn"]
        iam.attach_user_policy(UserName="tagger-test-admin", PolicyArn=arn)
        self.access_key_id, self.secret_access_key = key["AccessKeyId"], key["SecretAccessKey"]

    def _client(self, service, key_id, secret, region="us-east-1"):
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint,
                            aws_access_key_id=key_id, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 1}))

    def client(self, service, region="us-east-1"):
        """A boto3 client signed with the admin key."""
        return self._client(service, self.access_key_id, self.secret_access_key, region)

    def create_user(self, name, policy_document):
        """A user limited to `policy_document`; returns (access key id, secret)."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(policy_document))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def reset_auth(self, unauthenticated_requests):
        """Let exactly the next `unauthenticated_requests` requests skip auth."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset-auth", method="POST",
                                         data=str(unauthenticated_requests).encode(), headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(request, timeout=10).read()

    def add_member_account(self, account_id, member_role, users_role, member_role_path="/", trust_policy=None):
        """Creates, in `account_id`, the member role (allow-all; moto does not
        enforce trust policies) and the users' role; returns a `MemberAccount`
        holding the member role's credentials for setting up that account."""
        self.reset_auth(MEMBER_BOOTSTRAP_ACTIONS)
        sts = self._client("sts", "bootstrap", "bootstrap")
        role_arn = f"arn:aws:iam::{account_id}:role{member_role_path}{member_role}"
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="bootstrap")["Credentials"]
        account = MemberAccount(self, account_id, credentials)
        iam = account.client("iam")
        trust = json.dumps(trust_policy or {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}]})
        iam.create_role(RoleName=member_role, Path=member_role_path, AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName=member_role, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
        account.users_role = iam.create_role(RoleName=users_role, AssumeRolePolicyDocument=trust)["Role"]
        return account

    def environment(self, **extra):
        """Environment for running aws-userid-tagger against this server."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=self.access_key_id, AWS_SECRET_ACCESS_KEY=self.secret_access_key,
                   AWS_REGION="us-east-1", AWS_ENDPOINT_URL=self.endpoint,
                   AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
        env.update(extra)
        return env

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class MemberAccount:
    """An account of the simulated organization, reached as its member role."""

    def __init__(self, server, account_id, credentials):
        self.server, self.account_id, self.credentials = server, account_id, credentials
        self.users_role = None

    def client(self, service, region="us-east-1"):
        return boto3.client(service, region_name=region, endpoint_url=self.server.endpoint,
                            aws_access_key_id=self.credentials["AccessKeyId"],
                            aws_secret_access_key=self.credentials["SecretAccessKey"],
                            aws_session_token=self.credentials["SessionToken"],
                            config=Config(retries={"max_attempts": 1}))


def main():
    server = MotoServer().start()
    signal.signal(signal.SIGTERM, lambda *_: (server.stop(), sys.exit(0)))
    print(json.dumps({"endpoint": server.endpoint, "accessKeyId": server.access_key_id,
                      "secretAccessKey": server.secret_access_key}), flush=True)
    try:
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
