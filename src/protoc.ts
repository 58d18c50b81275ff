/**
 * protoc for build scripts (prost-build, tonic-build): it runs on the build host, so
 * PROTOC must point at a host binary. Version facts and the pinned release, pure.
 *
 * protoc changed its numbering at 3.20: `libprotoc 3.21.12` is release 21.12 in today's
 * numbering, `libprotoc 25.1` is 25.1. Both spellings are accepted for the minimum.
 */
import { compareVersions } from './version.js'

/** The release downloaded when no protoc on PATH is new enough. */
export const PROTOC_VERSION = '25.1'

/**
 * SHA256 of each protoc 25.1 archive, as pinned by several public build files (Bazel
 * rules_proto, Makefiles and install scripts that check them), which agree.
 */
const PROTOC_SHA256: Record<string, string> = {
  'linux-x86_64': 'ed8fca87a11c888fed329d6a59c34c7d436165f662a2c875246ddb1ac2b6dd50',
  'linux-aarch_64': '99975a8c11b83cd65c3e1151ae1714bf959abc0521acb659bf720524276ab0c8',
  'osx-x86_64': '72c6d6b2bc855ff8688c3b7fb31288ccafd0ab55256ff8382d5711ecfcc11f4f',
  'osx-aarch_64': '320308ce18c359564948754f51748de41cf02a4e7edf0cf47a805b9d38610f16',
}

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

export interface ProtocArchive {
  url: string
  sha256: string
}

export function protocArchive(platform: NodeJS.Platform, arch: string): ProtocArchive | undefined {
  const os = platform === 'darwin' ? 'osx' : platform
  const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch_64' : arch
  const sha256 = PROTOC_SHA256[`${os}-${cpu}`]
  if (!sha256) return undefined
  return { url: `https://github.com/protocolbuffers/protobuf/releases/download/v${PROTOC_VERSION}/protoc-${PROTOC_VERSION}-${os}-${cpu}.zip`, sha256 }
}
