"""What dist/function.zip holds, for each form of bootstrap (docs/packaging.md):
- static: bootstrap is a fully static executable, and nothing else ships
  but the trust store and the licenses;
- binary: bootstrap needs only glibc and GCC's runtime, from /var/task/lib,
  through the loader bundled there;
- script: the repository's bootstrap script, the binary beside it, lib/.
In every form: bootstrap at the root, the trust store in certs/ (a hashed CA
directory), everything readable by Lambda's sandbox user, libcurl and
BoringSSL linked in, the binary stripped, under the size limit."""
import re
import subprocess
import zipfile

import pytest

from checks.package.package_support import ROOT, package_zip, unpacked  # noqa: F401 (fixtures)

HARD_LIMIT = 12_000_000
ALLOWED_NEEDED = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2"}
LOADER = "/var/task/lib/ld-linux-x86-64.so.2"
HASHED_NAME = re.compile(r"certs/[0-9a-f]{8}\.[0-9]+")


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], check=True, capture_output=True, text=True).stdout


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def needed_of(path):
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", readelf("-d", str(path))))


def form_of(unpacked):
    bootstrap = unpacked / "bootstrap"
    if not is_elf(bootstrap):
        return "script"
    return "binary" if "Requesting program interpreter" in readelf("-l", str(bootstrap)) else "static"


def the_binary(unpacked):
    """The function's ELF executable: bootstrap itself, or what the script runs."""
    return unpacked / ("aws-userid-tagger" if form_of(unpacked) == "script" else "bootstrap")


@pytest.fixture(scope="module")
def form(unpacked):
    return form_of(unpacked)


def test_bootstrap_at_the_root_everything_readable_and_size_under_the_limit(package_zip, form):
    with zipfile.ZipFile(package_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
    assert "bootstrap" in infos
    assert not any(name.startswith(("/", "..")) or "/../" in name for name in infos)
    assert package_zip.stat().st_size <= HARD_LIMIT
    # Lambda keeps the zip's modes and runs bootstrap as a sandbox user, not root.
    for name, info in infos.items():
        assert (info.external_attr >> 16) & 0o004, f"{name} is not world-readable ({oct(info.external_attr >> 16)})"
    executables = ["bootstrap"]
    trust_store = sorted(name for name in infos if name.startswith("certs/"))
    licenses = sorted(name for name in infos if name.startswith("licenses/"))
    if form == "static":
        assert sorted(set(infos) - set(trust_store) - set(licenses)) == ["bootstrap"], \
            "a static bootstrap needs nothing but its trust store (and ships its licenses)"
    else:
        executables.append("lib/ld-linux-x86-64.so.2")
    for name in executables:
        assert (infos[name].external_attr >> 16) & 0o001, f"{name} is not executable by others"


def test_what_the_binary_needs_ships_with_it(unpacked, form):
    binary = the_binary(unpacked)
    if form == "static":
        assert "There is no dynamic section" in readelf("-d", str(binary))
        return
    needed = needed_of(binary)
    assert needed, "no NEEDED entries: not a dynamically linked binary?"
    assert needed <= ALLOWED_NEEDED, f"unexpected shared libraries: {sorted(needed - ALLOWED_NEEDED)}"
    bundled = {path.name for path in (unpacked / "lib").iterdir()}
    assert needed <= bundled, f"needed but not bundled: {sorted(needed - bundled)}"
    for library in (unpacked / "lib").iterdir():  # and the bundled ones need nothing else
        if library.name != "ld-linux-x86-64.so.2":
            wants = needed_of(library)
            assert wants <= bundled, f"{library.name} needs {sorted(wants - bundled)}"


def test_libcurl_and_boringssl_are_linked_in_not_imported(unpacked, form):
    binary = the_binary(unpacked)
    # libcurl names its TLS library in its version string ("libcurl/7.88.1 BoringSSL").
    assert b"BoringSSL" in binary.read_bytes(), "libcurl was not built against BoringSSL"
    if form == "static":
        assert "no program interpreter" not in readelf("-l", str(binary))
        assert not needed_of(binary)
        return
    symbols = readelf("--dyn-syms", str(binary))
    # "  12: 0000000000000000  0 FUNC  GLOBAL DEFAULT  UND curl_easy_init@CURL_OPENSSL_4 (2)"; weak ones
    # (BoringSSL's optional OPENSSL_memory_* hooks) are null unless something defines them, never imported.
    undefined = set(re.findall(r" GLOBAL\s+\w+\s+UND ([^@\s]+)", symbols))
    assert undefined, "no undefined symbols read: readelf's format changed?"
    imported = sorted(name for name in undefined if name.startswith(("curl_", "SSL_", "EVP_", "HMAC", "OPENSSL_")))
    assert imported == [], f"imported from a shared library: {imported[:10]}"


def test_bootstrap_is_stripped_and_wired_for_var_task(unpacked, form):
    bootstrap = unpacked / "bootstrap"
    assert ".symtab" not in readelf("-S", str(the_binary(unpacked))), "the binary is not stripped"
    if form == "script":
        assert bootstrap.read_bytes() == (ROOT / "bootstrap").read_bytes(), "ships the repository's bootstrap verbatim"
        return
    headers = readelf("-l", str(bootstrap))
    if form == "static":
        assert "Requesting program interpreter" not in headers
        return
    assert f"[Requesting program interpreter: {LOADER}]" in headers
    dynamic = readelf("-d", str(bootstrap))
    # DT_RPATH (searched before LD_LIBRARY_PATH, which on Lambda lists /lib64
    # and AL2023's older glibc), not DT_RUNPATH.
    assert re.search(r"\(RPATH\)\s+Library rpath: \[/var/task/lib\]", dynamic), dynamic
    assert "(RUNPATH)" not in dynamic


def test_the_licenses_of_what_is_linked_in_ship_with_it(unpacked):
    licenses = unpacked / "licenses"
    assert sorted(path.name for path in licenses.iterdir()) == ["boringssl.txt", "curl.txt", "glibc.txt"]
    assert "Daniel Stenberg" in (licenses / "curl.txt").read_text()  # curl's COPYING
    boringssl = (licenses / "boringssl.txt").read_text()
    assert "Apache License" in boringssl and "boringssl" in boringssl.lower()
    glibc = (licenses / "glibc.txt").read_text()
    assert "GNU C Library" in glibc and "GNU LESSER GENERAL PUBLIC LICENSE" in glibc


def test_the_trust_store_is_a_full_hashed_directory_of_ca_certificates(unpacked):
    """Each file is named as OpenSSL's CAPATH lookup expects: the subject hash
    of the one certificate it holds, a CA's, then a collision counter."""
    certs = unpacked / "certs"
    names = sorted(path.name for path in certs.iterdir())
    hashed = [name for name in names if HASHED_NAME.fullmatch(f"certs/{name}")]
    assert sorted(set(names) - set(hashed)) == ["SOURCE"], names
    assert len(hashed) >= 100, f"only {len(hashed)} roots: not a full public store"
    for name in hashed:
        pem = (certs / name).read_text()
        assert pem.count("-----BEGIN CERTIFICATE-----") == 1, f"{name} holds more than one certificate"
        shown = subprocess.run(["openssl", "x509", "-noout", "-subject_hash", "-ext", "basicConstraints"],
                               input=pem, capture_output=True, text=True, check=True).stdout
        assert shown.splitlines()[0] == name.split(".")[0], f"{name} is not named by its subject hash"
        assert "CA:TRUE" in shown, f"{name} is not a CA certificate"
    assert "Mozilla" in (certs / "SOURCE").read_text()
