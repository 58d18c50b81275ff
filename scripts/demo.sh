#!/usr/bin/env bash
# Runs the bundled action for real, as a runner would, on the example crate: a cross build
# for linux/arm64 (aarch64-unknown-linux-gnu) with Debian's toolchain, offline. Then runs
# the binary under qemu, verifies the manifest and prints it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup-debian.sh"
[ -d "$root/node_modules" ] || (cd "$root" && npm ci --no-audit --no-fund)

work=$(mktemp -d)
cargo_home=$(bash "$root/scripts/offline-cargo-home.sh" "$work/cargo-home")
: >"$work/outputs"

env -i HOME="$HOME" PATH=/usr/sbin:/usr/bin:/sbin:/bin CARGO_HOME="$cargo_home" \
  GITHUB_WORKSPACE="$root" RUNNER_TEMP="$work/runner-temp" \
  GITHUB_OUTPUT="$work/outputs" GITHUB_STEP_SUMMARY="$work/summary.md" \
  INPUT_TARGET=linux/arm64 INPUT_TOOLCHAIN=system INPUT_WORKING-DIRECTORY=example \
  INPUT_LOCKED=true INPUT_TARGET-CPU=generic \
  node "$root/dist/index.js"

dir="$root/example/target/xbuild/aarch64-unknown-linux-gnu"
echo
echo "== outputs"; cat "$work/outputs"
echo "== the binary, under qemu-aarch64"; qemu-aarch64 -L /usr/aarch64-linux-gnu "$dir/xbuild-example"
echo "== sha256sum -c SHA256SUMS"; (cd "$dir" && sha256sum -c SHA256SUMS)
echo "== $dir/SHA256SUMS"; cat "$dir/SHA256SUMS"
echo "== $dir/manifest.json"; cat "$dir/manifest.json"
