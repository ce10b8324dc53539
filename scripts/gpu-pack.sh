#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs from this machine into .device/ (gitignored): the GPU machine has no
# Node.js, no npm registry and no ../shared, and what travels there besides tracked files is at most 64 MiB,
# which node_modules (~60 MiB) alone nearly fills, hence everything xz-compressed:
#   node.xz               this machine's node binary
#   node_modules.tar.xz   the installed packages (vitest, typescript, cmake-js, node-addon-api, ...)
#   parity.tar.xz         the fixtures the export and the vitest suites read (no video, no encoder feature dumps)
# Each is remade only when its source is newer. Then carry [".device"] to the GPU machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PARITY=${SAM2_PARITY_DIR:-../shared/parity/mini}
LIMIT_MIB=64
mkdir -p .device

node_bin=$(readlink -f "$(command -v node)")
if [[ ! .device/node.xz -nt $node_bin ]]; then
  echo "packing $node_bin"
  xz -T0 -6 -c "$node_bin" >.device/node.xz
fi
if [[ ! .device/node_modules.tar.xz -nt node_modules/.package-lock.json ]]; then
  echo "packing node_modules"
  tar -cf - node_modules | xz -T0 -6 >.device/node_modules.tar.xz
fi
if [[ ! -f .device/parity.tar.xz ]]; then
  echo "packing $PARITY"
  tar -C "$PARITY" -cf - --exclude=./video --exclude='./images/*/high_res_feats_*.bin' \
    --exclude='./images/*/image_embed.bin' . | xz -T0 -6 >.device/parity.tar.xz
fi

ls -l .device/node.xz .device/node_modules.tar.xz .device/parity.tar.xz
total=$(du -cb .device/node.xz .device/node_modules.tar.xz .device/parity.tar.xz | tail -1 | cut -f1)
echo "total $((total / 1048576)) MiB of the ${LIMIT_MIB} MiB that can be carried"
((total < LIMIT_MIB * 1048576)) || { echo "too large to carry" >&2; exit 1; }
