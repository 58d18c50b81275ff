#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: system packages, npm packages,
# then type check, lint, unit tables and end-to-end runs of dist/index.js. jest runs three
# files at a time on two cores: one cargo build alone keeps them about 75% busy (links,
# single-threaded crates, qemu and wine runs), so a third file fills the gaps.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
npm ci --no-audit --no-fund
npm test
