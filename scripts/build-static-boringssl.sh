#!/usr/bin/env bash
# Build static libssl.a and libcrypto.a from BoringSSL, as Apple's
# swift-nio-ssl vendors it (a pinned release, checked by commit), and install
# them with OpenSSL-style headers under .build-deps/boringssl/ for
# scripts/build-static-curl.sh, Sources/CCrypto and the final link.
#
# Why BoringSSL and not OpenSSL 3: the function makes one HTTPS connection per
# cold start, so what counts is a process's first handshake. OpenSSL 3.0 spends
# most of it setting itself up (a method for every algorithm of its providers,
# a decoder context per certificate); BoringSSL has none of that machinery.
# Measured side by side (docs/packaging.md, "The first HTTPS event"): the
# thread that makes that connection runs 4.3 M instructions instead of 10.2 M,
# the whole cold start over HTTPS 10.9 M instead of 17.7 M.
#
# swift-nio-ssl renames every BoringSSL symbol (CNIOBoringSSL_*) so that NIO
# can share a process with another libcrypto. Here BoringSSL is the only one,
# and libcurl's configure and link look for the usual names, so the build
# drops that renaming (the `#define BORINGSSL_PREFIX` lines) and adds
# include/openssl/NAME.h headers that forward to CNIOBoringSSL_NAME.h.
#
# Usage: scripts/build-static-boringssl.sh        (idempotent: skips when built)
#        FORCE=1 scripts/build-static-boringssl.sh (rebuild)
# Needs Swift (its package manager fetches swift-nio-ssl, through
# scripts/boringssl/Package.swift), g++ and root for apt-get when something is
# missing (as in CI).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
prefix="$root/.build-deps/boringssl"
work="$root/.build-deps/boringssl-src"

die() { echo "build-static-boringssl: error: $*" >&2; exit 1; }
say() { echo "build-static-boringssl: $*" >&2; }

# The pin: the swift-nio-ssl release of scripts/boringssl/Package.swift, the
# commit it must resolve to, and the BoringSSL revision that release vendors
# (its Sources/CNIOBoringSSL/hash.txt).
release=2.37.6
commit=6a0b72b1711d3852295049005f43632b48a68f84
boringssl_revision=8eb25be6fa18d475291122887a7bccd3762ff236

"$here/ensure-system-deps.sh" dpkg-dev build-essential
grep -q "exact: \"$release\"" "$here/boringssl/Package.swift" || die "scripts/boringssl/Package.swift does not pin swift-nio-ssl $release"
# Debian's hardening flags (fortify, stack protector, PIC), plus sections so
# the final link can drop what the function never calls.
cflags="$(dpkg-buildflags --get CFLAGS) -ffunction-sections -fdata-sections -fPIC"
cppflags="$(dpkg-buildflags --get CPPFLAGS) -D_GNU_SOURCE -D_POSIX_C_SOURCE=200112L -DNDEBUG"

stamp="$prefix/.stamp"
want_stamp="boringssl $boringssl_revision (swift-nio-ssl $release, $commit); $cflags $cppflags"
if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ -f "$prefix/lib/libssl.a" ] && [ -f "$prefix/lib/libcrypto.a" ] \
    && [ -f "$prefix/LICENSE-swift-nio-ssl.txt" ] && [ "$(cat "$stamp")" = "$want_stamp" ]; then
    say "up to date: $prefix/lib (BoringSSL ${boringssl_revision:0:12})"
    exit 0
fi

rm -rf "$work" "$prefix"
mkdir -p "$work"
say "fetching swift-nio-ssl $release (swift package resolve; logs in $work/resolve.log)"
swift package --package-path "$here/boringssl" --scratch-path "$work/swiftpm" resolve >"$work/resolve.log" 2>&1 \
    || { tail -n 20 "$work/resolve.log" >&2; die "swift package resolve of scripts/boringssl failed"; }
checkout="$work/swiftpm/checkouts/swift-nio-ssl"
fetched="$(git -C "$checkout" rev-parse HEAD)"
[ "$fetched" = "$commit" ] || die "swift-nio-ssl $release resolved to $fetched, not the pinned $commit"
vendored="$checkout/Sources/CNIOBoringSSL"
grep -q "revision $boringssl_revision" "$vendored/hash.txt" \
    || die "swift-nio-ssl $release does not vendor BoringSSL $boringssl_revision ($(cat "$vendored/hash.txt"))"

src="$work/src"
cp -R "$vendored" "$src"
# Keep BoringSSL's own symbol names (see the top of this file).
grep -rlx '#define BORINGSSL_PREFIX CNIOBoringSSL' "$src" | xargs -r sed -i '/^#define BORINGSSL_PREFIX CNIOBoringSSL$/d'
! grep -rqx '#define BORINGSSL_PREFIX CNIOBoringSSL' "$src" || die "a BORINGSSL_PREFIX definition is left in $src"

say "compiling BoringSSL ${boringssl_revision:0:12} (logs in $work/build.log)"
objects="$work/objects"
mkdir -p "$objects"
compile_one() {
    local file="$1" object
    object="$objects/$(printf '%s' "${file#./}" | tr / _).o"
    case "$file" in
        *.cc) g++ -std=c++17 -fno-exceptions -fno-rtti $cflags $cppflags -I include -c "$file" -o "$object" ;;
        *) gcc $cflags $cppflags -I include -c "$file" -o "$object" ;;  # .S: each guards its own CPU and OS
    esac
}
export -f compile_one
export objects cflags cppflags
(
    cd "$src"
    find . \( -name '*.cc' -o -name '*.c' -o -name '*.S' \) -print0 | sort -z \
        | xargs -0 -P "$(nproc)" -I {} bash -c 'compile_one "$1"' _ {}
) >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; die "compiling BoringSSL failed; full log: $work/build.log"; }

mkdir -p "$prefix/lib" "$prefix/include/openssl"
ar rcs "$prefix/lib/libssl.a" "$objects"/ssl_*.o
find "$objects" -name '*.o' ! -name 'ssl_*.o' -print0 | sort -z | xargs -0 ar rcs "$prefix/lib/libcrypto.a"
cp "$src"/include/*.h "$prefix/include/"
for header in "$src"/include/CNIOBoringSSL_*.h; do
    name="$(basename "$header")"
    printf '#include <%s>\n' "$name" >"$prefix/include/openssl/${name#CNIOBoringSSL_}"
done
# The license and notice swift-nio-ssl ships its BoringSSL with, for the zip (scripts/package.sh).
cp "$checkout/LICENSE.txt" "$prefix/LICENSE-swift-nio-ssl.txt"
cp "$checkout/NOTICE.txt" "$prefix/NOTICE-swift-nio-ssl.txt"
printf '%s' "$want_stamp" >"$stamp"
say "built $prefix/lib/libssl.a and libcrypto.a (BoringSSL ${boringssl_revision:0:12})"
