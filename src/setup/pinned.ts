/**
 * The releases the action may download when a tool is not on PATH, each pinned to a
 * version and to the SHA256 of every archive: one place to review and to bump.
 */

export interface PinnedArchive {
  /** Folder name inside the archive, where it has one */
  name?: string
  url: string
  sha256: string
}

/**
 * zig release pinned for downloads, with the SHA256 of each archive as ziglang.org's
 * download/index.json lists them (`shasum`; the .tar.xz and .zip files, not the wheels).
 */
export const ZIG_VERSION = '0.13.0'
const ZIG_SHA256: Record<string, string> = {
  'linux-x86_64': 'd45312e61ebcc48032b77bc4cf7fd6915c11fa16e4aad116b66c9468211230ea',
  'linux-aarch64': '041ac42323837eb5624068acd8b00cd5777dac4cf91179e8dad7a7e90dd0c556',
  'macos-x86_64': '8b06ed1091b2269b700b3b07f8e3be3b833000841bae5aa6a09b1a8b4773effd',
  'macos-aarch64': '46fae219656545dfaf4dce12fb4e8685cec5b51d721beee9389ab4194d43394c',
  'windows-x86_64': 'd859994725ef9402381e557c60bb57497215682e355204d754ee3df75ee3c158',
  'windows-aarch64': '95ff88427af7ba2b4f312f45d2377ce7a033e5e3c620c8caaa396a9aba20efda',
}

export function zigArchive(platform: NodeJS.Platform, arch: string): PinnedArchive | undefined {
  const os = platform === 'darwin' ? 'macos' : platform === 'win32' ? 'windows' : platform
  const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : arch
  const sha256 = ZIG_SHA256[`${os}-${cpu}`]
  if (!sha256) return undefined
  const name = `zig-${os}-${cpu}-${ZIG_VERSION}`
  const extension = os === 'windows' ? 'zip' : 'tar.xz'
  return { name, url: `https://ziglang.org/download/${ZIG_VERSION}/${name}.${extension}`, sha256 }
}

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

export function protocArchive(platform: NodeJS.Platform, arch: string): PinnedArchive | undefined {
  const os = platform === 'darwin' ? 'osx' : platform
  const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch_64' : arch
  const sha256 = PROTOC_SHA256[`${os}-${cpu}`]
  if (!sha256) return undefined
  return { url: `https://github.com/protocolbuffers/protobuf/releases/download/v${PROTOC_VERSION}/protoc-${PROTOC_VERSION}-${os}-${cpu}.zip`, sha256 }
}

/**
 * The tool cache's name for a version: @actions/tool-cache finds only semver folders, and
 * `find('protoc', '25.1')` reads 25.1 as a range that a folder named 25.1 never matches.
 */
export function toolCacheVersion(version: string): string {
  const parts = version.split('.')
  return [...parts, ...['0', '0', '0'].slice(parts.length)].join('.')
}
