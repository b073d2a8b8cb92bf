"""Fixtures and helpers for the checks of the Lambda package (dist/function.zip).

Not a conftest.py: checks/conftest.py is imported as `conftest` by other
checks, and a second module of that name would shadow it.

The zip is built by `make package`; these checks never build it themselves
(a release build with a static libcurl takes minutes). Without a zip they
skip, unless AWS_USERID_TAGGER_REQUIRE_PACKAGE=1 (set by `make package-check`),
where a missing zip fails.
"""
import os
import select
import signal
import socket
import ssl
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
RUNNER = ROOT / "scripts" / "empty-root-run.sh"


@pytest.fixture(scope="session")
def package_zip():
    path = Path(os.environ.get("AWS_USERID_TAGGER_PACKAGE", ROOT / "dist" / "function.zip"))
    if not path.exists():
        message = f"{path} does not exist: run `make package` first"
        if os.environ.get("AWS_USERID_TAGGER_REQUIRE_PACKAGE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def unpacked(package_zip, tmp_path_factory):
    """The zip's files, unpacked with their modes (zipfile ignores them)."""
    target = tmp_path_factory.mktemp("function")
    with zipfile.ZipFile(package_zip) as archive:
        for info in archive.infolist():
            archive.extract(info, target)
            mode = info.external_attr >> 16
            if mode:
                os.chmod(target / info.filename, mode & 0o7777)
    return target


@pytest.fixture(scope="session")
def needs_root():
    if os.geteuid() != 0:
        pytest.skip("the empty root needs root (mount namespace, chroot)")


class EmptyRootProcess:
    """scripts/empty-root-run.sh running the zip's bootstrap; stop() ends it."""

    def __init__(self, zip_path, env, args=(), stdin=None, runner_env=None):
        words = [f"{name}={value}" for name, value in env.items()]
        self.process = subprocess.Popen(
            [str(RUNNER), str(zip_path), "--", *words, *args],
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=dict(os.environ, **(runner_env or {})))
        self._stdin = stdin

    def function_pid(self):
        """The function's pid: the runner's child is unshare, whose child it is."""
        def children(pid):
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as f:
                    return [int(word) for word in f.read().split()]
            except OSError:
                return []
        for unshare in children(self.process.pid):
            for function in children(unshare):
                return function
        raise AssertionError("the function is not running")

    def peak_rss_kib(self):
        """VmHWM of the function: its peak resident set so far."""
        with open(f"/proc/{self.function_pid()}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

    def communicate(self, timeout=60):
        out, err = self.process.communicate(self._stdin, timeout=timeout)
        return self.process.returncode, out.decode(), err.decode()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the runner kills the function
        out, err = self.process.communicate(timeout=30)
        return out.decode(), err.decode()


@pytest.fixture
def empty_root(package_zip, needs_root):
    started = []

    def run(env, args=(), stdin=None, runner_env=None):
        process = EmptyRootProcess(package_zip, env, args, stdin, runner_env)
        started.append(process)
        return process

    yield run
    for process in started:
        process.stop()


class ThrowawayCA:
    """A throw-away CA and a server certificate for 127.0.0.1 (openssl CLI).
    `key="rsa"` with `intermediate=True` has the shape of AWS's endpoints: an
    RSA-2048 root, an intermediate, and a leaf, the server sending leaf and
    intermediate (`cert_pem` holds both)."""

    def __init__(self, directory: Path, key: str = "ec", intermediate: bool = False):
        self.ca_pem, self.cert_pem, self.key_pem = directory / "ca.pem", directory / "server.pem", directory / "server.key"
        ca_key = directory / "ca.key"
        new_key = {"ec": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
                   "rsa": ["-newkey", "rsa:2048", "-nodes"]}[key]

        def openssl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True)

        def issue(name: str, subject: str, issuer_pem: Path, issuer_key: Path, extensions: str) -> tuple[Path, Path]:
            csr, ext = directory / f"{name}.csr", directory / f"{name}.ext"
            pem, private = directory / f"{name}.pem", directory / f"{name}.key"
            openssl("req", *new_key, "-keyout", str(private), "-out", str(csr), "-subj", subject)
            ext.write_text(extensions)
            openssl("x509", "-req", "-in", str(csr), "-CA", str(issuer_pem), "-CAkey", str(issuer_key), "-CAcreateserial",
                    "-out", str(pem), "-days", "2", "-extfile", str(ext))
            return pem, private

        openssl("req", "-x509", *new_key, "-keyout", str(ca_key), "-out", str(self.ca_pem), "-days", "2",
                "-subj", "/CN=aws-userid-tagger test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
        issuer_pem, issuer_key, chain = self.ca_pem, ca_key, []
        if intermediate:
            issuer_pem, issuer_key = issue("intermediate", "/CN=aws-userid-tagger test intermediate", self.ca_pem, ca_key,
                                           "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n")
            chain = [issuer_pem]
        leaf, leaf_key = issue("leaf", "/CN=127.0.0.1", issuer_pem, issuer_key,
                               "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        self.cert_pem.write_text(leaf.read_text() + "".join(c.read_text() for c in chain))
        self.key_pem.write_bytes(leaf_key.read_bytes())


class TLSRelay:
    """HTTPS on 127.0.0.1 in front of a plain HTTP server (the recording proxy):
    terminates TLS with the test CA's certificate and relays bytes unchanged,
    counting the handshakes that succeeded and the ones the client refused."""

    def __init__(self, upstream_port: int, ca: ThrowawayCA, tls_version: ssl.TLSVersion | None = None,
                 ciphers: str | None = None):
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(ca.cert_pem, ca.key_pem)
        if tls_version:
            self._context.minimum_version = self._context.maximum_version = tls_version
        if ciphers:
            self._context.set_ciphers(ciphers)
        self.versions: list[str] = []
        self.ciphers: list[str] = []
        self._upstream_port = upstream_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"https://127.0.0.1:{self._listener.getsockname()[1]}"
        self.handshakes = 0
        self.failed_handshakes: list[str] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn):
        conn.settimeout(30)
        try:
            tls = self._context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as error:
            with self._lock:
                self.failed_handshakes.append(str(error))
            conn.close()
            return
        with self._lock:
            self.handshakes += 1
            self.versions.append(tls.version())
            self.ciphers.append(tls.cipher()[0])
        upstream = socket.create_connection(("127.0.0.1", self._upstream_port))
        try:  # one thread per connection, so the SSL object is never used concurrently
            while True:
                ready = [tls] if tls.pending() else select.select([tls, upstream], [], [], 30)[0]
                if not ready:
                    return
                for source, sink in ((tls, upstream), (upstream, tls)):
                    if source in ready:
                        data = source.recv(65536)
                        if not data:
                            return
                        sink.sendall(data)
        except OSError:
            return
        finally:
            upstream.close()
            tls.close()

    def stop(self):
        self._listener.close()


class StubDNS:
    """A DNS server on a loopback address, port 53 (resolv.conf takes no
    port): answers every A query with 127.0.0.1, every other query with no
    record, and records the names asked for. Enough to prove that the
    function's glibc resolves names through /etc/resolv.conf."""

    def __init__(self, address="127.0.0.54"):
        self.address = address
        self.queries: list[tuple[str, int]] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind((address, 53))
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                packet, client = self._socket.recvfrom(512)
            except OSError:
                return
            try:
                self._socket.sendto(self._answer(packet), client)
            except (IndexError, ValueError, OSError):
                continue

    def _answer(self, packet):
        labels, offset = [], 12
        while packet[offset]:
            length = packet[offset]
            labels.append(packet[offset + 1:offset + 1 + length].decode())
            offset += 1 + length
        qtype = int.from_bytes(packet[offset + 1:offset + 3], "big")
        question = packet[12:offset + 5]
        self.queries.append((".".join(labels), qtype))
        answers = b""
        if qtype == 1:  # A: name pointer to the question, type A, class IN, TTL 60, 4 bytes
            answers = b"\xc0\x0c" + b"\x00\x01\x00\x01" + (60).to_bytes(4, "big") + b"\x00\x04" + bytes([127, 0, 0, 1])
        flags = b"\x81\x80"  # response, recursion desired and available, NOERROR
        counts = b"\x00\x01" + (b"\x00\x01" if answers else b"\x00\x00") + b"\x00\x00\x00\x00"
        return packet[:2] + flags + counts + question + answers

    def stop(self):
        self._socket.close()
