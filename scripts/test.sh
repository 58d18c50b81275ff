#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: system packages, npm packages,
# then type check, lint, unit tables and end-to-end runs of dist/index.js.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
npm ci --no-audit --no-fund
npm test
