# Sourced by scripts/build-static-*.sh: fetch a Debian source package.
#   debian_source_versions PACKAGE        the versions apt offers, newest first
#   fetch_debian_source PACKAGE VERSION DIR
#       unpacks PACKAGE=VERSION under DIR with Debian's patches applied; if the
#       mirror has the upstream tarball but not Debian's part, unpacks the
#       upstream tarball alone (and says so). Prints the source directory.
# Needs the caller's die and say functions, dpkg-dev, and root to add a
# deb-src entry when apt knows no sources at all.

debian_source_versions() {
    # read apt-cache into a variable: `apt-cache | grep -q` fails under
    # pipefail when grep stops reading early
    local versions
    versions="$(apt-cache showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' || true)"
    [ -z "$versions" ] || printf '%s\n' "$versions" | sort -rV | uniq
}

# deb-src entries derived from the configured Debian sources, so that no host
# name is written in this repository.
add_deb_src() {
    local out=/etc/apt/sources.list.d/aws-userid-tagger-deb-src.sources
    [ "$(id -u)" = 0 ] || die "apt knows no source packages and this is not root: add a deb-src entry for your Debian mirror, or run as root"
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

# Makes sure apt can fetch PACKAGE=VERSION: adds deb-src entries when there
# are none, refreshes the lists once when the version is unknown.
ensure_debian_source() {
    local package="$1" version="$2" known
    known="$(debian_source_versions "$package")"
    grep -qxF "$version" <<<"$known" && return 0
    if [ -z "$known" ]; then
        add_deb_src
    elif [ "$(id -u)" = 0 ]; then
        apt-get update -qq
    fi
    grep -qxF "$version" <<<"$(debian_source_versions "$package")"
}

fetch_debian_source() {
    local package="$1" version="$2" dir="$3"
    local upstream="${version%%-*}"
    upstream="${upstream#*:}"
    mkdir -p "$dir"
    if (cd "$dir" && apt-get source -qq "$package=$version" >/dev/null 2>&1); then
        find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$package-$upstream*" | head -n 1
        return 0
    fi
    local orig
    orig="$(find "$dir" -maxdepth 1 -name "${package}_${upstream}.orig.tar.*" ! -name '*.asc' | head -n 1)"
    [ -n "$orig" ] || return 1
    say "the mirror has no Debian part for $package $version: building its upstream tarball $(basename "$orig") without Debian's patches"
    tar -xf "$orig" -C "$dir" || return 1
    find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$package-$upstream*" | head -n 1
}
