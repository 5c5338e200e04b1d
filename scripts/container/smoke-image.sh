#!/usr/bin/env bash
# Builds the Dockerfile as written and runs the image's `all` role against Redis and the MongoDB emulator,
# each in a container of its own on one network. Checks /readyz, the non-root user, the HEALTHCHECK and
# that SIGTERM exits 0 well within SHUTDOWN_TIMEOUT_MS. Docker where an engine answers, podman otherwise.
#
#   scripts/container/smoke-image.sh
#
# Env: USER_SYNC_ENGINE=docker|podman, USER_SYNC_PULL=0 (never try a registry), USER_SYNC_KEEP=1 (leave
# the containers and podman's state for a look), USER_SYNC_CI_CACHE (base image cache, ~/.cache/user-sync-ci).
set -euo pipefail
# shellcheck source=scripts/container/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/container/images.sh
source "$(dirname "$0")/images.sh"

RUN_ID=us-smoke-$$
NETWORK=$RUN_ID
SHUTDOWN_TIMEOUT_MS=10000
LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/user-sync-smoke-logs.XXXXXX")

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -n "${ENGINE:-}" ]; then
    tail -20 "$LOG_DIR/engine.log" >&2 2>/dev/null || true
    local name
    for name in app mongo redis; do
      $ENGINE logs --tail 30 "$RUN_ID-$name" >&2 2>/dev/null || true
    done
  fi
  if [ "${USER_SYNC_KEEP:-0}" != 1 ] && [ -n "${ENGINE:-}" ]; then
    $ENGINE rm --force --time 0 "$RUN_ID-app" "$RUN_ID-mongo" "$RUN_ID-redis" >/dev/null 2>&1 || true
    $ENGINE network rm "$NETWORK" >/dev/null 2>&1 || true
    cleanup_podman_state
    if [ "$status" -eq 0 ]; then rm -rf "$LOG_DIR"; fi
  fi
  total_time
}
trap cleanup EXIT

select_engine
step "base image" "$(dirname "$0")/base-image.sh"
step "build the Dockerfile" build_app_image
step "build the emulator stand-in" build_emulator_image
step "redis image" ensure_redis_image

start_backends() {
  $ENGINE network create "$NETWORK" >/dev/null
  $ENGINE run -d --name "$RUN_ID-redis" --network "$NETWORK" --network-alias redis "$REDIS_IMAGE" \
    redis-server --save '' --appendonly no >/dev/null 2>>"$LOG_DIR/engine.log"
  $ENGINE run -d --name "$RUN_ID-mongo" --network "$NETWORK" --network-alias mongo "$EMULATOR_IMAGE" \
    >/dev/null 2>>"$LOG_DIR/engine.log"
}
step "start redis and the emulator" start_backends

readyz() { curl -fsS -o /dev/null "http://127.0.0.1:$APP_PORT/readyz"; }

start_app() {
  $ENGINE run -d --name "$RUN_ID-app" --network "$NETWORK" -p 127.0.0.1::3000 \
    -e MONGO_URL='mongodb://mongo:27017/app?replicaSet=rs0' -e REDIS_URL=redis://redis:6379 \
    -e DASHBOARD_USER=smoke -e DASHBOARD_PASSWORD=smoke-password \
    -e SHUTDOWN_TIMEOUT_MS="$SHUTDOWN_TIMEOUT_MS" "$APP_IMAGE" all >/dev/null 2>>"$LOG_DIR/engine.log"
  APP_PORT=$($ENGINE port "$RUN_ID-app" 3000/tcp | head -1 | sed 's/.*://')
  wait_for "/readyz 200" 60 readyz
}
step "start \`all\`, until /readyz answers 200" start_app

check_user() {
  local uid
  uid=$($ENGINE exec "$RUN_ID-app" id -u)
  [ "$uid" = 1000 ] || die "the app runs as uid $uid, not 1000"
  log "runs as uid $uid ($($ENGINE exec "$RUN_ID-app" id -un))"
}
step "non-root user" check_user

check_cli_on_path() {
  $ENGINE exec "$RUN_ID-app" user-sync --help | grep -q '^Usage: user-sync' ||
    die "user-sync is not on the image's PATH"
  log "user-sync --help answers inside the container"
}
step "the CLI on PATH" check_cli_on_path

health_status() { $ENGINE inspect --format '{{.State.Health.Status}}' "$RUN_ID-app"; }
check_healthcheck() {
  local test
  test=$($ENGINE inspect --format '{{json .Config.Healthcheck}}' "$RUN_ID-app")
  case "$test" in *healthz*) ;; *) die "the image has no HEALTHCHECK on /healthz: $test" ;; esac
  if [ "$ENGINE" = podman ]; then
    # Podman schedules checks through systemd timers, which a machine without systemd lacks: run one now.
    podman healthcheck run "$RUN_ID-app" || die "podman healthcheck run: unhealthy"
  else
    wait_for "docker to report healthy" 60 sh -c "[ \"\$($ENGINE inspect --format '{{.State.Health.Status}}' $RUN_ID-app)\" = healthy ]"
  fi
  log "healthcheck: $(health_status)"
}
step "HEALTHCHECK" check_healthcheck

check_sigterm() {
  local started exit_code elapsed_ms
  started=$(date +%s%N)
  $ENGINE kill --signal TERM "$RUN_ID-app" >/dev/null
  exit_code=$(timeout $((SHUTDOWN_TIMEOUT_MS / 1000 + 10)) "$ENGINE" wait "$RUN_ID-app" 2>>"$LOG_DIR/engine.log")
  elapsed_ms=$((($(date +%s%N) - started) / 1000000))
  log "SIGTERM -> exit $exit_code in $elapsed_ms ms (SHUTDOWN_TIMEOUT_MS=$SHUTDOWN_TIMEOUT_MS)"
  [ "$exit_code" = 0 ] || die "exit code $exit_code after SIGTERM"
  [ "$elapsed_ms" -lt "$SHUTDOWN_TIMEOUT_MS" ] || die "took $elapsed_ms ms to stop"
}
step "SIGTERM exits 0 within SHUTDOWN_TIMEOUT_MS" check_sigterm

log "image smoke test passed"
