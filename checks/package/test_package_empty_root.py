"""dist/function.zip run the way provided.al2023 runs it: unpacked at
/var/task of an otherwise empty root (a CA bundle at Amazon Linux's path,
/tmp, /proc; no /lib, no /usr, no shell unless bootstrap is a script), as the
sandbox user, against a local Runtime API and auth-enabled moto.

Over HTTPS the function trusts the zip's own store (/var/task/certs); the
checks add their test CA to it, never to the root's bundle, so a success
proves that store is the one in use."""
import json
import ssl

import pytest

from checks.lib import events
from checks.lib.instances import USERS_ROLE, launch, tags_of
from checks.package.package_support import (StubDNS, ThrowawayCA, TLSRelay, empty_root, needs_root,  # noqa: F401 (fixtures)
                             package_zip, unpacked)
from checks.lib.runtime_api import RuntimeAPIServer


def aws_env(moto, endpoint, **extra):
    """Only what the function needs: the root's environment is Lambda's, not the host's."""
    env = {"AWS_ACCESS_KEY_ID": moto.access_key_id, "AWS_SECRET_ACCESS_KEY": moto.secret_access_key,
           "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint, "ROLE_NAME": USERS_ROLE}
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def throwaway_ca(tmp_path_factory):
    return ThrowawayCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def https_proxy(proxy, throwaway_ca):
    relay = TLSRelay(int(proxy.endpoint.rsplit(":", 1)[1]), throwaway_ca)
    yield relay
    relay.stop()


def test_version_runs_with_nothing_but_the_zip(empty_root):
    status, out, err = empty_root({}, ["--version"]).communicate()
    assert status == 0, err
    assert out.startswith("aws-userid-tagger "), out


def test_runtime_api_loop_tags_a_launch_reports_a_bad_event_and_goes_on(empty_root, moto, proxy, users_role):
    ids = launch(moto, 2, created_by="tim.malone@example.org")
    later = launch(moto, 1, created_by="ada@example.org")
    with RuntimeAPIServer() as api:
        function = empty_root(aws_env(moto, proxy.endpoint, AWS_LAMBDA_RUNTIME_API=api.address))
        launch_id = api.enqueue(events.run_instances(ids))
        bad_id = api.enqueue(b"this is not an event")
        later_id = api.enqueue(events.run_instances(later))
        results = api.wait_for_results(3, timeout=30, process=function.process)
        out, err = function.stop()
    by_id = {result.request_id: result for result in results}
    value = f"{users_role['RoleId']}:tim.malone@example.org"
    assert by_id[launch_id].kind == "response", (by_id[launch_id].body, err)
    assert by_id[launch_id].json()["tagged"] == [{"instanceId": i, "value": value} for i in ids]
    assert by_id[bad_id].kind == "error" and by_id[bad_id].error_type == "InvalidEvent", by_id[bad_id].body
    assert by_id[later_id].kind == "response", by_id[later_id].body
    assert [t["instanceId"] for t in by_id[later_id].json()["tagged"]] == later
    assert all(tags_of(moto, i)["AwsUserId"] == value for i in ids)
    assert tags_of(moto, later[0])["AwsUserId"] == f"{users_role['RoleId']}:ada@example.org"
    assert proxy.actions().count("iam:GetRole") == 1, "one container, one GetRole"


def test_lambda_loop_over_https_verified_with_the_zips_own_trust_store(
        empty_root, moto, https_proxy, throwaway_ca, users_role):
    first = launch(moto, 1, created_by="grace")
    second = launch(moto, 1, created_by="linus")
    with RuntimeAPIServer() as api:
        # The root's bundle is the host's public roots, without the test CA.
        function = empty_root(aws_env(moto, https_proxy.endpoint, AWS_LAMBDA_RUNTIME_API=api.address),
                              runner_env={"EMPTY_ROOT_EXTRA_CA": str(throwaway_ca.ca_pem)})
        api.enqueue(events.run_instances(first))
        api.enqueue(events.run_instances(second))
        results = api.wait_for_results(2, timeout=30, process=function.process)
        peak_kib = function.peak_rss_kib()
        out, err = function.stop()
    assert [r.kind for r in results] == ["response", "response"], (results, err)
    assert results[0].json()["tagged"] == [{"instanceId": first[0], "value": f"{users_role['RoleId']}:grace"}]
    assert results[1].json()["tagged"] == [{"instanceId": second[0], "value": f"{users_role['RoleId']}:linus"}]
    assert https_proxy.handshakes >= 1 and https_proxy.failed_handshakes == []
    # The product's memory budget (16 MiB) for the whole process after real (TLS) invocations.
    assert peak_kib <= 16 * 1024, f"peak RSS {peak_kib} KiB is over 16 MiB"


def test_https_to_a_server_of_an_unknown_ca_is_refused_and_writes_nothing(empty_root, moto, https_proxy, proxy):
    ids = launch(moto, 1, created_by="mallory")
    # The zip's store (the full public roots) and the root's bundle: neither trusts the test CA.
    function = empty_root(aws_env(moto, https_proxy.endpoint, AWS_MAX_ATTEMPTS="1"), ["invoke", "--event", "-"],
                          stdin=json.dumps(events.run_instances(ids)).encode())
    status, out, err = function.communicate()
    assert status == 1, (out, err)
    assert "certificate" in err, err
    assert https_proxy.handshakes == 0 and https_proxy.failed_handshakes, "the client must refuse the certificate"
    assert proxy.calls == [], "nothing may reach AWS over an unverified connection"
    assert "AwsUserId" not in tags_of(moto, ids[0])


AWS_LIKE_TLS = {
    # What AWS's endpoints negotiate: TLS 1.2 with ECDHE-RSA and AES-GCM, or
    # TLS 1.3, with an RSA-2048 leaf sent with its intermediate.
    "tls1.2 ECDHE-RSA-AES128-GCM-SHA256": (ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES128-GCM-SHA256"),
    "tls1.2 ECDHE-RSA-AES256-GCM-SHA384": (ssl.TLSVersion.TLSv1_2, "ECDHE-RSA-AES256-GCM-SHA384"),
    "tls1.3": (ssl.TLSVersion.TLSv1_3, None),
}


@pytest.fixture(scope="session")
def aws_shaped_ca(tmp_path_factory):
    return ThrowawayCA(tmp_path_factory.mktemp("rsa-ca"), key="rsa", intermediate=True)


@pytest.mark.parametrize("name", AWS_LIKE_TLS)
def test_the_shipped_tls_speaks_what_aws_endpoints_speak(empty_root, moto, proxy, aws_shaped_ca, users_role, name):
    version, cipher = AWS_LIKE_TLS[name]
    relay = TLSRelay(int(proxy.endpoint.rsplit(":", 1)[1]), aws_shaped_ca, version, cipher)
    try:
        ids = launch(moto, 1, created_by="katherine")
        function = empty_root(aws_env(moto, relay.endpoint), ["invoke", "--event", "-"],
                              stdin=json.dumps(events.run_instances(ids)).encode(),
                              runner_env={"EMPTY_ROOT_EXTRA_CA": str(aws_shaped_ca.ca_pem)})
        status, out, err = function.communicate()
    finally:
        relay.stop()
    assert status == 0, err
    assert json.loads(out)["tagged"] == [{"instanceId": ids[0], "value": f"{users_role['RoleId']}:katherine"}]
    assert relay.failed_handshakes == [] and relay.handshakes >= 1
    assert set(relay.versions) == {"TLSv1.3" if version == ssl.TLSVersion.TLSv1_3 else "TLSv1.2"}
    if cipher:
        assert set(relay.ciphers) == {cipher}


@pytest.mark.parametrize("variable", ["AWS_CA_BUNDLE", "SSL_CERT_FILE"])
def test_a_bundle_named_in_the_environment_replaces_the_zips_store(empty_root, moto, https_proxy, throwaway_ca,
                                                                  users_role, variable):
    ids = launch(moto, 1, created_by="barbara")
    # The root's bundle is the test CA alone: trusted only if the variable is read.
    function = empty_root(aws_env(moto, https_proxy.endpoint, **{variable: "/etc/pki/tls/certs/ca-bundle.crt"}),
                          ["invoke", "--event", "-"], stdin=json.dumps(events.run_instances(ids)).encode(),
                          runner_env={"SSL_CERT_FILE": str(throwaway_ca.ca_pem)})
    status, out, err = function.communicate()
    assert status == 0, err
    assert json.loads(out)["tagged"] == [{"instanceId": ids[0], "value": f"{users_role['RoleId']}:barbara"}]


@pytest.fixture
def stub_dns(needs_root):
    try:
        server = StubDNS()
    except OSError as error:
        pytest.fail(f"cannot serve DNS on 127.0.0.54:53: {error}")
    yield server
    server.stop()


def test_names_resolve_through_resolv_conf_and_hosts(empty_root, moto, proxy, stub_dns, users_role):
    # Real AWS endpoints are names: the function's own glibc (bundled or
    # linked in) must resolve them with only Lambda's /etc files, no NSS
    # module to load from the root.
    port = proxy.endpoint.rsplit(":", 1)[1]
    ids = launch(moto, 1, created_by="hopper")
    env = aws_env(moto, f"http://localhost:{port}", AWS_ENDPOINT_URL_EC2=f"http://ec2.tagger-dns.test:{port}")
    function = empty_root(env, ["invoke", "--event", "-"], stdin=json.dumps(events.run_instances(ids)).encode(),
                          runner_env={"EMPTY_ROOT_NAMESERVER": stub_dns.address})
    status, out, err = function.communicate()
    assert status == 0, err
    assert json.loads(out)["tagged"] == [{"instanceId": ids[0], "value": f"{users_role['RoleId']}:hopper"}]
    assert ("ec2.tagger-dns.test", 1) in stub_dns.queries, stub_dns.queries  # EC2 by DNS
    assert not any(name == "localhost" for name, _ in stub_dns.queries)  # IAM by /etc/hosts
