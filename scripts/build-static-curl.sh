#!/usr/bin/env bash
# Build a minimal static libcurl (HTTP and HTTPS over OpenSSL, nothing else)
# from Debian's own source package, the same version as the installed
# libcurl4-openssl-dev headers, and install it under .build-deps/curl/.
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

die() { echo "build-static-curl: error: $*" >&2; exit 1; }
say() { echo "build-static-curl: $*" >&2; }

# The switches are the recipe: a change to them must trigger a rebuild, so
# they are written into the stamp file together with the source version.
configure_flags=(
    --disable-shared --enable-static --with-pic
    --with-openssl
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
"$here/ensure-system-deps.sh" dpkg-dev build-essential

# Version of the headers Swift compiles against (Sources/CCurl includes
# <curl/curl.h>): the static library must be the same release.
src_version="$(dpkg-query -W -f='${source:Version}' libcurl4-openssl-dev)"
upstream_version="${src_version%%-*}"
upstream_version="${upstream_version#*:}"
[ -n "$upstream_version" ] || die "cannot read the version of libcurl4-openssl-dev"

stamp="$prefix/.stamp"
want_stamp="curl $src_version; ${configure_flags[*]}"
if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ -f "$prefix/lib/libcurl.a" ] \
    && [ "$(cat "$stamp")" = "$want_stamp" ]; then
    say "up to date: $prefix/lib/libcurl.a (curl $src_version)"
    exit 0
fi

# deb-src entries derived from the configured Debian sources, so that no host
# name is written in this repository. Only added when apt knows no source yet.
add_deb_src() {
    local out=/etc/apt/sources.list.d/aws-userid-tagger-deb-src.sources
    [ "$(id -u)" = 0 ] || die "no deb-src entry for curl and not root: add one for your Debian mirror, or run as root"
    local tmp
    tmp="$(mktemp)"
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        # deb822: copy each stanza that has Types: deb, as Types: deb-src.
        awk 'BEGIN { RS=""; ORS="\n\n" }
             /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ {
                 sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' \
            /etc/apt/sources.list.d/debian.sources >"$tmp"
    fi
    if [ ! -s "$tmp" ] && [ -f /etc/apt/sources.list ]; then
        # one-line format: deb [opts] URI suite components -> deb-src ...
        out=/etc/apt/sources.list.d/aws-userid-tagger-deb-src.list
        sed -n 's/^[[:space:]]*deb[[:space:]]\+\(.*debian.*\)$/deb-src \1/p' /etc/apt/sources.list >"$tmp"
    fi
    [ -s "$tmp" ] || { rm -f "$tmp"; die "found no Debian 'deb' entry in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list to derive a deb-src entry from"; }
    install -m 0644 "$tmp" "$out"
    rm -f "$tmp"
    say "added $out (derived from the configured Debian sources)"
    apt-get update -qq
}

# (read apt-cache into a variable: `apt-cache | grep -q` fails under pipefail
# when grep stops reading early)
src_versions() { apt-cache showsrc curl 2>/dev/null | sed -n 's/^Version: //p' || true; }
known="$(src_versions)"
if ! grep -qxF "$src_version" <<<"$known"; then
    if [ -z "$known" ]; then
        add_deb_src
    elif [ "$(id -u)" = 0 ]; then
        apt-get update -qq
    fi
fi
known="$(src_versions)"
grep -qxF "$src_version" <<<"$known" \
    || die "the source package curl $src_version (matching libcurl4-openssl-dev) is not available from apt (apt knows: ${known:-none}); run apt-get update or upgrade libcurl4-openssl-dev"

rm -rf "$work" "$prefix"
mkdir -p "$work"
say "fetching and unpacking curl $src_version (Debian patches applied by dpkg-source)"
(cd "$work" && apt-get source -qq "curl=$src_version" >/dev/null) \
    || die "apt-get source curl=$src_version failed"
srcdir="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "curl-$upstream_version*" | head -n 1)"
[ -n "$srcdir" ] && [ -x "$srcdir/configure" ] || die "no configure script in the unpacked source under $work"

# Debian's hardening flags (fortify, stack protector, PIC), plus sections so
# the final link can drop what the function never calls.
cflags="$(dpkg-buildflags --get CFLAGS) -ffunction-sections -fdata-sections"
cppflags="$(dpkg-buildflags --get CPPFLAGS)"
say "configuring and building (logs in $work/build.log)"
(
    cd "$srcdir"
    CFLAGS="$cflags" CPPFLAGS="$cppflags" ./configure --prefix="$prefix" "${configure_flags[@]}"
    make -j"$(nproc)"
    make install
) >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; die "building curl failed; full log: $work/build.log"; }

[ -f "$prefix/lib/libcurl.a" ] || die "make install wrote no $prefix/lib/libcurl.a"
printf '%s' "$want_stamp" >"$stamp"
say "built $prefix/lib/libcurl.a ($("$prefix/bin/curl-config" --version); features: $("$prefix/bin/curl-config" --features | tr '\n' ' '))"
say "protocols: $("$prefix/bin/curl-config" --protocols | tr '\n' ' ')"
