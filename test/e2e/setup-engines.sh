#!/usr/bin/env bash
# The engines beyond the main dockerd, for builds across several machines (per-arch nodes, lists
# whose per-arch tags are indexes, the one-Dockerfile-for-every-arch file). Called by
# setup-host.sh once the main dockerd runs. Idempotent; exit 1 with the reason when it cannot.
#
# What a test can count on afterwards (also written to $ENV_FILE as KEY=value lines):
#   XDF_E2E_REGISTRY=127.0.0.1:5300   Debian's docker-registry on loopback, plain HTTP, deletes on.
#       Every dockerd trusts 127.0.0.0/8 over HTTP without flags; podman, buildah and skopeo need
#       --tls-verify=false; docker manifest needs --insecure; buildx imagetools needs nothing.
#   XDF_E2E_ARM_CONTEXT=xdf-arm-node   a docker context naming a second dockerd (the arm64 node):
#   XDF_E2E_ARM_HOST=unix:///run/xdf-arm-node.sock   its own data-root, exec-root, pidfile and
#       bridge (xdfarm0), no iptables. Same amd64 kernel: its arm RUN steps still go through
#       binfmt_misc. Holds the same base images as the main dockerd. BuildKit RUN steps work there
#       without --network host (the main dockerd has no bridge and needs it).
#   XDF_E2E_PODMAN_CONNECTION=xdf-podman-node   a podman connection to a second podman service
#   XDF_E2E_PODMAN_HOST=unix:///run/xdf-podman-node.sock   (its own store; the base images).
#       Root's own podman store holds the base images too, as localhost/<name>.
#   XDF_E2E_BUILDX_CONFIG=/var/lib/xdf-e2e/docker-config-buildx   a DOCKER_CONFIG whose
#       cli-plugins hold Debian trixie's docker-buildx (its static binary runs here) and whose
#       contexts hold xdf-arm-node. The default config has no buildx on purpose: a docker CLI of
#       version 23 or later (the one in /usr/local/bin) then fails `DOCKER_BUILDKIT=1 docker
#       build` with "BuildKit is enabled but the buildx component is missing or broken".
#       It has a config.json: podman and buildah refuse to run when DOCKER_CONFIG names a folder
#       without one ("checking authfile: stat …/config.json: no such file or directory").
# Measured facts the tests rely on:
# - Debian's docker.io 20.10.24: its daemon's BuildKit (v0.8) expands `ARG TARGETARCH` in
#   `FROM stage-${TARGETARCH}${TARGETVARIANT}` to "" ("failed to parse stage name "stage-"");
#   buildx with this daemon (docker driver) does the same and refuses several platforms. The
#   legacy builder refuses `FROM --platform=$BUILDPLATFORM` ("failed to parse platform").
# - Its CLI (20.10) cannot read OCI indexes ("no such manifest"); `docker manifest create` on a
#   per-arch tag that is an index fails with "… is a manifest list".
# - podman/buildah (4.3.1/1.28.2) expand TARGETARCH in FROM and build only the stages a platform
#   needs. `podman build --output type=local` exports the state BEFORE the last step when that
#   step is a cache hit: export with --no-cache (or --layers=false).
# - `podman manifest add LIST docker://INDEX` picks the HOST's platform from an index (so fails
#   for arm tags) even with --arch; `--all` adds every entry (attestations lose their
#   annotations); `buildah manifest add --arch … --variant …` picks that platform's entry.
# - `docker buildx imagetools create -t LIST TAG…` flattens per-arch indexes into one index (their
#   attestation manifests kept beside the platforms). The docker CLI 28 in /usr/local/bin reads
#   indexes: `docker manifest inspect TAG` then `docker manifest create LIST REPO@sha256:<entry>`.
set -euo pipefail
say() { echo "setup-engines: $*" >&2; }
fail() { say "$*"; exit 1; }
# Runs a command quietly; shows what it said on stderr when it fails.
quiet() { "$@" 2>"$STATE/step.err" >/dev/null || { cat "$STATE/step.err" >&2; return 1; }; }

HERE=$(cd "$(dirname "$0")" && pwd)
DOCKER=/usr/bin/docker
STATE=/var/lib/xdf-e2e
CACHE=${XDF_E2E_CACHE:-/var/cache/xdf-e2e}
ENV_FILE=$STATE/engines.env
REGISTRY=127.0.0.1:5300
NODE=xdf-arm-node
NODE_SOCK=/run/xdf-arm-node.sock
NODE_BRIDGE=xdfarm0
NODE_NET=172.31.251.1/24
PODMAN_NODE=xdf-podman-node
PODMAN_SOCK=/run/xdf-podman-node.sock
BUILDX_CONFIG=$STATE/docker-config-buildx
# Pulls of absent images must fail at once instead of waiting on an unreachable registry.
OFFLINE=(env HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost)

[ "$(id -u)" = 0 ] || fail "not root: cannot start daemons here"
for tool in dockerd docker-registry podman buildah skopeo ip; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run setup-host.sh (it installs the Debian packages)"
done
"$DOCKER" info >/dev/null 2>&1 || fail "the main dockerd does not answer: run setup-host.sh"
mkdir -p "$STATE" "$CACHE"
bash "$HERE/make-base-images.sh" # the base images every engine gets
BASES=$("$DOCKER" images --format '{{.Repository}}:{{.Tag}}' | grep -E '^([a-z0-9]+/)?busybox:stable$' | sort)

# Starts a daemon detached from this script (own session, no inherited pipes: the test runner
# waits for those to close) and waits until CHECK succeeds.
start() {
  local name=$1 log=$2 check=$3; shift 3
  setsid nohup "$@" </dev/null >"$log" 2>&1 &
  for _ in $(seq 1 60); do eval "$check" >/dev/null 2>&1 && return 0; sleep 1; done
  say "$name did not start:"; tail -n 20 "$log" >&2; exit 1
}

# --- the loopback registry ---------------------------------------------------------------
listening() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }
if ! listening "$REGISTRY"; then
  cat >"$STATE/registry.yml" <<EOF
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $STATE/registry }
  delete: { enabled: true }
http: { addr: $REGISTRY }
EOF
  start docker-registry /var/log/xdf-e2e-registry.log "listening $REGISTRY" \
    docker-registry serve "$STATE/registry.yml"
fi

# --- the second dockerd: the arm64 node ---------------------------------------------------
# A bridge of its own: with --bridge none a dockerd deletes the docker0 of the other one.
if ! ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
  ip link add "$NODE_BRIDGE" type bridge || fail "cannot create the bridge $NODE_BRIDGE"
  ip addr add "$NODE_NET" dev "$NODE_BRIDGE" || fail "cannot give $NODE_BRIDGE the address $NODE_NET"
fi
ip link set "$NODE_BRIDGE" up
on_node() { "$DOCKER" -H "unix://$NODE_SOCK" "$@"; }
if ! on_node info >/dev/null 2>&1; then
  mkdir -p /var/lib/xdf-arm-node /run/xdf-arm-node
  start "the second dockerd" /var/log/xdf-arm-node-dockerd.log "on_node info" \
    "${OFFLINE[@]}" dockerd --data-root /var/lib/xdf-arm-node --exec-root /run/xdf-arm-node \
    --pidfile /run/xdf-arm-node.pid -H "unix://$NODE_SOCK" --bridge "$NODE_BRIDGE" \
    --iptables=false --ip6tables=false
fi
missing=()
for image in $BASES; do
  [ "$(on_node image inspect -f '{{.Id}}' "$image" 2>/dev/null)" = "$("$DOCKER" image inspect -f '{{.Id}}' "$image")" ] ||
    missing+=("$image")
done
[ ${#missing[@]} -eq 0 ] || "$DOCKER" save "${missing[@]}" | quiet on_node load || fail "cannot load the base images into $NODE"

# The context, in the default docker config and in the buildx one.
for config in "${DOCKER_CONFIG:-$HOME/.docker}" "$BUILDX_CONFIG"; do
  mkdir -p "$config"
  [ -f "$config/config.json" ] || echo '{}' >"$config/config.json"
  if [ "$(DOCKER_CONFIG=$config "$DOCKER" context inspect -f '{{.Endpoints.docker.Host}}' "$NODE" 2>/dev/null)" != "unix://$NODE_SOCK" ]; then
    DOCKER_CONFIG=$config "$DOCKER" context rm -f "$NODE" >/dev/null 2>&1 || true
    DOCKER_CONFIG=$config quiet "$DOCKER" context create "$NODE" --description "second dockerd: the arm64 node" \
      --docker "host=unix://$NODE_SOCK" || fail "cannot create the docker context $NODE"
  fi
done
[ "$("$DOCKER" --context "$NODE" version -f '{{.Server.Version}}' 2>/dev/null)" != "" ] ||
  fail "the docker context $NODE does not answer"

# --- podman: root's store and a second podman service as a node ---------------------------
load_podman() { # podman-command…: loads the base images it lacks
  local have image need=()
  have=$("$@" images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null || true)
  for image in $BASES; do grep -qxF "localhost/$image" <<<"$have" || need+=("$image"); done
  [ ${#need[@]} -eq 0 ] || "$DOCKER" save "${need[@]}" | quiet "$@" load || fail "cannot load the base images into $*"
}
load_podman podman
if ! podman --url "unix://$PODMAN_SOCK" version >/dev/null 2>&1; then
  mkdir -p /var/lib/xdf-podman-node /run/xdf-podman-node
  start "the podman service" /var/log/xdf-podman-node.log "podman --url unix://$PODMAN_SOCK version" \
    "${OFFLINE[@]}" podman --root /var/lib/xdf-podman-node/storage --runroot /run/xdf-podman-node/run \
    system service --time=0 "unix://$PODMAN_SOCK"
fi
# Root's connections live in /etc/containers/containers.conf; the first one added becomes the
# default, which only podman-remote and `podman --remote` follow.
connections=$(podman system connection ls --format '{{.Name}} {{.URI}}' 2>/dev/null || true)
grep -qxF "$PODMAN_NODE unix://$PODMAN_SOCK" <<<"$connections" ||
  { podman system connection rm "$PODMAN_NODE" >/dev/null 2>&1 || true
    quiet podman system connection add "$PODMAN_NODE" "unix://$PODMAN_SOCK" || fail "cannot add the podman connection $PODMAN_NODE"; }
load_podman podman --connection "$PODMAN_NODE"

# --- buildx: Debian trixie's docker-buildx, for `docker buildx imagetools` ----------------
# Not in bookworm. Downloaded through a private sources list that reuses this machine's own
# Debian mirror (Suites: trixie); nothing of trixie enters the system's apt state.
if ! DOCKER_CONFIG=$BUILDX_CONFIG "$DOCKER" buildx version >/dev/null 2>&1; then
  deb=$(ls "$CACHE"/docker-buildx_*.deb 2>/dev/null | head -n 1 || true)
  if [ -z "$deb" ]; then
    mirror=$(awk 'tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i ~ /^(bookworm|trixie|stable|sid)$/) { print uri; exit } }' \
      /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 ~ /^(bookworm|trixie|stable|sid)$/ { print $2; exit }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
    [ -n "$mirror" ] || fail "no Debian mirror in /etc/apt/sources.list.d to fetch trixie's docker-buildx from"
    apt=$(mktemp -d)
    printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" >"$apt/trixie.sources"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial"
    opts=(-o "Dir::Etc::SourceList=$apt/trixie.sources" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::Archives=$apt/archives"
      -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root)
    apt-get "${opts[@]}" update >/dev/null 2>&1 || fail "apt-get update of trixie from $mirror failed"
    (cd "$CACHE" && apt-get "${opts[@]}" download docker-buildx >/dev/null 2>&1) ||
      fail "cannot download trixie's docker-buildx from $mirror"
    rm -rf "$apt"
    deb=$(ls "$CACHE"/docker-buildx_*.deb | head -n 1)
  fi
  root=$(mktemp -d)
  dpkg-deb -x "$deb" "$root"
  mkdir -p "$BUILDX_CONFIG/cli-plugins"
  install -m 0755 "$root/usr/libexec/docker/cli-plugins/docker-buildx" "$BUILDX_CONFIG/cli-plugins/"
  rm -rf "$root"
  DOCKER_CONFIG=$BUILDX_CONFIG "$DOCKER" buildx version >/dev/null 2>&1 || fail "trixie's docker-buildx does not run here"
fi

cat >"$ENV_FILE" <<EOF
XDF_E2E_REGISTRY=$REGISTRY
XDF_E2E_ARM_CONTEXT=$NODE
XDF_E2E_ARM_HOST=unix://$NODE_SOCK
XDF_E2E_PODMAN_CONNECTION=$PODMAN_NODE
XDF_E2E_PODMAN_HOST=unix://$PODMAN_SOCK
XDF_E2E_BUILDX_CONFIG=$BUILDX_CONFIG
EOF
say "registry $REGISTRY; docker context $NODE ($(on_node version -f '{{.Server.Version}}')); podman connection $PODMAN_NODE;" \
  "$(DOCKER_CONFIG=$BUILDX_CONFIG "$DOCKER" buildx version | cut -d' ' -f1-2) in $BUILDX_CONFIG; see $ENV_FILE"
