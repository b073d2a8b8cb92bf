#!/usr/bin/env bash
# Build static libssl and libcrypto from Debian's OpenSSL source, trimmed to
# what AWS's endpoints and our signer use, and install them under
# .build-deps/openssl/ for scripts/build-static-curl.sh and the final link.
#
# Why: OpenSSL 3.0 builds, at the first handshake of a process, a method for
# every algorithm its providers offer (all ciphers, digests, key types,
# decoders), and creates a decoder context over all of them for each
# certificate it reads. Leaving out the algorithms no AWS endpoint uses
# (ARIA, Camellia, SM2/3/4, DES, DSA, DH, GOST, ...) removes about a third of
# the first HTTPS call's instructions (docs/packaging.md, "Measurements").
# Not loading a configuration file at start (no-autoload-config) also means
# no openssl.cnf can switch providers or engines in, and no-module,
# no-engine mean none can be loaded at all.
#
# Usage: scripts/build-static-openssl.sh        (idempotent: skips when built)
#        FORCE=1 scripts/build-static-openssl.sh (rebuild)
# Needs root for apt-get when something is missing (as in CI).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
prefix="$root/.build-deps/openssl"
work="$root/.build-deps/openssl-src"

die() { echo "build-static-openssl: error: $*" >&2; exit 1; }
say() { echo "build-static-openssl: $*" >&2; }
# shellcheck source=scripts/debian-source.sh
. "$here/debian-source.sh"

# The switches are the recipe: a change to them must trigger a rebuild, so
# they are written into the stamp file together with the source version.
configure_flags=(
    linux-x86_64 no-shared no-module no-dso no-engine no-legacy no-autoload-config
    # Amazon Linux's layout, should anything ask for OpenSSL's default paths
    # (the transport always names its trust store: TrustStore.swift).
    --openssldir=/etc/pki/tls
    # Algorithms no AWS endpoint negotiates and nothing of ours calls. Kept:
    # AES (GCM, CBC, CTR), ChaCha20-Poly1305, SHA-1/2/3, HMAC, HKDF, RSA,
    # RSA-PSS, ECDSA, ECDH on the NIST curves, X25519/X448, Ed25519/Ed448.
    no-aria no-bf no-blake2 no-camellia no-cast no-des no-dh no-dsa no-ec2m no-gost
    no-idea no-md4 no-mdc2 no-ocb no-rc2 no-rc4 no-rc5 no-rmd160 no-scrypt no-seed
    no-siphash no-siv no-sm2 no-sm3 no-sm4 no-whirlpool no-weak-ssl-ciphers
    # Protocols and formats the function never speaks.
    no-ssl3 no-tls1 no-tls1_1 no-dtls no-srtp no-sctp no-srp no-nextprotoneg
    no-cms no-cmp no-ts no-comp no-rfc3779 no-ui-console no-afalgeng no-tests
)

"$here/ensure-system-deps.sh" dpkg-dev build-essential perl

# The version of the headers Swift compiles against (Sources/CCrypto), when
# the mirror has its source; otherwise the newest source of the same release
# series (3.0.x keeps one ABI).
installed="$(dpkg-query -W -f='${source:Version}' libssl-dev)"
series="${installed#*:}"
series="${series%.*}"
[ -n "$series" ] || die "cannot read the version of libssl-dev"
cflags="$(dpkg-buildflags --get CFLAGS) -ffunction-sections -fdata-sections"
cppflags="$(dpkg-buildflags --get CPPFLAGS)"

stamp="$prefix/.stamp"
if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ -f "$prefix/lib/libssl.a" ] && [ -f "$prefix/lib/libcrypto.a" ] \
    && [[ "$(cat "$stamp")" == "openssl $series."*"; ${configure_flags[*]}; $cflags $cppflags" ]]; then
    say "up to date: $prefix/lib ($(head -c 40 "$stamp"))"
    exit 0
fi

ensure_debian_source openssl "$installed" || true
candidates=("$installed")
while read -r version; do
    [ "$version" != "$installed" ] && [[ "${version#*:}" == "$series."* ]] && candidates+=("$version")
done < <(debian_source_versions openssl)

rm -rf "$work" "$prefix"
srcdir="" version=""
for candidate in "${candidates[@]}"; do
    rm -rf "$work"
    if srcdir="$(fetch_debian_source openssl "$candidate" "$work")" && [ -n "$srcdir" ] && [ -x "$srcdir/Configure" ]; then
        version="$candidate"
        break
    fi
    say "could not fetch the source of openssl $candidate"
    srcdir=""
done
[ -n "$srcdir" ] || die "no source of openssl $series.x is available from apt (tried: ${candidates[*]}); run apt-get update"
[ "$version" = "$installed" ] || say "libssl-dev is $installed; building the source of $version (same $series series)"

say "configuring and building openssl $version (logs in $work/build.log)"
(
    cd "$srcdir"
    ./Configure --prefix="$prefix" --libdir=lib "${configure_flags[@]}" $cppflags $cflags
    make -j"$(nproc)" build_libs
    make install_dev
) >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; die "building openssl failed; full log: $work/build.log"; }

[ -f "$prefix/lib/libssl.a" ] && [ -f "$prefix/lib/libcrypto.a" ] || die "make install_dev wrote no libssl.a/libcrypto.a under $prefix/lib"
printf '%s' "openssl ${version#*:}; ${configure_flags[*]}; $cflags $cppflags" >"$stamp"
say "built $prefix/lib/libssl.a and libcrypto.a (openssl $version)"
