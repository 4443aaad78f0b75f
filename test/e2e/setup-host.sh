#!/usr/bin/env bash
# Makes this Debian host able to build foreign-arch images: Docker, QEMU user-mode emulators,
# binfmt_misc handlers, a running dockerd; then the other engines (setup-engines.sh: a second
# dockerd as an arm64 node, a loopback registry, podman, buildah, skopeo, buildx).
# Idempotent. Exit 1 with the reason when it cannot.
set -euo pipefail
say() { echo "setup-host: $*" >&2; }

[ "$(id -u)" = 0 ] || { say "not root: cannot install Docker and QEMU here"; exit 1; }
command -v apt-get >/dev/null || { say "not Debian (no apt-get): install docker, qemu-user-static and binfmt-support yourself"; exit 1; }

export DEBIAN_FRONTEND=noninteractive
need=()
# runc, not crun, for podman and buildah: Debian's crun refuses a host whose cgroups are hybrid.
for pkg in docker.io qemu-user-static binfmt-support docker-registry podman buildah skopeo runc; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update || say "apt-get update failed in part; going on"
  apt-get install -y --no-install-recommends "${need[@]}" iptables >&2
fi

if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || { say "cannot mount binfmt_misc"; exit 1; }
fi
update-binfmts --enable >/dev/null 2>&1 || true
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { say "no qemu handlers registered in binfmt_misc"; exit 1; }

DOCKER=/usr/bin/docker
if ! "$DOCKER" info >/dev/null 2>&1; then
  # Pulls of absent base images must fail at once instead of waiting on an unreachable registry.
  HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost \
    nohup dockerd --iptables=false --ip6tables=false --bridge=none >/var/log/xdf-e2e-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 1; done
  "$DOCKER" info >/dev/null 2>&1 || { say "dockerd did not start:"; tail -n 20 /var/log/xdf-e2e-dockerd.log >&2; exit 1; }
fi
say "docker $("$DOCKER" version --format '{{.Server.Version}}') ready; binfmt_misc handlers: $(ls /proc/sys/fs/binfmt_misc | grep -c qemu-)"
bash "$(dirname "$0")/setup-engines.sh"
