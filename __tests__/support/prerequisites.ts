/**
 * Suites that need something of the machine (AVX2 to show a CPU leak, rustup with a
 * stable toolchain). Where it is missing the suite is skipped, and jest's summary counts
 * it; in CI, where scripts/setup-debian.sh installs everything, a missing prerequisite
 * fails the run instead of passing with less proof.
 */
import { describe } from '@jest/globals'

/** `missing`: why the suite cannot run here (what it needs), or false when it can: `requires(!avx2 && "AVX2")("suite", ...)`. */
export function requires(missing: string | false | undefined): typeof describe | typeof describe.skip {
  if (!missing) return describe
  if (process.env.CI) throw new Error(`CI must run every suite, and this one cannot run here: ${missing}`)
  return describe.skip
}
