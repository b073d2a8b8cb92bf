#!/usr/bin/env bash
# Run a Lambda zip's `bootstrap` in an empty root, as provided.al2023 would:
# a private mount namespace whose root holds only
#   /var/task/...                      the unzipped package, mounted read-only
#   /etc/pki/tls/certs/ca-bundle.crt   a CA bundle (Amazon Linux's path)
#   /tmp                               writable
#   /proc                              mounted (Swift reads /proc/self/cmdline)
#   /bin/sh                            a static busybox, only if bootstrap is a script
# The process runs as Lambda's sandbox user (uid 993), in /var/task, with a
# clean Lambda-like environment; the host's network (and so its loopback) is
# shared, so AWS_LAMBDA_RUNTIME_API can point at a local server.
#
# Usage: scripts/empty-root-run.sh ZIP [-- [NAME=VALUE]... [ARG]...]
#   NAME=VALUE words right after `--` are added to (or override) the
#   environment; the remaining words are arguments to bootstrap.
#   The exit status is bootstrap's. Stop it with SIGTERM to this script's pid.
# Environment: EMPTY_ROOT_KEEP=DIR  build the root in DIR and keep it (DIR must
#   not exist yet); EMPTY_ROOT_PREPARE_ONLY=1 (with EMPTY_ROOT_KEEP) only build
#   it and print the environment, one NAME=VALUE a line, run nothing (the
#   caller mounts /proc and runs: see bench/startup.py);
#   EMPTY_ROOT_COMMAND=PATH run PATH (inside the root) instead of
#   /var/task/bootstrap; EMPTY_ROOT_NAMESERVER=IP also writes the name
#   service files Lambda has: /etc/resolv.conf (that nameserver),
#   /etc/nsswitch.conf (hosts: files dns) and /etc/hosts (localhost).
# Needs root (mount namespace, chroot), util-linux's unshare, unzip, python3
# (and openssl for EMPTY_ROOT_EXTRA_CA).
set -euo pipefail

die() { echo "empty-root-run: error: $*" >&2; exit 125; }

[ $# -ge 1 ] || die "usage: $0 ZIP [-- [NAME=VALUE]... [ARG]...]"
zip_path="$1"; shift
[ -f "$zip_path" ] || die "no such zip: $zip_path (make package writes dist/function.zip)"
if [ $# -gt 0 ]; then
    [ "$1" = "--" ] || die "expected -- after the zip, got '$1'"
    shift
fi
[ "$(id -u)" = 0 ] || die "needs root: it makes a mount namespace and chroots"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/ensure-system-deps.sh" unzip ca-certificates >&2
for tool in unshare unzip python3 mount readelf; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install -y util-linux unzip python3 mount binutils)"
done

# Lambda's own variables for a custom runtime (the documented defaults);
# the caller's NAME=VALUE words override them.
env_vars=(
    PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin
    LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib
    LANG=en_US.UTF-8 TZ=:UTC
    LAMBDA_TASK_ROOT=/var/task LAMBDA_RUNTIME_DIR=/var/runtime _HANDLER=bootstrap
    AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023
    AWS_LAMBDA_FUNCTION_NAME=aws-userid-tagger AWS_LAMBDA_FUNCTION_VERSION='$LATEST'
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128 AWS_LAMBDA_INITIALIZATION_TYPE=on-demand
    AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/aws-userid-tagger
    AWS_LAMBDA_LOG_STREAM_NAME=2026/01/01/[\$LATEST]00000000000000000000000000000000
    AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
)
while [ $# -gt 0 ] && [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
    env_vars+=("$1"); shift
done

ca_source="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
[ -s "$ca_source" ] || die "no CA bundle at $ca_source to copy into the root (apt-get install -y ca-certificates, or set SSL_CERT_FILE)"

if [ -n "${EMPTY_ROOT_KEEP:-}" ]; then
    [ ! -e "$EMPTY_ROOT_KEEP" ] || die "EMPTY_ROOT_KEEP=$EMPTY_ROOT_KEEP exists already"
    mkdir -p "$EMPTY_ROOT_KEEP"
    newroot="$(cd "$EMPTY_ROOT_KEEP" && pwd)"
else
    newroot="$(mktemp -d "${TMPDIR:-/tmp}/empty-root.XXXXXX")"
    trap 'rm -rf "$newroot"' EXIT
fi

mkdir -p "$newroot/var/task" "$newroot/etc/pki/tls/certs" "$newroot/proc" "$newroot/tmp"
chmod 0755 "$newroot"
chmod 1777 "$newroot/tmp"
unzip -q "$zip_path" -d "$newroot/var/task" || die "cannot unzip $zip_path"
cp "$ca_source" "$newroot/etc/pki/tls/certs/ca-bundle.crt"
chmod 0644 "$newroot/etc/pki/tls/certs/ca-bundle.crt"
if [ -n "${EMPTY_ROOT_NAMESERVER:-}" ]; then
    printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$EMPTY_ROOT_NAMESERVER" >"$newroot/etc/resolv.conf"
    printf 'hosts: files dns\n' >"$newroot/etc/nsswitch.conf"
    printf '127.0.0.1 localhost\n::1 localhost\n' >"$newroot/etc/hosts"
    chmod 0644 "$newroot"/etc/resolv.conf "$newroot"/etc/nsswitch.conf "$newroot"/etc/hosts
fi
[ -f "$newroot/var/task/bootstrap" ] || die "$zip_path has no bootstrap at its root"
if [ -n "${EMPTY_ROOT_EXTRA_CA:-}" ]; then
    [ -d "$newroot/var/task/certs" ] || die "EMPTY_ROOT_EXTRA_CA: $zip_path has no certs/ directory"
    subject_hash="$(openssl x509 -noout -subject_hash -in "$EMPTY_ROOT_EXTRA_CA")" \
        || die "EMPTY_ROOT_EXTRA_CA: cannot read a certificate from $EMPTY_ROOT_EXTRA_CA"
    counter=0
    while [ -e "$newroot/var/task/certs/$subject_hash.$counter" ]; do counter=$((counter + 1)); done
    cp "$EMPTY_ROOT_EXTRA_CA" "$newroot/var/task/certs/$subject_hash.$counter"
    chmod 0644 "$newroot/var/task/certs/$subject_hash.$counter"
fi

if [ "$(head -c 2 "$newroot/var/task/bootstrap")" = '#!' ]; then
    "$here/ensure-system-deps.sh" busybox-static >&2
    busybox="$(command -v busybox || true)"
    if [ -z "$busybox" ] || readelf -l "$busybox" 2>/dev/null | grep -q 'Requesting program interpreter'; then
        die "bootstrap is a script: needs a static /bin/sh; apt-get install -y busybox-static"
    fi
    mkdir -p "$newroot/bin"
    cp "$busybox" "$newroot/bin/busybox"
    ln -s busybox "$newroot/bin/sh"
fi

if [ "${EMPTY_ROOT_PREPARE_ONLY:-0}" = 1 ]; then
    [ -n "${EMPTY_ROOT_KEEP:-}" ] || die "EMPTY_ROOT_PREPARE_ONLY=1 needs EMPTY_ROOT_KEEP=DIR"
    printf '%s\n' "${env_vars[@]}"
    exit 0
fi

command_in_root="${EMPTY_ROOT_COMMAND:-/var/task/bootstrap}"
# In the namespace: proc, a read-only /var/task, then chroot, chdir, drop to
# Lambda's sandbox uid/gid and exec with exactly the environment above. The
# function gets SIGKILL when unshare goes away (PR_SET_PDEATHSIG, set after
# setuid, which clears it), and unshare gets SIGKILL when this script is
# told to stop: killing this script's pid stops the function too.
unshare --mount --propagation private --fork --kill-child -- /bin/sh -c '
    set -e
    root="$1"; shift
    mount -t proc proc "$root/proc"
    mount --bind "$root/var/task" "$root/var/task"
    mount -o remount,bind,ro "$root/var/task"
    exec python3 -c "
import ctypes, os, signal, sys
root, cmd, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
env = dict(v.split(\"=\", 1) for v in sys.argv[4:4 + n])
args = sys.argv[4 + n:]
os.chroot(root)
os.chdir(\"/var/task\")
os.setgroups([])
os.setgid(990)
os.setuid(993)
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
os.execve(cmd, [cmd] + args, env)
" "$root" "$@"
' empty-root "$newroot" "$command_in_root" "${#env_vars[@]}" "${env_vars[@]}" "$@" 0<&0 &
child=$!
# The function is unshare's only child: end it first (SIGTERM, as Lambda
# does at shutdown; unshare then exits the same way and leaves no zombie),
# and SIGKILL whatever is still there a moment later.
stop_function() {
    local pids
    pids="$(cat "/proc/$child/task/$child/children" 2>/dev/null || true)"
    [ -z "$pids" ] || kill -TERM $pids 2>/dev/null || true
    sleep 0.1
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    kill -KILL "$child" 2>/dev/null || true
}
trap stop_function TERM INT HUP
# The function writes to the stderr it inherited; bash's own stderr is closed
# from here on, because bash reports a killed job ("Killed ...") there.
exec 2>/dev/null
status=0
wait "$child" || status=$?
if kill -0 "$child" 2>/dev/null; then  # wait was interrupted by a signal
    wait "$child" || true
fi
exit "$status"
