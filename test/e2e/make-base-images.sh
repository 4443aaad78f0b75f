#!/usr/bin/env bash
# Local base images, since no registry is reachable: Debian's busybox-static for each arch,
# imported under the name that xdf's namespace strategy produces (arm64v8/busybox:stable, …).
set -euo pipefail
CACHE=${XDF_E2E_CACHE:-/var/cache/xdf-e2e}
DOCKER=/usr/bin/docker
mkdir -p "$CACHE"
# canonical-name:debian-arch
PAIRS="amd64:amd64 i386:i386 arm32v5:armel arm32v7:armhf arm64v8:arm64 mips64le:mips64el ppc64le:ppc64el s390x:s390x"

missing=()
for pair in $PAIRS; do
  name=${pair%%:*}; deb=${pair##*:}
  image=$([ "$name" = amd64 ] && echo busybox:stable || echo "$name/busybox:stable")
  "$DOCKER" image inspect "$image" >/dev/null 2>&1 || missing+=("$pair")
done
[ ${#missing[@]} -eq 0 ] && { echo "make-base-images: all present" >&2; exit 0; }

added=0
for pair in "${missing[@]}"; do
  deb=${pair##*:}
  dpkg --print-foreign-architectures | grep -qx "$deb" || [ "$deb" = "$(dpkg --print-architecture)" ] || { dpkg --add-architecture "$deb"; added=1; }
done
[ $added = 1 ] && { apt-get update >/dev/null 2>&1 || echo "make-base-images: apt-get update failed in part; going on" >&2; }

for pair in "${missing[@]}"; do
  name=${pair%%:*}; deb=${pair##*:}
  image=$([ "$name" = amd64 ] && echo busybox:stable || echo "$name/busybox:stable")
  deb_file=$(ls "$CACHE"/busybox-static_*_"$deb".deb 2>/dev/null | head -n 1 || true)
  if [ -z "$deb_file" ]; then
    (cd "$CACHE" && apt-get download "busybox-static:$deb" >/dev/null 2>&1) || { echo "make-base-images: cannot download busybox-static:$deb" >&2; exit 1; }
    deb_file=$(ls "$CACHE"/busybox-static_*_"$deb".deb | head -n 1)
  fi
  root=$(mktemp -d)
  dpkg-deb -x "$deb_file" "$root"
  mkdir -p "$root/usr/bin" "$root/tmp" "$root/etc"
  for applet in sh ash cat echo ls uname true false test mkdir cp rm chmod env sleep; do ln -sf /bin/busybox "$root/bin/$applet"; done
  tar -C "$root" -c . | "$DOCKER" import --change 'CMD ["/bin/sh"]' - "$image" >/dev/null
  rm -rf "$root"
  echo "make-base-images: $image from busybox-static:$deb" >&2
done
