"""Security checks on the real binary:
- no secret (secret key, session token, a request signature) in any output,
  on every error path, with marker credentials and the most verbose logging;
- TLS verification cannot be turned off, and checks the host name;
- a CreatedBy crafted to give another user's id is never written;
- TRUSTED_LAUNCHERS is enforced.
"""
import json
import re
import socket
import ssl
import subprocess
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checks.lib import events
from checks.lib.aws_proxy import Fault
from checks.lib.instances import launch, tags_of
from checks.lib.runtime_api import RuntimeAPIServer

SECRET = "SECRETMARKERq7Zk2Lw9Xy4Vb8Nc1Md5Pf3Rg6Th0Js"
TOKEN = "TOKENMARKERFwoGZXIvYXdzEJr//////////wEaDH7Gk2Lw9Xy4Vb8Nc1Md5Pf3Rg6"
ROLE_ID = "AROASECURITYCHECK0001"


# -- no secret in any output -------------------------------------------------

def secret_paths(tagger, moto, proxy, instance):
    """(name, env, faults, event): error paths reached with marker credentials."""
    good = events.run_instances([instance])
    return [
        ("signature rejected by AWS", {}, [], good),  # moto checks signatures: the marker secret is wrong
        ("AuthFailure scripted", {}, [("DescribeInstances", Fault.ec2_error(401, "AuthFailure"))], good),
        ("throttled until the deadline", {}, [("DescribeInstances", *[Fault.ec2_error(503, "RequestLimitExceeded")] * 50)], good),
        ("non-XML answer", {}, [("DescribeInstances", Fault(200, "<html>" + "x" * 100))], good),
        ("connection refused", {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}, [], good),
        ("invalid event", {}, [], b'{"detail-type": 1, "secret": "' + SECRET.encode() + b'"}'),
        ("bad setting", {"AWS_MAX_ATTEMPTS": "lots"}, [], good),
        ("GetRole denied", {"ROLE_ID": None}, [("GetRole", Fault.iam_error(403, "AccessDenied"))], good),
    ]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("log_format", ["Text", "JSON"])
def test_no_secret_in_any_output(binary, tagger, moto, proxy, log_format):
    [instance] = launch(moto, 1, created_by="secret.check")
    outputs = []
    for name, env, faults, event in secret_paths(tagger, moto, proxy, instance):
        proxy.clear_faults()
        for action, *script in faults:
            proxy.fail(action, *script)
        full_env = {"AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN, "ROLE_ID": ROLE_ID,
                    "AWS_LAMBDA_LOG_LEVEL": "TRACE", "AWS_LAMBDA_LOG_FORMAT": log_format, **env}
        data = event if isinstance(event, bytes) else json.dumps(event).encode()
        result = tagger.run("invoke", "--event", "-", "--timeout", "3", event=data, **full_env)
        assert result.returncode != 0, f"{name}: the error path was not reached"
        outputs.append((f"invoke: {name}", result.stdout + result.stderr))

        with RuntimeAPIServer() as api:
            process = subprocess.Popen([binary], env=tagger.env(AWS_LAMBDA_RUNTIME_API=api.address, **full_env),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            proxy.clear_faults()
            for action, *script in faults:
                proxy.fail(action, *script)
            api.enqueue(data, timeout_s=3)
            try:
                if name == "bad setting":
                    api.wait_for_init_errors(1, process=process)
                else:
                    api.wait_for_results(1, timeout=15, process=process)
            finally:
                process.kill()
                out, err = process.communicate(timeout=10)
            posted = b"".join(r.body for r in api.results + api.init_errors)
            assert posted, f"{name}: nothing was posted"
            outputs.append((f"loop: {name}", out + err + posted))

    signatures = {m.group(1) for c in proxy.calls for m in re.finditer(r"Signature=([0-9a-f]{64})", c.headers.get("Authorization", ""))}
    assert signatures, "the proxy saw signed requests"
    markers = [SECRET, SECRET[:16], TOKEN, TOKEN[:16], *signatures]
    for name, text in outputs:
        for marker in markers:
            assert marker.encode() not in text, f"{name}: a secret ({marker[:12]}…) is in the output"
    assert any(b"SignatureDoesNotMatch" in t or b"AuthFailure" in t or b"InvalidClientTokenId" in t for _, t in outputs[:2])


# -- TLS -----------------------------------------------------------------------

def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A CA, a server certificate it signed for 127.0.0.1, one for another name,
    and a self-signed certificate for 127.0.0.1."""
    d = tmp_path_factory.mktemp("tls")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=reliability test CA",
            "-keyout", "ca.key", "-out", "ca.pem", cwd=d)
    for name, san in [("right", "IP:127.0.0.1"), ("wrong", "DNS:wrong.example")]:
        (d / f"{name}.ext").write_text(f"subjectAltName={san}\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={san.split(':')[1]}", "-keyout", f"{name}.key",
                "-out", f"{name}.csr", cwd=d)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=d)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "self.key", "-out", "self.pem", cwd=d)
    return d


class TLSServer:
    """HTTPS on 127.0.0.1 answering every request with an EC2 AuthFailure, counting requests."""

    def __init__(self, cert, key, only=None):
        server = self
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                server.requests += 1
                body = b"<Response><Errors><Error><Code>AuthFailure</Code><Message>tls test</Message></Error></Errors></Response>"
                self.send_response(401)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # failed handshakes are the point

        self.httpd = Server(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        if only:  # one protocol version, allowed even where it is deprecated
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = context.maximum_version = only
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.endpoint = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def invoke_over_tls(tagger, server, instance="i-0123456789abcdef0", **env):
    result = tagger.run("invoke", "--event", "-", "--timeout", "5", event=events.dumps(events.run_instances([instance])),
                        AWS_ENDPOINT_URL=server.endpoint, ROLE_ID=ROLE_ID, **env)
    return result, result.stderr.decode(errors="replace")


# Variables other tools read to skip verification or change trust; none may turn ours off.
DISABLING_ENV = {
    "AWS_NO_VERIFY_SSL": "1", "AWS_VERIFY_SSL": "false", "AWS_CA_BUNDLE": "", "CURL_CA_BUNDLE": "", "CURL_SSL_NO_VERIFY": "1",
    "CURLOPT_SSL_VERIFYPEER": "0", "SSL_VERIFY": "0", "SSL_NO_VERIFY": "1", "NODE_TLS_REJECT_UNAUTHORIZED": "0",
    "PYTHONHTTPSVERIFY": "0", "GIT_SSL_NO_VERIFY": "1", "REQUESTS_CA_BUNDLE": "", "INSECURE": "1", "TLS_INSECURE": "1",
}


def test_tls_positive_control_the_server_is_reachable_with_a_trusted_ca(tagger, certificates):
    server = TLSServer(certificates / "right.pem", certificates / "right.key")
    try:
        result, logs = invoke_over_tls(tagger, server, SSL_CERT_FILE=str(certificates / "ca.pem"))
    finally:
        server.stop()
    assert result.returncode == 1 and "AuthFailure" in logs, logs
    assert server.requests == 1, "TLS with a trusted CA works, so the failures below are verification"


@pytest.mark.parametrize("env", [{}, DISABLING_ENV, {"SSL_CERT_FILE": "/dev/null"}], ids=["default", "disabling-variables", "empty-ca-file"])
def test_self_signed_certificate_is_refused(tagger, certificates, proxy, env):
    server = TLSServer(certificates / "self.pem", certificates / "self.key")
    try:
        result, logs = invoke_over_tls(tagger, server, **env)
    finally:
        server.stop()
    assert result.returncode == 1, logs
    assert server.requests == 0, "a request was sent over an unverified connection"
    assert re.search(r"TLSError", logs) and re.search(r"(?i)ssl|tls|certificate", logs), logs
    assert "after" not in logs.split("TLSError", 1)[1].split("\n", 1)[0], "a certificate failure is not retried"


def test_certificate_for_another_host_is_refused(tagger, certificates):
    server = TLSServer(certificates / "wrong.pem", certificates / "wrong.key")
    try:
        result, logs = invoke_over_tls(tagger, server, SSL_CERT_FILE=str(certificates / "ca.pem"), **DISABLING_ENV)
    finally:
        server.stop()
    assert result.returncode == 1, logs
    assert server.requests == 0, "the host name was not checked"
    assert re.search(r"(?i)ssl|tls|certificate|subject|name", logs), logs


@pytest.mark.parametrize("version", ["TLSv1", "TLSv1_1"])
def test_a_server_older_than_tls_1_2_is_refused(tagger, certificates, version):
    # A trusted certificate, so only the protocol version can fail the handshake.
    server = TLSServer(certificates / "right.pem", certificates / "right.key", only=getattr(ssl.TLSVersion, version))
    try:
        result, logs = invoke_over_tls(tagger, server, SSL_CERT_FILE=str(certificates / "ca.pem"))
    finally:
        server.stop()
    assert result.returncode == 1, logs
    assert server.requests == 0, f"a request was sent over {version}"


@pytest.mark.parametrize("flag", ["--insecure", "--no-verify-ssl", "-k"])
def test_no_command_line_flag_turns_verification_off(tagger, flag):
    result = tagger.run("invoke", "--event", "-", flag, event=b"{}")
    assert result.returncode == 2 and b"unknown option" in result.stderr, result.stderr


def test_sources_never_turn_verification_off():
    """Belt and braces: no code path sets VERIFYPEER/VERIFYHOST to 0 or skips verification."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "Sources"
    text = "\n".join(p.read_text() for p in root.rglob("*.swift"))
    assert "CURLOPT_SSL_VERIFYPEER, 1" in text and "CURLOPT_SSL_VERIFYHOST, 2" in text
    assert not re.search(r"SSL_VERIFY(PEER|HOST)\s*,\s*0|VERIFYSTATUS|CURLOPT_SSL_OPTIONS|SSL_VERIFY_NONE|insecure", text, re.I)


# -- CreatedBy crafted to give another user's id -----------------------------

HOSTILE_CREATED_BY = [
    "AROAVICTIMROLEID00001:victim",  # another role's user id
    "victim:admin",  # embedded colon
    " victim", "victim ", "vic tim", "victim\t",  # whitespace
    "a",  # too short for a session name
    "v" * 65,  # too long
    "vïctim",  # not ASCII
    "victim\u200b",  # zero-width space
    "${aws:userid}",
    "*",
]


def test_crafted_created_by_is_never_written(tagger, moto, proxy, users_role):
    role_id = users_role["RoleId"]
    hostile = [launch(moto, 1, created_by=value)[0] for value in HOSTILE_CREATED_BY]
    hostile.append(launch(moto, 1, created_by=f"{role_id}:victim")[0])  # our own role's prefix
    [control] = launch(moto, 1, created_by="honest.user")
    result, output = tagger.invoke(events.run_instances(hostile + [control]))
    assert result.returncode == 0, result.stderr
    assert output["tagged"] == [{"instanceId": control, "value": f"{role_id}:honest.user"}]
    assert sorted(s["instanceId"] for s in output["skipped"]) == sorted(hostile)
    writes = [c for c in proxy.calls if c.action == "CreateTags"]
    assert len(writes) == 1 and writes[0].params["ResourceId.1"] == control and "ResourceId.2" not in writes[0].params
    for instance in hostile:
        assert "AwsUserId" not in tags_of(moto, instance)


def test_create_tags_event_cannot_choose_the_value(tagger, moto, proxy, users_role):
    """The event claims CreatedBy=honest, EC2 says a crafted value: EC2 is the truth, nothing is written."""
    [instance] = launch(moto, 1, created_by="AROAVICTIMROLEID00001:victim")
    result, output = tagger.invoke(events.create_tags([instance], "CreatedBy", "honest.user"))
    assert result.returncode == 0 and output["tagged"] == [] and output["skipped"][0]["instanceId"] == instance
    assert proxy.count("CreateTags") == 0


def test_spoofed_self_service_launch_is_not_trusted(tagger, moto, proxy, users_role):
    """A launcher naming the users' role but carrying another role's id never becomes an owner."""
    [instance] = launch(moto, 1)
    identity = events.user_identity("AROAOTHERROLEID000001", "victim")
    result, output = tagger.invoke(events.run_instances([instance], identity=identity))
    assert result.returncode == 0 and output["tagged"] == [], output
    assert proxy.count("CreateTags") == 0 and "AwsUserId" not in tags_of(moto, instance)


# -- TRUSTED_LAUNCHERS ---------------------------------------------------------

TRUSTED = "arn:aws:iam::123456789012:role/swb-LaunchConstraint"


@pytest.mark.parametrize("launcher,trusted", [
    (events.platform_identity(), True),
    (events.user_identity("AROAUSERSROLE00000001", "mallory"), False),
    (events.platform_identity("arn:aws:sts::123456789012:assumed-role/swb-LaunchConstraintEvil/x"), False),
    (events.platform_identity("arn:aws:sts::999999999999:assumed-role/swb-LaunchConstraint/x"), False),
    ({"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": "arn:aws:iam::123456789012:user/swb-LaunchConstraint"}, False),
    (None, False),
], ids=["trusted-role-session", "users-role", "name-prefix", "other-account", "iam-user-same-name", "no-identity"])
def test_trusted_launchers_is_enforced(tagger, moto, proxy, launcher, trusted):
    [instance] = launch(moto, 1, created_by="launch.victim")
    event = events.run_instances([instance])
    if launcher is None:
        del event["detail"]["userIdentity"]
    else:
        event["detail"]["userIdentity"] = launcher
        if launcher.get("type") == "AssumedRole":
            # CloudTrail writes the issuer from the session's own role: keep the two consistent.
            role_arn = launcher["arn"].replace(":sts::", ":iam::").replace("assumed-role/", "role/").rsplit("/", 1)[0]
            launcher["sessionContext"]["sessionIssuer"]["arn"] = role_arn
    result, output = tagger.invoke(event, TRUSTED_LAUNCHERS=TRUSTED, ROLE_ID=ROLE_ID)
    assert result.returncode == 0, result.stderr
    if trusted:
        assert [t["instanceId"] for t in output["tagged"]] == [instance]
    else:
        assert output["tagged"] == [] and proxy.calls == [], (output, proxy.actions())
        assert "AwsUserId" not in tags_of(moto, instance)
