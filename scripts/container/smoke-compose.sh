#!/usr/bin/env bash
# Runs the stack as docker-compose.yml defines it (two listeners, three workers, the dashboard), with the
# stand-ins of test/container/compose.smoke.yml for the registry images, and checks what a deployment
# relies on: one listener leads and the other takes over when it stops, every worker joins, the dashboard
# wants its credentials, a user change reaches its copy, and every container stops within its grace.
# Docker Compose v2 where a Docker engine answers, podman-compose otherwise.
#
#   scripts/container/smoke-compose.sh
#
# Env as for smoke-image.sh (USER_SYNC_ENGINE, USER_SYNC_PULL, USER_SYNC_KEEP, USER_SYNC_CI_CACHE), plus
# USER_SYNC_COMPOSE_FILES: more override files, space-separated.
set -euo pipefail
# shellcheck source=scripts/container/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/container/images.sh
source "$(dirname "$0")/images.sh"

PROJECT=us-compose-$$
LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/user-sync-compose-logs.XXXXXX")
# podman-compose stops with 10 s whatever stop_grace_period says: the stricter of the two is the grace.
STOP_GRACE_S=10

select_engine
if [ "$ENGINE" = docker ]; then
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  else
    die "the compose smoke test needs Docker Compose (docker compose or docker-compose)"
  fi
else
  command -v podman-compose >/dev/null 2>&1 || die "podman-compose is needed for the compose smoke test"
  COMPOSE=(podman-compose)
fi
COMPOSE+=(-p "$PROJECT" -f "$REPO_ROOT/docker-compose.yml" -f "$REPO_ROOT/test/container/compose.smoke.yml")
# More override files, say one that turns LOG_LEVEL to debug while looking into a failure.
for extra in ${USER_SYNC_COMPOSE_FILES:-}; do COMPOSE+=(-f "$extra"); done

export DASHBOARD_USER=smoke DASHBOARD_PASSWORD=smoke-password
DASHBOARD_PORT=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); })")
export DASHBOARD_PORT

compose() { "${COMPOSE[@]}" "$@" >>"$LOG_DIR/compose.log" 2>&1; }

containers_of() {
  $ENGINE ps --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" \
    --format '{{.Names}}' | sort
}

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    log "compose log: $LOG_DIR/compose.log"
    local name
    for name in $($ENGINE ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}' 2>/dev/null); do
      log "--- $name"
      $ENGINE logs --tail 15 "$name" >&2 2>/dev/null || true
    done
  fi
  if [ "${USER_SYNC_KEEP:-0}" != 1 ]; then
    compose down -v -t 1 || true
    # podman-compose 1.0 leaves the project's network behind.
    $ENGINE network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
    cleanup_podman_state
    if [ "$status" -eq 0 ]; then rm -rf "$LOG_DIR"; fi
  fi
  total_time
}
trap cleanup EXIT

step "base image" "$(dirname "$0")/base-image.sh"
step "build the Dockerfile" build_app_image
# The image compose names for the roles: built here with the smoke test's settings, never by compose.
$ENGINE tag "$APP_IMAGE" user-sync:local
step "build the emulator stand-in" build_emulator_image
step "redis image" ensure_redis_image
export SMOKE_REDIS_IMAGE=$REDIS_IMAGE

dashboard() { curl -s -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$DASHBOARD_PORT/"; }
readyz() { curl -fsS -o /dev/null "http://127.0.0.1:$DASHBOARD_PORT/readyz"; }
# grep -c reads the whole log: grep -q would stop early, and under pipefail the SIGPIPE that ends
# `logs` then fails the pipeline, so a line that is there would read as missing (one CI run said
# "both listeners lead" that way while one listener had led).
logged() { $ENGINE logs "$1" 2>&1 | grep -c "$2" >/dev/null; }
count_logged() {
  local service=$1 pattern=$2 count=0 name
  for name in $(containers_of "$service"); do
    if logged "$name" "$pattern"; then count=$((count + 1)); fi
  done
  echo "$count"
}
count_is() { [ "$(count_logged "$1" "$2")" = "$3" ]; }

start_stack() {
  compose up -d --no-build || die "compose up failed (log: $LOG_DIR/compose.log)"
  wait_for "the dashboard's /readyz" 90 readyz
}
step "compose up, until the dashboard is ready" start_stack

check_roles() {
  wait_for "3 workers ready" 60 count_is worker '"msg":"worker ready"' 3
  log "workers: $(containers_of worker | tr '\n' ' ')"
  wait_for "one listener leading" 60 count_is listener 'became the active listener' 1
  # The other one stays a standby: still no second leader a lease renewal later.
  sleep 2
  [ "$(count_logged listener 'became the active listener')" = 1 ] || die "both listeners lead"
  [ "$(containers_of listener | wc -l)" = 2 ] || die "expected two listener containers"
}
step "one listener leads, one stands by; three workers" check_roles

check_dashboard() {
  local anonymous authorized
  anonymous=$(dashboard)
  authorized=$(dashboard -u "$DASHBOARD_USER:$DASHBOARD_PASSWORD")
  log "dashboard: $anonymous without credentials, $authorized with them"
  [ "$anonymous" = 401 ] || die "the dashboard answered $anonymous without credentials"
  [ "$authorized" = 200 ] || die "the dashboard answered $authorized with credentials"
}
step "dashboard credentials" check_dashboard

check_convergence() {
  local worker
  worker=$(containers_of worker | head -1)
  log "owner copy: $($ENGINE exec -i "$worker" node - <"$REPO_ROOT/test/container/converge.js")"
}
step "a user change reaches accounts.owner" check_convergence

# Stops one container as compose does (SIGTERM, SIGKILL after the grace) and checks that it exited 0 on
# its own: a SIGKILL would leave 137. The time printed is the engine's whole stop. A role's log line
# "shutdown complete" is not its exit: once 20 s passed after it, probably a name lookup holding the exit,
# which roles no longer make on libuv's thread pool (src/net/subprocess-lookup.ts).
stop_within_grace() {
  local name=$1 started code
  started=$(date +%s%N)
  timeout 120 "$ENGINE" stop -t "$STOP_GRACE_S" "$name" >/dev/null
  code=$($ENGINE inspect --format '{{.State.ExitCode}}' "$name")
  log "stopped $name: exit $code, $((($(date +%s%N) - started) / 1000000)) ms from \`$ENGINE stop\` to its return"
  [ "$code" = 0 ] || die "$name exited $code (137: killed when its ${STOP_GRACE_S} s grace ran out)"
}

check_takeover() {
  local leader standby started listener
  for listener in $(containers_of listener); do
    if logged "$listener" 'became the active listener'; then leader=$listener; else standby=$listener; fi
  done
  stop_within_grace "$leader"
  started=$(date +%s%N)
  wait_for "the standby to take over" 30 logged "$standby" 'became the active listener'
  log "$standby took over $((($(date +%s%N) - started) / 1000000)) ms after $leader stopped"
  check_convergence
}
step "takeover when the leader stops" check_takeover

stop_everything() {
  local service container
  for service in dashboard worker listener redis mongo; do
    for container in $(containers_of "$service"); do stop_within_grace "$container"; done
  done
}
step "every container stops within its grace" stop_everything

log "compose smoke test passed"
