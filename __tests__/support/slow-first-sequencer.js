// Runs the test files that take minutes first. On a fresh CI machine jest has no timings
// cached and orders by file size, which started the target matrix and the registry builds
// last, so one worker ran them alone at the end. Longest first keeps every worker busy.
import Sequencer from '@jest/test-sequencer'

/** The slowest files, slowest first (seconds measured in a CI-like run on 2 cores). */
const SLOW = [
  'e2e/targets/registry.test.ts',
  'e2e/targets/matrix.test.ts',
  'e2e/targets/matrix-arm.test.ts',
  'e2e/package/linux-packages.test.ts',
  'e2e/targets/windows.test.ts',
  'e2e/build/cross.test.ts',
  'e2e/targets/zig-limits.test.ts',
  'e2e/reproducible/reproducible.test.ts',
  'e2e/build/cdeps.test.ts',
  'e2e/build/baseline.test.ts',
  'e2e/verify/verify.test.ts',
]

const rank = (test) => {
  const index = SLOW.findIndex((name) => test.path.endsWith(`/__tests__/${name}`))
  return index < 0 ? SLOW.length : index
}

export default class SlowFirstSequencer extends Sequencer.default {
  sort(tests) {
    // jest's own order (failed first, then by cached time or size) within each rank.
    const ordered = super.sort(tests)
    return [...ordered].sort((a, b) => rank(a) - rank(b))
  }
}
