# shellcheck shell=bash disable=SC2034
# Sourced by the container scripts: picks the engine, configures podman where it needs configuring, and
# times each step. Callers set `set -euo pipefail` themselves.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_DIR=${USER_SYNC_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/user-sync-ci}
SCRIPT_STARTED=$(date +%s.%N)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "FAIL: $*"
  exit 1
}

seconds_since() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - start }'; }

# `step "what" command...`: runs the command and prints how long it took, so slow steps show in CI logs.
step() {
  local name=$1 started
  shift
  started=$(date +%s.%N)
  log "--- $name"
  "$@"
  log "--- $name: $(seconds_since "$started") s"
}

total_time() { log "total: $(seconds_since "$SCRIPT_STARTED") s"; }

# Docker where an engine answers; podman otherwise. USER_SYNC_ENGINE=podman|docker forces one.
select_engine() {
  ENGINE=${USER_SYNC_ENGINE:-}
  if [ -z "$ENGINE" ]; then
    if command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
      ENGINE=docker
    elif command -v podman >/dev/null 2>&1; then
      ENGINE=podman
    else
      die "neither a Docker engine (docker info) nor podman is available"
    fi
  fi
  export ENGINE USER_SYNC_ENGINE=$ENGINE
  if [ "$ENGINE" = podman ]; then configure_podman; fi
  log "engine: $ENGINE ($($ENGINE --version))"
}

# Everything podman keeps (images, containers, networks) lives in one folder of this run, so parallel runs
# and other users of podman on the machine never see each other. runc rather than crun, cgroupfs and a
# file events log: crun cannot set RLIMIT_NOFILE in some VMs, and there may be no systemd to talk to.
configure_podman() {
  # A script started by another (base-image.sh by smoke-image.sh, both by smoke.sh) shares its caller's
  # folder, and only the script that made the folder removes it.
  if [ -z "${PODMAN_STATE:-}" ]; then
    if [ -n "${USER_SYNC_PODMAN_STATE:-}" ]; then
      PODMAN_STATE=$USER_SYNC_PODMAN_STATE
    else
      PODMAN_STATE=$(mktemp -d "${TMPDIR:-/tmp}/user-sync-podman.XXXXXX")
      PODMAN_STATE_OWNER=$$
    fi
  fi
  export PODMAN_STATE
  mkdir -p "$PODMAN_STATE/conf"
  cat >"$PODMAN_STATE/conf/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_STATE/events.log"
tmp_dir = "$PODMAN_STATE/tmp"
CONF
  local driver=${USER_SYNC_PODMAN_DRIVER:-overlay}
  cat >"$PODMAN_STATE/conf/storage.conf" <<CONF
[storage]
driver = "$driver"
graphroot = "$PODMAN_STATE/storage"
runroot = "$PODMAN_STATE/run"
CONF
  # Short names (FROM node:20-slim, redis:7) resolve to Docker Hub, as with Docker.
  cat >"$PODMAN_STATE/conf/registries.conf" <<CONF
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
CONF
  export CONTAINERS_CONF=$PODMAN_STATE/conf/containers.conf
  export CONTAINERS_STORAGE_CONF=$PODMAN_STATE/conf/storage.conf
  export CONTAINERS_REGISTRIES_CONF=$PODMAN_STATE/conf/registries.conf
}

# Removes this run's podman storage if this script made it. Containers go first, so no overlay mount is
# left to hold a layer directory busy.
cleanup_podman_state() {
  if [ "${ENGINE:-}" != podman ] || [ "${PODMAN_STATE_OWNER:-}" != "$$" ]; then return 0; fi
  podman rm --all --force --time 0 >/dev/null 2>&1 || true
  podman unmount --all >/dev/null 2>&1 || true
  rm -rf "$PODMAN_STATE" 2>/dev/null || log "could not remove all of $PODMAN_STATE"
}

# Polls `command...` every 0.2 s until it succeeds or `seconds` pass.
wait_for() {
  local what=$1 seconds=$2 deadline
  shift 2
  deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then die "$what: not within ${seconds} s"; fi
    sleep 0.2
  done
}

# The image's tag name for the base image the Dockerfile names (FROM node:20-slim).
BASE_IMAGE=docker.io/library/node:20-slim
