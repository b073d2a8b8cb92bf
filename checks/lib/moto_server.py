"""An auth-enabled moto server on 127.0.0.1 for tests and the demo.

moto verifies SigV4 signatures once INITIAL_NO_AUTH_ACTION_COUNT unauthenticated
calls have been made. We spend exactly those calls creating an IAM user, its
access key and an allow-all policy, so every later request - ours included -
must be signed with that key, and a wrong secret fails with moto's own error.

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

    def environment(self, **extra):
        """Environment for running aws-userid-tagger against this server."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=self.access_key_id, AWS_SECRET_ACCESS_KEY=self.secret_access_key,
                   AWS_REGION="us-east-1", AWS_ENDPOINT_URL=self.endpoint,
                   AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull)
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
