#!/usr/bin/env bash
# Makes sure the engine has the base image the Dockerfile names (node:20-slim). Pulled where a registry
# answers; otherwise a stand-in made on this machine: a minimal Debian bookworm (debootstrap) with this
# machine's Node 20 binary, npm 10 and user `node` (uid 1000), as in the official image. The stand-in's
# root file system is cached under $CACHE_DIR, keyed by the Node version, so only the first run makes it.
#
#   scripts/container/base-image.sh        # after lib.sh's select_engine, or standalone
set -euo pipefail
# shellcheck source=scripts/container/lib.sh
source "$(dirname "$0")/lib.sh"
select_engine

if $ENGINE image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "base image $BASE_IMAGE: present"
  exit 0
fi
if [ "${USER_SYNC_PULL:-1}" = 1 ] && timeout 60 "$ENGINE" pull -q "$BASE_IMAGE" >/dev/null 2>&1; then
  log "base image $BASE_IMAGE: pulled"
  exit 0
fi

node_version=$(node --version)
case "$node_version" in
  v20.*) ;;
  *) die "the stand-in base image needs this machine's node to be 20.x (it is $node_version)" ;;
esac
# Bump the recipe number when what goes into the root file system changes.
cached="$CACHE_DIR/base/node-${node_version}-bookworm-r1.tar"

make_rootfs() {
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is needed to make the base image"
  local work rootfs
  work=$(mktemp -d "${TMPDIR:-/tmp}/user-sync-base.XXXXXX")
  rootfs="$work/rootfs"
  log "debootstrap bookworm (minbase) into $rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 ||
    {
      tail -20 "$work/debootstrap.log" >&2
      die "debootstrap failed"
    }
  install -m 0755 "$(readlink -f "$(command -v node)")" "$rootfs/usr/local/bin/node"
  # npm from the registry, through this machine's npm settings (its CA bundle), installed into the image's prefix.
  npm install --global --prefix "$rootfs/usr/local" --no-audit --no-fund npm@10 >/dev/null
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  mkdir -p "$(dirname "$cached")"
  tar --numeric-owner -C "$rootfs" -cf "$cached.partial" .
  mv "$cached.partial" "$cached"
  rm -rf "$work"
}

if [ ! -f "$cached" ]; then step "make the base root file system" make_rootfs; fi
log "importing $cached as $BASE_IMAGE (a local stand-in: no registry answered)"
$ENGINE import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change 'CMD ["node"]' \
  "$cached" "$BASE_IMAGE" >/dev/null 2>&1 || die "$ENGINE import $cached failed"
