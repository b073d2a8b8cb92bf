"""What dist/function.zip holds: bootstrap at the root, the loader and only
glibc and GCC's runtime under lib/, everything Lambda needs readable, and the
binary wired to /var/task/lib (docs/packaging.md)."""
import re
import subprocess
import zipfile

from package_support import ROOT, package_zip, unpacked  # noqa: F401 (fixtures)

HARD_LIMIT = 12_000_000
ALLOWED_NEEDED = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2"}
LOADER = "/var/task/lib/ld-linux-x86-64.so.2"


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], check=True, capture_output=True, text=True).stdout


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def the_binary(unpacked):
    """The function's ELF executable: bootstrap itself, or what the script runs."""
    bootstrap = unpacked / "bootstrap"
    return bootstrap if is_elf(bootstrap) else unpacked / "aws-userid-tagger"


def test_bootstrap_at_the_root_loader_under_lib_and_size_under_the_limit(package_zip):
    with zipfile.ZipFile(package_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
    assert "bootstrap" in infos
    assert "lib/ld-linux-x86-64.so.2" in infos
    assert not any(name.startswith(("/", "..")) or "/../" in name for name in infos)
    assert package_zip.stat().st_size <= HARD_LIMIT
    # Lambda keeps the zip's modes: bootstrap and the loader must be executable,
    # everything readable by the sandbox user (not root).
    for name, info in infos.items():
        mode = info.external_attr >> 16
        assert mode & 0o004, f"{name} is not world-readable ({oct(mode)})"
    for name in ("bootstrap", "lib/ld-linux-x86-64.so.2"):
        assert (infos[name].external_attr >> 16) & 0o001, f"{name} is not executable by others"


def test_only_glibc_and_the_gcc_runtime_are_needed_and_all_are_bundled(unpacked):
    binary = the_binary(unpacked)
    dynamic = readelf("-d", str(binary))
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic))
    assert needed, "no NEEDED entries: not a dynamically linked binary?"
    assert needed <= ALLOWED_NEEDED, f"unexpected shared libraries: {sorted(needed - ALLOWED_NEEDED)}"
    bundled = {path.name for path in (unpacked / "lib").iterdir()}
    assert needed <= bundled, f"needed but not bundled: {sorted(needed - bundled)}"
    # The bundled libraries need nothing that is not bundled either.
    for library in (unpacked / "lib").iterdir():
        if library.name == "ld-linux-x86-64.so.2":
            continue
        wants = set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", readelf("-d", str(library))))
        assert wants <= bundled, f"{library.name} needs {sorted(wants - bundled)}"


def test_libcurl_and_openssl_are_linked_in_not_imported(unpacked):
    symbols = readelf("--dyn-syms", str(the_binary(unpacked)))
    # "  12: 0000000000000000  0 FUNC  GLOBAL DEFAULT  UND curl_easy_init@CURL_OPENSSL_4 (2)"
    undefined = set(re.findall(r" UND ([^@\s]+)", symbols))
    assert undefined, "no undefined symbols read: readelf's format changed?"
    imported = sorted(name for name in undefined if name.startswith(("curl_", "SSL_", "EVP_", "HMAC", "OPENSSL_")))
    assert imported == [], f"imported from a shared library: {imported[:10]}"


def test_a_binary_bootstrap_loads_the_bundled_glibc_from_var_task(unpacked):
    bootstrap = unpacked / "bootstrap"
    if not is_elf(bootstrap):
        # The script form: it must be the repository's bootstrap, verbatim.
        assert bootstrap.read_bytes() == (ROOT / "bootstrap").read_bytes()
        assert is_elf(unpacked / "aws-userid-tagger")
        return
    headers = readelf("-l", str(bootstrap))
    assert f"[Requesting program interpreter: {LOADER}]" in headers
    dynamic = readelf("-d", str(bootstrap))
    # DT_RPATH (searched before LD_LIBRARY_PATH, which on Lambda lists /lib64
    # and AL2023's older glibc), not DT_RUNPATH.
    assert re.search(r"\(RPATH\)\s+Library rpath: \[/var/task/lib\]", dynamic), dynamic
    assert "(RUNPATH)" not in dynamic
    assert ".symtab" not in readelf("-S", str(bootstrap)), "bootstrap is not stripped"

