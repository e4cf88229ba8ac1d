#!/bin/bash
# Container health check: GET /_cwlogd/health on the local cwlogd, with bash's /dev/tcp
# (the image has no curl). Exit 0 when the answer is 200 {"status":"ok"}, 1 otherwise.
# Uses the same CWLOGD_HOST / CWLOGD_PORT as the server (a wildcard host is checked on loopback).
set -u
host=${CWLOGD_HOST:-127.0.0.1}
port=${CWLOGD_PORT:-4588}
case $host in 0.0.0.0 | "" ) host=127.0.0.1 ;; :: | "[::]") host=::1 ;; esac
host=${host#[}; host=${host%]}

{ exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || { echo "unhealthy: cannot connect to $host:$port"; exit 1; }
printf 'GET /_cwlogd/health HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$host" "$port" >&3
IFS= read -r -t 4 status <&3 || { echo "unhealthy: no answer"; exit 1; }
status=${status%$'\r'}
response=$status
while IFS= read -r -t 4 line <&3 || [ -n "${line:-}" ]; do
  response+=$'\n'${line%$'\r'}
  line=
done
exec 3>&-
case $status in
  "HTTP/1."?" 200"*) ;;
  *) echo "unhealthy: $status"; exit 1 ;;
esac
case $response in
  *'"status":"ok"'*) echo "healthy"; exit 0 ;;
  *) echo "unhealthy: unexpected body"; exit 1 ;;
esac
