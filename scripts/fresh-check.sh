#!/usr/bin/env bash
# Checks the README's promise on a fresh machine: in a new debootstrapped Debian root (minbase, git
# and ca-certificates, nothing else; no notes folder beside the clone) it clones this repository's
# committed HEAD, runs `scripts/serve.sh`, plays the README's "Try it with the aws CLI" walkthrough
# against that server (after `apt-get install awscli`, as the README says), stops it, then runs
# `scripts/test.sh` (or `--quick`). It prints the wall time of each step and exits non-zero on the
# first failure. Logs stay in WORKDIR/<suite>/*.log.
#
# Usage: scripts/fresh-check.sh [--suite bookworm|trixie]... [--quick | --test-command CMD] [--keep]
#                               [--workdir DIR]
#   --suite   Debian release to check; repeat for several (default: bookworm and trixie, one after
#             the other)
#   --quick   run `scripts/test.sh --quick` (stage 1 only) instead of the whole suite
#   --test-command CMD  run CMD (in the clone, e.g. `docker/test.sh`) instead of scripts/test.sh
#   --keep    keep the root afterwards (default: deleted)
#   --workdir where the roots and logs go (default /var/tmp/cwlogd-fresh)
# Needs root (debootstrap, chroot, mounts) and Debian's mirror; installs debootstrap if missing.
# A server started in the root listens on 127.0.0.1 (the chroot shares the host's network).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
suites=()
test_command=scripts/test.sh
keep=0
workdir=/var/tmp/cwlogd-fresh
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suites+=("$2"); shift 2 ;;
    --quick) test_command="scripts/test.sh --quick"; shift ;;
    --test-command) test_command=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --workdir) workdir=$2; shift 2 ;;
    *) echo "usage: $0 [--suite bookworm|trixie]... [--quick | --test-command CMD] [--keep]" \
         "[--workdir DIR]" >&2; exit 2 ;;
  esac
done
[ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie)
[ "$(id -u)" = 0 ] || { echo "fresh-check: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
# The host's Debian mirror (the deb822 or the one-line format), else Debian's own.
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1 || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
mkdir -p "$workdir"

t0=$SECONDS
say() { printf '[fresh-check %s %5ds] %s\n' "$suite" $((SECONDS - t0)) "$*"; }
step_start=0
begin() { step_start=$SECONDS; say "$*"; }
done_step() { say "  ok in $((SECONDS - step_start)) s"; }

mounts=()
root=
server_pid=
cleanup() {
  local rc=$? i
  set +e
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -R "${mounts[i]}" 2>/dev/null || umount -R -l "${mounts[i]}" 2>/dev/null
  done
  mounts=()
  # --one-file-system: never follow a mount that failed to come off into the host's /dev or /proc.
  if [ -n "$root" ] && [ "$keep" = 0 ]; then rm -rf --one-file-system "$root"; fi
  return "$rc"
}
trap cleanup EXIT

# Runs a command in the root as a new user's login would: root, a clean environment, $HOME.
in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

check_suite() {
  suite=$1
  root=$workdir/$suite
  local logs=$workdir/$suite-logs
  rm -rf --one-file-system "$root" "$logs"
  mkdir -p "$logs"

  begin "debootstrap --variant=minbase --include=git,ca-certificates $suite ($mirror)"
  debootstrap --variant=minbase --include=git,ca-certificates "$suite" "$root" "$mirror" \
    >"$logs/debootstrap.log" 2>&1 || { tail -n 20 "$logs/debootstrap.log"; return 1; }
  done_step
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # The machine's own trust: certificate authorities the host added locally (e.g. a proxy's, through
  # which the package registries are reached here) are trusted in the root too. Nothing else of the
  # host's set-up is copied.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >/dev/null
  fi
  # The root is a mount point, as / is on a machine (podman, in docker/test.sh, remounts /).
  mount --bind "$root" "$root" && mounts+=("$root")
  local m
  for m in proc sys dev; do
    mount --rbind "/$m" "$root/$m" && mount --make-rslave "$root/$m"
    mounts+=("$root/$m")
  done
  mkdir -p "$root/src"
  mount --bind -o ro "$repo" "$root/src" && mounts+=("$root/src")

  begin "git clone (HEAD $(git -C "$repo" rev-parse --short HEAD)) into /root/cwlogd"
  in_root git -c safe.directory='*' clone -q /src /root/cwlogd
  umount "$root/src" && unset 'mounts[${#mounts[@]}-1]'
  done_step

  # scripts/serve.sh: builds and starts the server; its banner names the port.
  begin "scripts/serve.sh --port 0"
  in_root bash -c 'cd /root/cwlogd && exec scripts/serve.sh --port 0' \
    >"$logs/serve.out" 2>"$logs/serve.err" &
  server_pid=$!
  local port='' line
  while [ -z "$port" ]; do
    kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$logs/serve.err"; say "serve.sh exited"; return 1; }
    line=$(grep -m1 '^cwlogd .* listening on ' "$logs/serve.out" 2>/dev/null || true)
    port=$(sed -n 's|.* listening on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' <<<"$line")
    sleep 1
  done
  done_step
  say "  $line"

  # The README's walkthrough, as written: its first ```sh block after "## Try it with the aws CLI",
  # pointed at the port serve.sh got.
  begin "README walkthrough (apt-get install awscli, then the aws CLI commands)"
  awk '/^## Try it with the aws CLI/{s=1} s&&/^```sh/{b=1;next} b&&/^```/{exit} b' \
    "$root/root/cwlogd/README.md" | sed "s/127\.0\.0\.1:4588/127.0.0.1:$port/g" \
    >"$root/root/walkthrough.sh"
  grep -q 'apt-get install' "$root/root/walkthrough.sh" \
    || { say "README walkthrough does not say how to get the aws CLI"; return 1; }
  in_root bash -euxo pipefail /root/walkthrough.sh >"$logs/walkthrough.log" 2>&1 \
    || { tail -n 30 "$logs/walkthrough.log"; return 1; }
  grep -q 'GET /missing 404' "$logs/walkthrough.log" \
    || { say "the walkthrough did not read its events back"; return 1; }
  done_step
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=

  begin "$test_command (log: $logs/test.log)"
  if ! in_root bash -c "cd /root/cwlogd && $test_command" >"$logs/test.log" 2>&1; then
    grep -E '^=== |tests passed|tests failed|FAIL|SKIP' "$logs/test.log" | tail -n 30
    say "$test_command failed"
    return 1
  fi
  grep -E '^=== |tests passed|tests failed|SKIP|PASS' "$logs/test.log" | sed 's/^/    /'
  done_step
  cleanup
  root=
}

for s in "${suites[@]}"; do
  check_suite "$s"
done
say "all suites passed: ${suites[*]}"
