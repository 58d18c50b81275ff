/**
 * protoc for build scripts (prost-build, tonic-build): it runs on the build host, so
 * PROTOC must point at a host binary. Version facts, pure.
 *
 * protoc changed its numbering at 3.20: `libprotoc 3.21.12` is release 21.12 in today's
 * numbering, `libprotoc 25.1` is 25.1. Both spellings are accepted for the minimum.
 */
import { compareVersions } from '../common/version.js'

/** `3.21.12` → `21.12`; `25.1` → `25.1`. */
export function normalizeProtocVersion(version: string): string {
  const match = /^3\.(\d+)(?:\.(\d+))?/.exec(version)
  return match ? `${match[1]}.${match[2] ?? '0'}` : version
}

/** The version in `protoc --version` output, normalized; undefined when unreadable. */
export function parseProtocVersion(output: string): string | undefined {
  const match = /libprotoc\s+(\d+(?:\.\d+)*)/.exec(output)
  return match?.[1] ? normalizeProtocVersion(match[1]) : undefined
}

/** Whether a protoc of `found` (normalized) meets the `protoc` input ('any' or a minimum). */
export function protocSatisfies(found: string, wanted: string): boolean {
  return wanted === 'any' || compareVersions(found, normalizeProtocVersion(wanted)) >= 0
}
