#!/usr/bin/env bash
# Local base images, since no registry is reachable: Debian's busybox-static for each arch,
# imported under the name that xdf's namespace strategy produces (arm64v8/busybox:stable, …).
set -euo pipefail
CACHE=${XDF_E2E_CACHE:-/var/cache/xdf-e2e}
DOCKER=/usr/bin/docker
mkdir -p "$CACHE"
# canonical-name:debian-arch
PAIRS="amd64:amd64 i386:i386 arm32v5:armel arm32v7:armhf arm64v8:arm64 mips64le:mips64el ppc64le:ppc64el s390x:s390x"
# The platform each image must say it is: `docker import --platform` is ignored by docker 20.10,
# and BuildKit, podman and `--platform` builds pull an image whose config names another platform.
platform_of() {
  case $1 in
    amd64) echo amd64 ;; i386) echo 386 ;; arm32v5) echo arm/v5 ;; arm32v7) echo arm/v7 ;;
    arm64v8) echo arm64/v8 ;; *) echo "$1" ;;
  esac
}

# docker save, write architecture/variant into the image config (renamed to its new digest), load.
set_platform() {
  local image=$1 platform=$2 dir
  dir=$(mktemp -d)
  "$DOCKER" save "$image" | tar -C "$dir" -x
  node - "$dir" "$image" "$platform" <<'JS'
const fs = require('fs'), path = require('path'), crypto = require('crypto');
const [dir, image, platform] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
const config = JSON.parse(fs.readFileSync(path.join(dir, manifest[0].Config), 'utf8'));
const [architecture, variant] = platform.split('/');
config.architecture = architecture;
if (variant) config.variant = variant; else delete config.variant;
const text = JSON.stringify(config);
const name = `${crypto.createHash('sha256').update(text).digest('hex')}.json`;
fs.rmSync(path.join(dir, manifest[0].Config));
fs.writeFileSync(path.join(dir, name), text);
manifest[0].Config = name;
manifest[0].RepoTags = [image];
fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
JS
  "$DOCKER" rmi "$image" >/dev/null
  tar -C "$dir" -c . | "$DOCKER" load >/dev/null
  rm -rf "$dir"
}

missing=()
for pair in $PAIRS; do
  name=${pair%%:*}; deb=${pair##*:}
  image=$([ "$name" = amd64 ] && echo busybox:stable || echo "$name/busybox:stable")
  want=$(platform_of "$name")
  have=$("$DOCKER" image inspect -f '{{.Architecture}}/{{.Variant}}' "$image" 2>/dev/null || true)
  [ "${have%/}" = "$want" ] || missing+=("$pair")
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
  set_platform "$image" "$(platform_of "$name")"
  echo "make-base-images: $image from busybox-static:$deb" >&2
done
