#!/usr/bin/env bash
# Makes the image build testable on a machine with no Docker engine and no image registry (as the
# project's build machines): installs podman and debootstrap (Debian packages) if missing, then
# builds the base image docker.io/library/debian:bookworm-slim locally from Debian's own packages,
# so that docker/Dockerfile (`FROM debian:bookworm-slim`) builds unchanged with
#   podman build --isolation chroot --cgroup-manager cgroupfs --pull=never ...
# docker/test.sh calls it; it needs root.
#
# Usage: docker/base-image.sh            build the base image if it is not there yet
#        docker/base-image.sh --force    rebuild it
set -euo pipefail
image=docker.io/library/debian:bookworm-slim
export PODMAN_IGNORE_CGROUPSV1_WARNING=1  # machines on cgroups v1 (as these): one warning per call
[ "$(id -u)" = 0 ] || { echo "base-image.sh: needs root" >&2; exit 1; }

if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman debootstrap >/dev/null
fi
if [ "${1:-}" != "--force" ] && podman image exists "$image"; then
  echo "base image $image is present"
  exit 0
fi
# The machine's Debian mirror (the deb822 or the one-line format), else Debian's own.
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1 || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
rootfs=$(mktemp -d)
trap 'rm -rf --one-file-system "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
# A slim image keeps apt's lists empty, as the official one does.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
tar -C "$rootfs" -c . | podman import - "$image" >/dev/null
echo "built base image $image"
