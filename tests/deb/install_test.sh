#!/usr/bin/env bash
# The Debian package installs and serves on a clean Debian 12: debootstrap makes a minimal root
# from Debian's archive, apt installs the package there and resolves its Depends (read from the
# binary by dpkg-shlibdeps), then the unit's own ExecStart runs as the unit's User in that root and
# /healthz and /readyz are read from outside over 127.0.0.1. Also pins what the maintainer scripts
# promise: a system user, its 0750 state directory, the configuration as a conffile readable only
# by the service, an idempotent reinstall, and a purge that keeps the database.
#
# Usage: tests/deb/install_test.sh DIR_WITH_THE_DEB
# Needs root (debootstrap, chroot, mount) and debootstrap; without them it says so and exits 77
# (ctest: skipped). KAL_DEB_TEST_MIRROR overrides the archive (default http://deb.debian.org/debian).
set -euo pipefail

deb_dir=${1:?usage: install_test.sh DIR_WITH_THE_DEB}
mirror=${KAL_DEB_TEST_MIRROR:-http://deb.debian.org/debian}
security_mirror=${KAL_DEB_TEST_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
suite=bookworm

say() { printf 'deb.install: %s\n' "$*" >&2; }
skip() { say "SKIPPED: $*"; exit 77; }
fail() { say "FAILED: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root for debootstrap, chroot and mount (run ctest as root)"
command -v debootstrap >/dev/null || skip "debootstrap is not installed (deploy/install-deps.sh test installs it)"
command -v curl >/dev/null || skip "curl is not installed (deploy/install-deps.sh test installs it)"

shopt -s nullglob
debs=("$deb_dir"/kalendarium_*.deb)
shopt -u nullglob
[ ${#debs[@]} -eq 1 ] || fail "expected one kalendarium_*.deb in $deb_dir, found ${#debs[@]}"
deb=${debs[0]}

work=$(mktemp -d "${TMPDIR:-/var/tmp}/kal-deb-test.XXXXXX")
root=$work/root
serve_pid=
step_pid=
started=$SECONDS

# Runs however the test ends: stops what runs in the root, unmounts, and deletes the work
# directory only when nothing is mounted in it any more (rm never crosses into a mount either).
mounted_under_root() { findmnt -rn -o TARGET | grep -E "^$root(/|\$)" | sort -r || true; }
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$step_pid" ]; then kill -KILL -- "-$step_pid" 2>/dev/null || true; wait "$step_pid" 2>/dev/null || true; fi
    if [ -n "$serve_pid" ]; then kill -KILL "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null || true
    done
    for p in $(mounted_under_root); do umount "$p" 2>/dev/null || umount -l "$p" || true; done
    if [ -n "$(mounted_under_root)" ]; then
        say "left $work in place: something is still mounted under it"
    else
        rm -rf --one-file-system "$work"
    fi
    say "took $((SECONDS - started)) s"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

# Every step has a deadline and all of them one together (KAL_DEB_TEST_BUDGET, below ctest's
# TIMEOUT), so the test ends and cleans up rather than hangs or is killed. A step runs in the
# background so that INT/TERM interrupt the wait at once; timeout(1) leads its own process group.
budget=${KAL_DEB_TEST_BUDGET:-420}
deadline=$((SECONDS + budget))
step() {
    local seconds=$1 what=$2; shift 2
    local t0=$SECONDS left=$((deadline - SECONDS))
    [ "$left" -gt 0 ] || fail "out of time ($budget s) before: $what"
    [ "$seconds" -le "$left" ] || seconds=$left
    timeout --kill-after=10 "$seconds" "$@" >"$work/step.log" 2>&1 &
    step_pid=$!
    local status=0
    wait "$step_pid" || status=$?
    # On failure step_pid stays set: cleanup kills what is left of the step's process group.
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$work/step.log" >&2
        [ "$status" -eq 124 ] && fail "$what took over $seconds s"
        fail "$what (exit $status)"
    fi
    step_pid=
    say "$what: $((SECONDS - t0)) s"
}

# Commands inside the root, with a clean environment (arrays, not functions: timeout and & need
# a program).
in_root=(chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root
    DEBIAN_FRONTEND=noninteractive)

curl -sfI --max-time 20 "$mirror/dists/$suite/Release" >/dev/null ||
    fail "Debian's archive ($mirror) does not answer; the test needs it (KAL_DEB_TEST_MIRROR sets another)"

# The root lives in memory: dpkg's fsyncs cost nothing there, and unmounting it removes it all.
mkdir "$root"
mount -t tmpfs -o size=1g,mode=0755 kal-deb-test "$root"
step 300 "debootstrap --variant=minbase $suite" debootstrap --variant=minbase "$suite" "$root" "$mirror"
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
EOF
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/"
deb_in_root=/tmp/$(basename "$deb")

step 120 "apt-get update" "${in_root[@]}" apt-get update -qq
# Without Recommends: the Depends alone must be enough, as in the container image.
step 300 "apt-get install ./$(basename "$deb")" "${in_root[@]}" apt-get install -y -qq --no-install-recommends "$deb_in_root"

# What postinst promised.
[ "$("${in_root[@]}" dpkg-query -W -f='${Status}' kalendarium)" = "install ok installed" ] || fail "kalendarium is not installed"
missing=$("${in_root[@]}" ldd /usr/bin/kalendarium | grep 'not found' || true)
[ -z "$missing" ] || fail "libraries the package's Depends did not bring: $missing"
IFS=: read -r _ _ uid gid _ home shell < <("${in_root[@]}" getent passwd kalendarium) || fail "no user kalendarium"
[ "$uid" -lt 1000 ] || fail "kalendarium is not a system user (uid $uid)"
[ "$home" = /var/lib/kalendarium ] || fail "kalendarium's home is $home"
case "$shell" in */nologin | */false) ;; *) fail "kalendarium has a login shell ($shell)" ;; esac
# Owners as numbers: the host's names for the root's ids are other users.
owner() { stat -c '%u:%g %a' "$root$1"; }
[ "$(owner /var/lib/kalendarium)" = "$uid:$gid 750" ] || fail "state directory: $(owner /var/lib/kalendarium), want $uid:$gid 750"
[ "$(owner /etc/kalendarium/kalendarium.toml)" = "0:$gid 640" ] ||
    fail "configuration: $(owner /etc/kalendarium/kalendarium.toml), want 0:$gid 640 (root:kalendarium)"
"${in_root[@]}" dpkg-query -W -f='${Conffiles}\n' kalendarium | grep -q '^ /etc/kalendarium/kalendarium.toml ' ||
    fail "the configuration is not a conffile"

# The unit's command line, as the unit's user; from / so that no relative path can pass.
unit=$root/lib/systemd/system/kalendarium.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
unit_user=$(sed -n 's/^User=//p' "$unit")
[ -n "$exec_start" ] && [ -n "$unit_user" ] || fail "the unit has no ExecStart or User"
read -r -a exec_argv <<<"$exec_start"
as_service=(chroot --userspec="$uid:$gid" "$root" /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8)
[ "$("${in_root[@]}" id -u "$unit_user")" = "$uid" ] || fail "the unit runs as $unit_user, the package made kalendarium"

# ExecStart is "BINARY serve OPTIONS": migrate with the same options.
[ "${exec_argv[1]:-}" = serve ] || fail "ExecStart does not run serve: $exec_start"
step 60 "kalendarium migrate" "${as_service[@]}" "${exec_argv[0]}" migrate "${exec_argv[@]:2}"
[ "$(stat -c %u "$root/var/lib/kalendarium/kalendarium.db" 2>/dev/null)" = "$uid" ] ||
    fail "no database in /var/lib/kalendarium owned by the service"

# serve on a free port; it dies with this script (pdeathsig is set after the user change, which
# would clear it).
"${as_service[@]}" /usr/bin/setpriv --pdeathsig KILL -- "${exec_argv[@]}" --port 0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
port=
for _ in $(seq 300); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/serve.out")
    [ -n "$port" ] && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/serve.err" >&2; fail "kalendarium serve did not start listening within 30 s"; }
health=$(curl -sS --max-time 10 "http://127.0.0.1:$port/healthz") || fail "GET /healthz"
[ "$health" = '{"status":"ok"}' ] || fail "GET /healthz answered $health"
ready=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")
[ "$ready" = 200 ] || fail "GET /readyz answered $ready: the service cannot use its database"
say "serve as $unit_user: /healthz and /readyz answer on 127.0.0.1:$port"
kill -TERM "$serve_pid"
if ! timeout 20 tail --pid="$serve_pid" -f /dev/null; then fail "serve did not stop within 20 s of SIGTERM"; fi
set +e; wait "$serve_pid"; serve_status=$?; set -e
serve_pid=
[ "$serve_status" -eq 0 ] || { cat "$work/serve.err" >&2; fail "serve exited with $serve_status after SIGTERM"; }

# Installing again runs postinst on an existing user, directory and override.
step 120 "reinstall" "${in_root[@]}" dpkg -i "$deb_in_root"
[ "$("${in_root[@]}" id -u kalendarium)" = "$uid" ] || fail "reinstall changed the user"
[ "$(owner /etc/kalendarium/kalendarium.toml)" = "0:$gid 640" ] || fail "reinstall changed the configuration's permissions"

# Purge takes the program, the unit and the configuration, and keeps the data.
step 120 "apt-get purge kalendarium" "${in_root[@]}" apt-get purge -y -qq kalendarium
for gone in /usr/bin/kalendarium /lib/systemd/system/kalendarium.service /etc/kalendarium; do
    [ ! -e "$root$gone" ] || fail "$gone is still there after purge"
done
[ -z "$("${in_root[@]}" dpkg-statoverride --list /etc/kalendarium/kalendarium.toml || true)" ] ||
    fail "purge left the configuration's statoverride"
[ -f "$root/var/lib/kalendarium/kalendarium.db" ] || fail "purge deleted the database"
say "installed, migrated, served, reinstalled and purged in a clean Debian 12 root"
