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
# Under podman-compose a container stopped just after a neighbour can find DNS stalled for 10-40 s while
# the network is rewired, and a role that opens a connection while stopping then overruns its grace
# (test/integration/lifecycle/role-shutdown.test.ts covers the role's own side without an engine). One
# such stall fails a run; a second full run of the stack must pass, so a real regression still fails CI.
if ! USER_SYNC_REUSE_IMAGES=1 "$(dirname "$0")/smoke-compose.sh"; then
  log "compose smoke failed once (see above); running the whole stack once more"
  USER_SYNC_REUSE_IMAGES=1 "$(dirname "$0")/smoke-compose.sh"
fi
