#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: system packages, npm packages,
# then type check, lint, unit tables and end-to-end runs of dist/index.js. Two jest workers
# keep two cores busy (a third one, measured, only made every file slower).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
npm ci --no-audit --no-fund
npm test
