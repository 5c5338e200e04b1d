# shellcheck shell=bash
# Sourced after lib.sh: builds the images the smoke tests run. The Dockerfile is built as written; the only
# difference on podman is this machine's npm settings, mounted read-only for the build (nothing of them
# lands in a layer), because the registry may only be reachable through a TLS proxy the machine trusts.

APP_IMAGE=${USER_SYNC_IMAGE:-localhost/user-sync:smoke}
BUILD_IMAGE=localhost/user-sync-build:smoke
EMULATOR_IMAGE=localhost/user-sync-mongo-emulator:smoke
REDIS_STANDIN_IMAGE=localhost/user-sync-redis-standin:smoke

# smoke.sh sets USER_SYNC_REUSE_IMAGES=1 for its second script: the first built every image moments ago.
reusable() { [ "${USER_SYNC_REUSE_IMAGES:-0}" = 1 ] && $ENGINE image inspect "$1" >/dev/null 2>&1; }

build_flags() {
  BUILD_FLAGS=()
  if [ "$ENGINE" != podman ]; then return 0; fi
  # --format docker: the OCI format has no HEALTHCHECK, and podman would drop it with a warning.
  BUILD_FLAGS=(--pull=never --format docker)
  local cafile registry
  cafile=$(npm config get cafile 2>/dev/null || true)
  registry=$(npm config get registry 2>/dev/null || true)
  if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
    BUILD_NPMRC=$PODMAN_STATE/build-npmrc
    printf 'cafile=/run/build-ca.crt\nregistry=%s\n' "$registry" >"$BUILD_NPMRC"
    # npm reads its global config from <prefix>/etc/npmrc: /usr/local in the official image and ours.
    BUILD_FLAGS+=(--volume "$cafile:/run/build-ca.crt:ro" --volume "$BUILD_NPMRC:/usr/local/etc/npmrc:ro")
  fi
}

build_app_image() {
  if reusable "$APP_IMAGE"; then return 0; fi
  build_flags
  $ENGINE build "${BUILD_FLAGS[@]}" -t "$APP_IMAGE" -f "$REPO_ROOT/Dockerfile" "$REPO_ROOT" >"$LOG_DIR/build-app.log" 2>&1 ||
    {
      tail -40 "$LOG_DIR/build-app.log" >&2
      die "building the Dockerfile failed (log: $LOG_DIR/build-app.log)"
    }
  local bytes
  bytes=$($ENGINE image inspect --format '{{.Size}}' "$APP_IMAGE")
  log "image $APP_IMAGE: $((bytes / 1000000)) MB"
}

# The Dockerfile's `build` stage (every layer already cached by build_app_image), then the emulator on it.
build_emulator_image() {
  if reusable "$EMULATOR_IMAGE"; then return 0; fi
  build_flags
  {
    $ENGINE build "${BUILD_FLAGS[@]}" --target build -t "$BUILD_IMAGE" -f "$REPO_ROOT/Dockerfile" "$REPO_ROOT" &&
      $ENGINE build "${BUILD_FLAGS[@]}" --build-arg "BUILD_IMAGE=$BUILD_IMAGE" -t "$EMULATOR_IMAGE" \
        -f "$REPO_ROOT/test/container/emulator.Containerfile" "$REPO_ROOT/test/container"
  } >"$LOG_DIR/build-emulator.log" 2>&1 ||
    {
      tail -40 "$LOG_DIR/build-emulator.log" >&2
      die "building the emulator image failed (log: $LOG_DIR/build-emulator.log)"
    }
}

# `redis:7` where a registry serves it, else Debian's redis-server in an image of its own. Sets REDIS_IMAGE.
ensure_redis_image() {
  REDIS_IMAGE=docker.io/library/redis:7
  if $ENGINE image inspect "$REDIS_IMAGE" >/dev/null 2>&1; then return 0; fi
  if [ "${USER_SYNC_PULL:-1}" = 1 ] && timeout 60 "$ENGINE" pull -q "$REDIS_IMAGE" >/dev/null 2>&1; then return 0; fi
  REDIS_IMAGE=$REDIS_STANDIN_IMAGE
  if reusable "$REDIS_IMAGE"; then return 0; fi
  build_flags
  $ENGINE build "${BUILD_FLAGS[@]}" -t "$REDIS_IMAGE" -f "$REPO_ROOT/test/container/redis.Containerfile" "$REPO_ROOT/test/container" \
    >"$LOG_DIR/build-redis.log" 2>&1 ||
    {
      tail -40 "$LOG_DIR/build-redis.log" >&2
      die "building the redis stand-in failed (log: $LOG_DIR/build-redis.log)"
    }
  log "redis: $REDIS_IMAGE (Debian's redis-server; no registry served redis:7)"
}
