#!/usr/bin/env bash
# Both container smoke tests in one engine state, so the second reuses the images the first built:
# smoke-image.sh (the image alone), then smoke-compose.sh (the compose stack). This is what .ci/run runs.
#
#   scripts/container/smoke.sh
set -euo pipefail
# shellcheck source=scripts/container/lib.sh
source "$(dirname "$0")/lib.sh"

trap 'cleanup_podman_state; total_time' EXIT
select_engine
"$(dirname "$0")/smoke-image.sh"
# One run, no retry: a role that overran its grace while podman's DNS stalled was a bug of the roles (a
# lookup in flight held their exit; test/integration/lifecycle/role-shutdown.test.ts), not noise to retry.
USER_SYNC_REUSE_IMAGES=1 "$(dirname "$0")/smoke-compose.sh"
