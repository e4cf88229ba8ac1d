#!/usr/bin/env bash
# Builds the cwlogd container image (docker/Dockerfile) and smoke-tests it with the aws CLI from the host:
# create a log group and stream, put and read events, restart on the same data (after SIGTERM, and after
# SIGKILL), the data is still there; the image's HEALTHCHECK answers healthy, then unhealthy once stopped.
#
# With a Docker engine (`docker info` works) it builds and runs the image with docker. Without one it
# builds with podman against a debian:bookworm-slim it builds locally (docker/base-image.sh) and, since
# `podman run` is not possible there, runs the image's contents with chroot: the image is mounted, a
# host temp dir is bound as /data, and the image's entrypoint runs as the image's (non-root) user with
# the image's environment, on a free loopback port.
# It prints "SKIP: <reason>" and exits 0 only when neither docker nor podman can be used.
#
# Environment: AWS (aws CLI to use, default `aws`), CWLOGD_IMAGE (tag, default localhost/cwlogd:test),
# CWLOGD_BUILD_JOBS (compile jobs in the image build, default 2).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
image=${CWLOGD_IMAGE:-localhost/cwlogd:test}
jobs=${CWLOGD_BUILD_JOBS:-2}
export PODMAN_IGNORE_CGROUPSV1_WARNING=1  # machines on cgroups v1 (as these): one warning per call
start_time=$SECONDS

log() { printf '[docker/test.sh %4ds] %s\n' $((SECONDS - start_time)) "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
skip() { printf 'SKIP: %s\n' "$*"; exit 0; }

AWS=${AWS:-aws}
command -v "$AWS" >/dev/null || fail "no aws CLI ($AWS); scripts/install-deps.sh test installs one"
AWS=$(command -v "$AWS")
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_SESSION_TOKEN
group=docker-smoke
stream=s1

# ---------------------------------------------------------------------------------------------
# Engine selection
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  engine=docker
else
  engine=chroot
  if [ "$(id -u)" != 0 ]; then
    # Mounting the image and chroot need root.
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      exec sudo -n env "PATH=$PATH" "AWS=$AWS" "CWLOGD_IMAGE=$image" "CWLOGD_BUILD_JOBS=$jobs" "$0" "$@"
    fi
    skip "no Docker engine, and podman+chroot needs root (no passwordless sudo)"
  fi
  log "preparing podman and a local debian:bookworm-slim base image (docker/base-image.sh)"
  if ! "$repo/docker/base-image.sh"; then
    command -v podman >/dev/null || skip "no Docker engine and podman cannot be installed"
    fail "docker/base-image.sh could not build the base image"
  fi
  pull=(--pull=never)
  command -v podman >/dev/null || skip "no Docker engine and no podman"
  chroot_bin=$(command -v chroot) || fail "chroot (coreutils) missing"
fi
log "engine: $engine"

# ---------------------------------------------------------------------------------------------
# State to clean up, whatever happens.
server_pid=      # chroot mode: the cwlogd process
cid=             # docker mode: the container
volume=          # docker mode: the data volume
root=            # chroot mode: where the image is mounted
mounts=()        # chroot mode: bind mounts inside $root, innermost last
tmp=$(mktemp -d)
cleanup() {
  local rc=$?
  set +e
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null
  fi
  [ -n "$cid" ] && docker rm -f "$cid" >/dev/null 2>&1
  [ -n "$volume" ] && docker volume rm -f "$volume" >/dev/null 2>&1
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null
  done
  [ -n "$root" ] && podman image unmount "$image" >/dev/null 2>&1
  rm -rf "$tmp"
  if [ "$rc" = 0 ]; then log "PASS ($((SECONDS - start_time))s)"; else log "FAILED (exit $rc)"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Build
log "building $image (compile jobs: $jobs; the build output is shown only if it fails)"
build_log=$tmp/build.log
build_start=$SECONDS
if [ "$engine" = docker ]; then
  build=(docker build)
else
  build=(podman build --isolation chroot --cgroup-manager cgroupfs "${pull[@]}" --format docker)
  # podman 5 (Debian 13) raises the open-files and process limits to 1048576 for each RUN step,
  # which a machine that forbids raising rlimits (a container, this sandbox) refuses: keep the
  # limits this shell has. podman 4 (Debian 12) lowers its own process limit at start, so there
  # the same flag would be a raise: it gets none.
  podman_major=$(podman version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)
  if [ "${podman_major:-0}" -ge 5 ]; then
    build+=(--ulimit "nofile=$(ulimit -Sn):$(ulimit -Hn)" --ulimit "nproc=$(ulimit -Su):$(ulimit -Hu)")
  fi
fi
if ! "${build[@]}" --build-arg "BUILD_JOBS=$jobs" -t "$image" -f "$repo/docker/Dockerfile" "$repo" \
    >"$build_log" 2>&1; then
  grep -E -B2 -A12 'error:|FAILED:|^Error' "$build_log" | head -n 150 >&2 || true
  echo "--- last lines of the image build:" >&2
  tail -n 40 "$build_log" >&2
  fail "image build failed"
fi
grep -E '^(\[[0-9]+/[0-9]+\] )?STEP ' "$build_log" | sed 's/^/  /'
size=$("${build[0]}" image inspect --format '{{.Size}}' "$image")
log "built $image in $((SECONDS - build_start))s: $((size / 1000000)) MB ($size bytes)"

# ---------------------------------------------------------------------------------------------
# Engine-specific start/stop/health. start_server sets $port (host port) and checks the banner.
banner_re='^cwlogd [^ ]+ listening on http://([^ ]+):([0-9]+) \(data: ([^)]*)\)$'

if [ "$engine" = docker ]; then
  volume=cwlogd-test-$$
  docker volume create "$volume" >/dev/null
  start_server() {
    cid=$(docker run -d --health-interval 2s --health-start-period 10s -p 127.0.0.1::4588 \
      -v "$volume:/data" "$image")
    port=$(docker port "$cid" 4588/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n1)
    [ -n "$port" ] || fail "container publishes no port: $(docker port "$cid")"
    local status='' deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
      status=$(docker inspect --format '{{.State.Health.Status}}' "$cid")
      [ "$status" = healthy ] && break
      [ "$(docker inspect --format '{{.State.Running}}' "$cid")" = true ] \
        || { docker logs "$cid" >&2; fail "container exited"; }
      sleep 1
    done
    [ "$status" = healthy ] || { docker logs "$cid" >&2; fail "container not healthy after 60s: $status"; }
    local line
    line=$(docker logs "$cid" 2>/dev/null | head -n1)
    [[ $line =~ $banner_re ]] || fail "unexpected banner: $line"
    [ "${BASH_REMATCH[1]}:${BASH_REMATCH[2]}:${BASH_REMATCH[3]}" = 0.0.0.0:4588:/data ] \
      || fail "banner should show 0.0.0.0:4588 and /data: $line"
    [ "$(docker exec "$cid" id -u)" != 0 ] || fail "cwlogd runs as root in the container"
    log "container ${cid:0:12} healthy: $line (host port $port)"
  }
  stop_server() { # $1: TERM or KILL
    if [ "$1" = TERM ]; then
      local t0=$SECONDS
      docker stop -t 10 "$cid" >/dev/null
      (( SECONDS - t0 < 10 )) || fail "cwlogd did not stop on SIGTERM within 10s (docker stop killed it)"
    else
      docker kill "$cid" >/dev/null
    fi
    docker rm "$cid" >/dev/null
    cid=
  }
  health_check() { # exit status of the image's HEALTHCHECK command, run in the container
    docker exec "$cid" /usr/local/bin/cwlogd-healthcheck
  }
else
  # Everything `docker run` would take from the image: user, environment, working dir, entrypoint, cmd,
  # health check.
  # (podman shows the docker-format HEALTHCHECK as a top-level "Healthcheck", beside "Config".)
  image_json=$(podman image inspect "$image")
  python_field() {
    python3 -c 'import json,sys
d = json.loads(sys.argv[1]); d = d[0] if isinstance(d, list) else d; c = d.get("Config") or {}
c["Healthcheck"] = d.get("Healthcheck") or c.get("Healthcheck")
exec(sys.argv[2])' "$image_json" "$1"
  }
  image_user=$(python_field 'print(c.get("User") or "root")')
  image_workdir=$(python_field 'print(c.get("WorkingDir") or "/")')
  mapfile -t image_env < <(python_field 'print("\n".join(c.get("Env") or []))')
  mapfile -t image_cmd < <(python_field 'print("\n".join((c.get("Entrypoint") or []) + (c.get("Cmd") or [])))')
  mapfile -t image_health < <(python_field 'print("\n".join((c.get("Healthcheck") or {}).get("Test") or []))')
  [ "${image_health[0]:-}" = CMD ] || fail "image has no HEALTHCHECK CMD: ${image_health[*]:-none}"
  health_cmd=("${image_health[@]:1}")
  printf '%s\n' "${image_env[@]}" | grep -qx 'CWLOGD_DATA_DIR=/data' || fail "image env lacks CWLOGD_DATA_DIR=/data"
  printf '%s\n' "${image_env[@]}" | grep -qx 'CWLOGD_HOST=0.0.0.0' || fail "image env lacks CWLOGD_HOST=0.0.0.0"
  printf '%s\n' "${image_env[@]}" | grep -qx 'CWLOGD_PORT=4588' || fail "image env lacks CWLOGD_PORT=4588"
  python_field 'sys.exit(0 if "4588/tcp" in (c.get("ExposedPorts") or {}) else 1)' || fail "image does not EXPOSE 4588"
  python_field 'sys.exit(0 if "/data" in (c.get("Volumes") or {}) else 1)' || fail "image has no /data volume"

  root=$(podman image mount "$image")
  [ -d "$root" ] || fail "podman image mount gave no directory"
  # The image's user, resolved in the image's own /etc/passwd and /etc/group.
  user_name=${image_user%%:*}
  group_name=${image_user#*:}; [ "$group_name" != "$image_user" ] || group_name=
  uid=$(awk -F: -v u="$user_name" '$1 == u || $3 == u {print $3; exit}' "$root/etc/passwd")
  [ -n "$uid" ] || fail "user $user_name not in the image's /etc/passwd"
  if [ -n "$group_name" ]; then
    gid=$(awk -F: -v g="$group_name" '$1 == g || $3 == g {print $3; exit}' "$root/etc/group")
  else
    gid=$(awk -F: -v u="$user_name" '$1 == u || $3 == u {print $4; exit}' "$root/etc/passwd")
  fi
  [ "$uid" != 0 ] || fail "the image runs cwlogd as root"
  log "image mounted at $root; user $image_user = $uid:$gid; workdir $image_workdir; entrypoint ${image_cmd[*]}"

  datadir=$tmp/data
  mkdir -p "$datadir"
  chown "$uid:$gid" "$datadir"
  chmod 0750 "$datadir"
  bind() { mount --bind "$1" "$root$2"; mounts+=("$root$2"); }
  bind "$datadir" /data
  bind /dev /dev
  bind /proc /proc

  # Runs a command in the image as its user, with its environment (+ overrides), like `docker run/exec`.
  # (start_server spells the same command out, not through this function, so that its `&` pid becomes cwlogd.)
  # shellcheck disable=SC2016  # $0/$@ expand in the image's sh
  in_image() {
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/data \
      "${image_env[@]}" CWLOGD_HOST=127.0.0.1 CWLOGD_PORT="$run_port" \
      "$chroot_bin" --userspec="$uid:$gid" --groups="$gid" "$root" \
      /bin/sh -c 'cd "$0" && exec "$@"' "$image_workdir" "$@"
  }
  alive() { # $1: pid; false once it exited (also while it is an unreaped zombie)
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "${st%% *}" != Z ]
  }
  run=0
  start_server() {
    run=$((run + 1))
    local out=$tmp/server-$run.out err=$tmp/server-$run.err
    # Created before the server starts, so reading them never races the background redirection.
    : >"$out"; : >"$err"
    # shellcheck disable=SC2016
    # Port 0: the server picks a free loopback port and prints it in its banner (first stdout line).
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/data \
      "${image_env[@]}" CWLOGD_HOST=127.0.0.1 CWLOGD_PORT=0 \
      "$chroot_bin" --userspec="$uid:$gid" --groups="$gid" "$root" \
      /bin/sh -c 'cd "$0" && exec "$@"' "$image_workdir" "${image_cmd[@]}" >"$out" 2>"$err" &
    server_pid=$!
    local line='' deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
      line=$(head -n1 "$out")
      [[ $line =~ $banner_re ]] && break
      alive "$server_pid" || { cat "$out" "$err" >&2; fail "cwlogd exited at start"; }
      sleep 0.1
    done
    [[ $line =~ $banner_re ]] || { cat "$out" "$err" >&2; fail "no banner after 30s"; }
    [[ ${BASH_REMATCH[1]} == 127.0.0.1 && ${BASH_REMATCH[3]} == /data ]] \
      || fail "banner should show 127.0.0.1 and the image's CWLOGD_DATA_DIR /data: $line"
    port=${BASH_REMATCH[2]}
    [ "$(stat -c %u "/proc/$server_pid")" = "$uid" ] || fail "cwlogd does not run as uid $uid"
    log "cwlogd pid $server_pid (uid $uid) in the chroot: $line"
  }
  stop_server() { # $1: TERM or KILL
    local i rc=0 stopped=0
    # (stderr off meanwhile: bash would report "Killed" for the job.)
    {
      kill -"$1" "$server_pid"
      for ((i = 0; i < 100; i++)); do alive "$server_pid" || { stopped=1; break; }; sleep 0.1; done
      if ((stopped)); then wait "$server_pid" || rc=$?; fi
    } 2>/dev/null
    ((stopped)) || fail "cwlogd did not stop within 10s of SIG$1 (docker stop would kill it)"
    [ "$1" != TERM ] || [ "$rc" = 0 ] || fail "cwlogd exited with status $rc after SIGTERM"
    server_pid=
  }
  health_check() { run_port=$port; in_image "${health_cmd[@]}"; }
fi

# ---------------------------------------------------------------------------------------------
# The smoke test proper: aws CLI on the host against the server in the image.
awsl() { "$AWS" --endpoint-url "http://127.0.0.1:$port" --output text logs "$@"; }
expect() { # $1: what, $2: expected, $3: actual
  [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
}
messages() {
  awsl get-log-events --log-group-name "$group" --log-stream-name "$stream" --start-from-head \
    --query 'events[].message' | tr '\t' '\n' | sed '/^None$/d;/^$/d' | paste -sd'|' -
}
put() { # messages...
  local now events=() m
  now=$(date +%s000)
  for m in "$@"; do events+=("timestamp=$now,message=$m"); done
  awsl put-log-events --log-group-name "$group" --log-stream-name "$stream" --log-events "${events[@]}" >/dev/null
}
aws_endpoint_env_ok() { # does this aws CLI honour AWS_ENDPOINT_URL? (from v1 1.29.0 and v2 2.13.0)
  local v
  v=$("$AWS" --version 2>&1)
  if [[ $v =~ ^aws-cli/1\.([0-9]+)\. ]]; then
    (( BASH_REMATCH[1] >= 29 ))
  elif [[ $v =~ ^aws-cli/2\.([0-9]+)\. ]]; then
    (( BASH_REMATCH[1] >= 13 ))
  else
    return 1
  fi
}

start_server
health_check >/dev/null || fail "the image's HEALTHCHECK reports unhealthy on a running server"
log "HEALTHCHECK: healthy"

awsl create-log-group --log-group-name "$group"
awsl create-log-stream --log-group-name "$group" --log-stream-name "$stream"
put one two three
expect "events after put" "one|two|three" "$(messages)"
expect "log groups" "$group" "$(awsl describe-log-groups --query 'logGroups[].logGroupName')"
log "created $group/$stream, put and read 3 events"

if aws_endpoint_env_ok; then
  out=$(AWS_ENDPOINT_URL="http://127.0.0.1:$port" LOG_GROUP=compose-example sh "$repo/docker/example-client.sh")
  grep -q 'hello from the example client' <<<"$out" || fail "example-client.sh output: $out"
  log "docker/example-client.sh (compose's client, via AWS_ENDPOINT_URL) works"
else
  log "note: $AWS ignores AWS_ENDPOINT_URL (too old); example-client.sh not run"
fi

stop_server TERM
log "stopped with SIGTERM"
if health_check >/dev/null 2>&1; then fail "HEALTHCHECK says healthy with the server stopped"; fi

start_server
expect "events after restart" "one|two|three" "$(messages)"
expect "log groups after restart" "$group" \
  "$(awsl describe-log-groups --log-group-name-prefix "$group" --query 'logGroups[].logGroupName')"
put four
log "restart 1 (after SIGTERM): data still there; put a 4th event"

stop_server KILL
log "killed with SIGKILL"
start_server
expect "events after SIGKILL restart" "one|two|three|four" "$(messages)"
health_check >/dev/null || fail "HEALTHCHECK unhealthy after restart"
log "restart 2 (after SIGKILL): all 4 acknowledged events there"
stop_server TERM

if [ "$engine" = chroot ]; then
  bad=$(find "$datadir" ! -uid "$uid" | head -n3)
  [ -z "$bad" ] || fail "files in the data volume not owned by uid $uid: $bad"
  [ -n "$(find "$datadir" -type f | head -n1)" ] || fail "the data dir bound at /data stayed empty"
  log "data volume written by uid $uid only ($(du -sh "$datadir" | cut -f1))"
fi
log "image $image: $((size / 1000000)) MB"
