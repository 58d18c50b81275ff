#!/usr/bin/env bash
# Runs the bundled action for real on the example crate, as GitHub's runner runs it (every
# action.yml input set, node 24, the unprivileged user runner, the post step): a cross build
# for linux/arm64 (aarch64-unknown-linux-gnu) with Debian's toolchain, offline. Then runs
# the binary under qemu, verifies the manifest and prints it (scripts/demo.ts).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup-debian.sh"
[ -x "$root/node_modules/.bin/tsx" ] || (cd "$root" && npm ci --no-audit --no-fund)
cd "$root"
exec node_modules/.bin/tsx scripts/demo.ts
