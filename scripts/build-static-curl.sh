#!/usr/bin/env bash
# Build a minimal static libcurl (HTTP and HTTPS, nothing else) from Debian's
# own source package, the same version as the installed libcurl4-openssl-dev
# headers, against the BoringSSL of scripts/build-static-boringssl.sh (curl's
# OpenSSL backend, which knows BoringSSL), and install it under .build-deps/curl/.
#
# Why: Debian's libcurl pulls ~30 shared libraries (LDAP, RTMP, SSH, IDN, PSL,
# nghttp2, GSSAPI, brotli, zstd...) that the function never uses and that cost
# start-up time and zip size. See docs/packaging.md for the measurements.
#
# Usage: scripts/build-static-curl.sh        (idempotent: skips when built)
#        FORCE=1 scripts/build-static-curl.sh (rebuild)
# Needs root for apt-get when something is missing (as in CI).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
prefix="$root/.build-deps/curl"
work="$root/.build-deps/curl-src"
tls="$root/.build-deps/boringssl"

die() { echo "build-static-curl: error: $*" >&2; exit 1; }
say() { echo "build-static-curl: $*" >&2; }
# shellcheck source=scripts/debian-source.sh
. "$here/debian-source.sh"

"$here/build-static-boringssl.sh"

# The switches are the recipe: a change to them must trigger a rebuild, so
# they are written into the stamp file together with the source version.
configure_flags=(
    --disable-shared --enable-static --with-pic
    --with-openssl="$tls"
    # Lambda's CA bundle as the compiled-in default; the transport still sets
    # CURLOPT_CAINFO itself (SSL_CERT_FILE, then the usual paths).
    --with-ca-bundle=/etc/pki/tls/certs/ca-bundle.crt --without-ca-path
    --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet
    --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp
    --disable-gopher --disable-mqtt --disable-ftp --disable-file
    --disable-manual --disable-ntlm --disable-ntlm-wb --disable-unix-sockets
    --disable-tls-srp --disable-cookies --disable-doh --disable-mime
    --disable-netrc --disable-alt-svc --disable-hsts --disable-progress-meter
    --disable-websockets
    --without-zlib --without-brotli --without-zstd --without-libidn2
    --without-libpsl --without-nghttp2 --without-nghttp3 --without-ngtcp2
    --without-quiche --without-msh3 --without-libssh2 --without-libssh
    --without-wolfssh --without-librtmp --without-gssapi --without-libgsasl
    --without-hyper
)

# dpkg-dev: apt-get source unpacks with dpkg-source, which applies Debian's
# patches; dpkg-buildflags gives Debian's hardening flags.
"$here/ensure-system-deps.sh" dpkg-dev build-essential pkg-config

# Version of the headers Swift compiles against (Sources/CCurl includes
# <curl/curl.h>): the static library must be the same release.
src_version="$(dpkg-query -W -f='${source:Version}' libcurl4-openssl-dev)"
upstream_version="${src_version%%-*}"
upstream_version="${upstream_version#*:}"
[ -n "$upstream_version" ] || die "cannot read the version of libcurl4-openssl-dev"

stamp="$prefix/.stamp"
want_stamp="curl $src_version; ${configure_flags[*]}; $(cat "$tls/.stamp")"
if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ -f "$prefix/lib/libcurl.a" ] \
    && [ "$(cat "$stamp")" = "$want_stamp" ]; then
    say "up to date: $prefix/lib/libcurl.a (curl $src_version)"
    exit 0
fi

ensure_debian_source curl "$src_version" \
    || die "the source package curl $src_version (matching libcurl4-openssl-dev) is not available from apt (apt knows: $(debian_source_versions curl | tr '\n' ' ')); run apt-get update or upgrade libcurl4-openssl-dev"

rm -rf "$work" "$prefix"
mkdir -p "$work"
say "fetching and unpacking curl $src_version (Debian patches applied by dpkg-source)"
srcdir="$(fetch_debian_source curl "$src_version" "$work")" || die "apt-get source curl=$src_version failed"
[ -n "$srcdir" ] && [ -x "$srcdir/configure" ] || die "no configure script in the unpacked source under $work"

# Debian's hardening flags (fortify, stack protector, PIC), plus sections so
# the final link can drop what the function never calls.
cflags="$(dpkg-buildflags --get CFLAGS) -ffunction-sections -fdata-sections"
cppflags="$(dpkg-buildflags --get CPPFLAGS)"
say "configuring and building (logs in $work/build.log)"
(
    cd "$srcdir"
    # BoringSSL is C++ inside: its archives need libstdc++ (and threads) to link.
    LIBS="-lstdc++ -lpthread" CFLAGS="$cflags" CPPFLAGS="$cppflags" ./configure --prefix="$prefix" "${configure_flags[@]}"
    make -j"$(nproc)"
    make install
) >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; die "building curl failed; full log: $work/build.log"; }

[ -f "$prefix/lib/libcurl.a" ] || die "make install wrote no $prefix/lib/libcurl.a"
printf '%s' "$want_stamp" >"$stamp"
say "built $prefix/lib/libcurl.a ($("$prefix/bin/curl-config" --version); features: $("$prefix/bin/curl-config" --features | tr '\n' ' '))"
say "protocols: $("$prefix/bin/curl-config" --protocols | tr '\n' ' ')"
