#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: system packages, npm packages,
# then type check, lint, unit tables and end-to-end runs of dist/index.js. Two jest workers
# keep two cores busy (a third one, measured, only made every file slower).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
npm ci --no-audit --no-fund

# The suite's temporary folders (target directories, zig caches, runner temps: about 6 GB a
# run) go into one scratch folder, removed when the suite passes and kept, named, when it
# fails: machines are reused, and runs that each left 6 GB in /tmp would fill the disk.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/rust-xbuild-tests.XXXXXX")
chmod 1777 "$scratch" # as /tmp: the harness runs the action as the user runner
status=0
TMPDIR=$scratch npm test || status=$?
if [ "$status" -eq 0 ]; then
  rm -rf "$scratch"
else
  echo "test.sh: the suite failed (exit $status); its temporary files are kept in $scratch" >&2
fi
exit "$status"
