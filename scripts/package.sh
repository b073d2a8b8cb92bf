#!/usr/bin/env bash
# Build dist/function.zip for the provided.al2023 custom runtime. Three forms
# of `bootstrap`, all measured in docs/packaging.md:
#
#   BOOTSTRAP=static (default)  bootstrap is the stripped release binary linked
#       fully statically: Swift stdlib, libcurl, BoringSSL and glibc.
#       No lib/, no loader: the cheapest form (start-up, RSS, size).
#   BOOTSTRAP=binary  bootstrap is the binary linked dynamically against glibc
#       only, ELF interpreter /var/task/lib/ld-linux-x86-64.so.2, RPATH
#       /var/task/lib; lib/ holds the loader, libc, libm, libstdc++, libgcc_s.
#   BOOTSTRAP=script  the repo-root `bootstrap` script, which runs
#       aws-userid-tagger (that same dynamic binary) through lib/'s loader.
#
# CURL=debian (with binary or script) links Debian's shared libcurl and bundles
# its ~30 libraries instead: only for measuring what that costs.
# The unpacked tree is left in dist/function/ (what `build-TaggerFunction`
# copies for SAM).
#
# Usage: scripts/package.sh
# Environment: BOOTSTRAP=static|binary|script, CURL=static|debian, DIST=dir
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

die() { echo "package: error: $*" >&2; exit 1; }
say() { echo "package: $*" >&2; }

bootstrap_form="${BOOTSTRAP:-static}"
case "$bootstrap_form" in static|binary|script) ;;
    *) die "BOOTSTRAP must be 'static', 'binary' or 'script', not '$bootstrap_form'" ;; esac
curl_form="${CURL:-static}"
case "$curl_form" in static|debian) ;; *) die "CURL must be 'static' or 'debian', not '$curl_form'" ;; esac
[ "$curl_form" = static ] || [ "$bootstrap_form" != static ] || die "CURL=debian needs BOOTSTRAP=binary or script"
dist="${DIST:-$root/dist}"
stage="$dist/function"
zip_path="$dist/function.zip"
# One scratch path per way of linking, so switching forms relinks nothing.
case "$bootstrap_form/$curl_form" in
    static/*) scratch="$root/.build-release" ;;
    */static) scratch="$root/.build-release-dynamic" ;;
    *) scratch="$root/.build-release-debian-curl" ;;
esac
linkdir="$root/.build-deps/link"
product=aws-userid-tagger
task_root=/var/task                 # where Lambda unpacks the zip
max_bytes=$((12 * 1000 * 1000))     # refused above this
target_bytes=$((10 * 1000 * 1000))  # the product's size target (warned above it)

# Libraries a dynamic package may still need at run time: glibc and GCC's
# runtime. Anything else (libcurl, libssl, libcrypto, ICU...) means the static
# link of those went wrong.
allowed_needed="libc.so.6 libm.so.6 libstdc++.so.6 libgcc_s.so.1 ld-linux-x86-64.so.2"

[ "$(uname -m)" = x86_64 ] || die "this packages for x86_64 Lambda; run it on an x86_64 machine"
command -v swift >/dev/null || die "swift is not on PATH"
"$here/ensure-system-deps.sh" patchelf zip binutils libc-bin libc6-dev ca-certificates openssl

# 1. Static libcurl, then a directory of .a files searched first, so that
#    -lcurl, -lssl and -lcrypto resolve to archives, not to Debian's .so files.
#    The static libcurl needs libssl and libcrypto after it on the link line
#    (the module maps only name curl and crypto), and BoringSSL libstdc++.
#    Sources/CCrypto compiles against BoringSSL's headers, the library it links.
swift_flags=(-c release --product "$product" --static-swift-stdlib --scratch-path "$scratch")
if [ "$curl_form" = static ]; then
    "$here/build-static-curl.sh"  # builds BoringSSL first
    mkdir -p "$linkdir"
    ln -sfn "$root/.build-deps/curl/lib/libcurl.a" "$linkdir/libcurl.a"
    ln -sfn "$root/.build-deps/boringssl/lib/libssl.a" "$linkdir/libssl.a"
    ln -sfn "$root/.build-deps/boringssl/lib/libcrypto.a" "$linkdir/libcrypto.a"
    swift_flags+=(-Xcc -I -Xcc "$root/.build-deps/boringssl/include"
                  -Xlinker -L -Xlinker "$linkdir" -Xlinker -lssl -Xlinker -lcrypto -Xlinker -lstdc++)
else
    allowed_needed=""  # anything goes: it is all bundled
fi
# glibc's static libc.a: name lookups (getaddrinfo, getpwuid_r) use the
# "files" and "dns" services built into glibc >= 2.34, so the linker's
# warnings that they need glibc's shared NSS modules at run time do not apply
# to Lambda's "hosts: files dns" (checked in the empty root); they are dropped
# from the output below. (-static-pie would keep ASLR for the executable but
# needs lld, and that build crashes at start: see docs/packaging.md.)
[ "$bootstrap_form" != static ] || swift_flags+=(-Xswiftc -static-executable)

# 2. Release build.
say "swift build ${swift_flags[*]}"
swift build "${swift_flags[@]}" 2>&1 | sed '/in statically linked applications requires at runtime the shared libraries/d' >&2 \
    || die "swift build failed (if the error is in a file someone is editing, wait and retry)"
bin="$(swift build "${swift_flags[@]}" --show-bin-path)/$product"
[ -x "$bin" ] || die "the build produced no $bin"

# 3. What the binary still needs from the system.
needed="$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
if [ "$bootstrap_form" = static ]; then
    [ -z "$needed" ] || die "$bin is not fully static: it needs $(echo $needed)"
    headers="$(readelf -l "$bin")"
    [[ "$headers" != *"Requesting program interpreter"* ]] || die "$bin has an ELF interpreter: not fully static"
else
    for lib in $needed; do
        [ -n "$allowed_needed" ] || break
        case " $allowed_needed " in
            *" $lib "*) ;;
            *) die "$bin still needs $lib; expected only: $allowed_needed (readelf -d $bin)" ;;
        esac
    done
fi

# 4. The tree that ships.
rm -rf "$stage"
mkdir -p "$stage"
if [ "$bootstrap_form" != static ]; then
    mkdir -p "$stage/lib"
    # ldd gives the host paths of the whole closure (libstdc++ -> libm, libc...).
    ldd "$bin" | while read -r name arrow path _; do
        case "$name" in
            linux-vdso.so.*) continue ;;
            /*) path="$name"; name="${name##*/}" ;;  # the loader line
        esac
        [ "$arrow" = "=>" ] || [ "${path:0:1}" = / ] || die "cannot resolve $name: ldd says '$name $arrow $path'"
        cp -L "$path" "$stage/lib/$name"
    done
    for lib in $needed; do
        [ -f "$stage/lib/$lib" ] || die "ldd did not resolve $lib"
    done
    [ -f "$stage/lib/ld-linux-x86-64.so.2" ] || die "the loader ld-linux-x86-64.so.2 was not found by ldd"
    chmod 0644 "$stage"/lib/*
    chmod 0755 "$stage/lib/ld-linux-x86-64.so.2"
fi

case "$bootstrap_form" in
    static)
        strip --strip-all -o "$stage/bootstrap" "$bin"
        ;;
    binary)
        strip --strip-all -o "$stage/bootstrap" "$bin"
        # DT_RPATH, not DT_RUNPATH: RPATH is searched before LD_LIBRARY_PATH,
        # which Lambda sets to include /lib64, where AL2023's glibc 2.34 lives.
        patchelf --set-interpreter "$task_root/lib/ld-linux-x86-64.so.2" \
            --force-rpath --set-rpath "$task_root/lib" "$stage/bootstrap"
        ;;
    script)
        strip --strip-all -o "$stage/$product" "$bin"
        chmod 0755 "$stage/$product"
        install -m 0755 "$root/bootstrap" "$stage/bootstrap"
        ;;
esac
chmod 0755 "$stage/bootstrap"

# 4b. The trust store: the build host's public roots (Debian's ca-certificates,
#     i.e. Mozilla's store) as a hashed directory, one file per certificate
#     named by subject hash, which the TLS library reads one issuer at a time
#     instead of parsing a whole bundle at the first handshake (TrustStore.swift).
#     Regular files, not symlinks, so any unzip keeps them.
ca_source=/etc/ssl/certs/ca-certificates.crt
[ -s "$ca_source" ] || die "no $ca_source: apt-get install -y ca-certificates"
split_dir="$(mktemp -d)"
trap 'rm -rf "$split_dir"' EXIT
awk -v dir="$split_dir" '/-----BEGIN CERTIFICATE-----/ { n++; file = sprintf("%s/cert-%03d.pem", dir, n) }
    file != "" { print > file } /-----END CERTIFICATE-----/ { close(file); file = "" }' "$ca_source"
openssl rehash "$split_dir" >/dev/null 2>&1 || die "openssl rehash failed on the certificates of $ca_source"
mkdir -p "$stage/certs"
count=0
for link in "$split_dir"/*; do
    name="${link##*/}"
    [[ "$name" =~ ^[0-9a-f]{8}\.[0-9]+$ ]] || continue
    cp -L "$link" "$stage/certs/$name"
    count=$((count + 1))
done
[ "$count" -ge 100 ] || die "only $count certificates from $ca_source; expected a full public root store"
printf '%s\n' "Trusted roots for TLS verification: $count certificates from Debian's ca-certificates" \
    "$(dpkg-query -W -f '${Version}' ca-certificates 2>/dev/null || echo '(version unknown)') (Mozilla's root store)," \
    "as a hashed directory (openssl rehash). AWS_CA_BUNDLE, SSL_CERT_FILE or SSL_CERT_DIR replace it." > "$stage/certs/SOURCE"
chmod 0644 "$stage"/certs/*
say "trust store: $count certificates in certs/ (hashed directory)"

# 4c. The licenses of what the binary links in beside our own code (which is
#     Apache-2.0: LICENSE): libcurl's, BoringSSL's (as swift-nio-ssl ships
#     it: its Apache-2.0 text and NOTICE), and glibc's (Debian's copyright
#     file and the LGPL-2.1 it names; the static forms link glibc in, and
#     this repository's source relinks it). The Swift runtime and GCC's
#     libstdc++ carry runtime library exceptions that ask for no notice.
mkdir -p "$stage/licenses"
if [ "$curl_form" = static ]; then
    curl_copying="$(ls "$root"/.build-deps/curl-src/curl-*/COPYING 2>/dev/null | head -n 1)"
    [ -n "$curl_copying" ] || die "no COPYING in the curl source under .build-deps/curl-src"
    cp "$curl_copying" "$stage/licenses/curl.txt"
    boringssl="$root/.build-deps/boringssl"
    cat "$boringssl/LICENSE-swift-nio-ssl.txt" "$boringssl/NOTICE-swift-nio-ssl.txt" >"$stage/licenses/boringssl.txt" \
        || die "no license files beside BoringSSL in $boringssl (FORCE=1 scripts/build-static-boringssl.sh)"
fi
# Debian's file names the LGPL's text by a path Lambda does not have: the text follows it.
cat /usr/share/doc/libc6/copyright /usr/share/common-licenses/LGPL-2.1 >"$stage/licenses/glibc.txt" \
    || die "no /usr/share/doc/libc6/copyright or /usr/share/common-licenses/LGPL-2.1"
chmod 0644 "$stage"/licenses/*

# 5. The zip: fixed timestamps and order, so the same build gives the same zip.
find "$stage" -exec touch -h -d '2000-01-01 00:00:00 UTC' {} +
rm -f "$zip_path.tmp"
(cd "$stage" && find . -type f | LC_ALL=C sort | sed 's|^\./||' | zip -q -X -9 "$zip_path.tmp" -@) \
    || die "zip failed"
zip_bytes="$(stat -c %s "$zip_path.tmp")"
if [ "$zip_bytes" -gt "$max_bytes" ] && [ "$curl_form" = static ]; then
    rm -f "$zip_path.tmp"
    die "the zip would be $zip_bytes bytes, over the hard limit of $max_bytes; $zip_path not written"
fi
mv -f "$zip_path.tmp" "$zip_path"

say "bootstrap form: $bootstrap_form; libcurl: $curl_form; NEEDED: $(echo ${needed:-none})"
(cd "$stage" && find . -type f | LC_ALL=C sort | xargs du -b | sed 's|\./||; s/^/package:   /') >&2
say "wrote $zip_path: $zip_bytes bytes"
[ "$zip_bytes" -le "$max_bytes" ] || say "warning: over the hard limit of $max_bytes bytes (CURL=$curl_form is for measuring only)"
[ "$zip_bytes" -le "$target_bytes" ] || say "warning: $zip_path is over the $target_bytes-byte target"
