/**
 * Facts about Rust target triples and Docker platforms. Pure: no I/O.
 */

export type Libc = 'gnu' | 'musl'

export interface TargetFacts {
  triple: string
  /** First triple component: x86_64, aarch64, armv7, i686, riscv64gc, ... */
  arch: string
  /** CPU family used for compiler flags and emulators: x86_64, x86, aarch64, arm, ... */
  family: string
  os: 'linux' | 'macos' | 'windows' | 'other'
  /** gnu, gnueabihf, musl, musleabihf, msvc, ... ('' when the triple has none) */
  env: string
  libc: 'gnu' | 'musl' | 'other'
  /** `CC_<this>`: the triple with hyphens replaced by underscores */
  underscored: string
  /** `CARGO_TARGET_<this>_...` */
  cargoEnvName: string
  /** The GNU triple of the distribution cross tools (aarch64-linux-gnu), when there is one */
  gnuTriple?: string
  /** Debian's architecture name (arm64), for multiarch and cross packages */
  debianArch?: string
  /** zig's target (aarch64-linux-gnu), glibc floor appended later */
  zigTarget?: string
  /** The qemu-user binary that runs this target's executables */
  qemu?: string
  /** Docker platform (linux/arm/v7) for the docker layout */
  dockerPlatform?: string
}

interface ArchRow {
  family: string
  gnu: string
  musl?: string
  debianArch: string
  zig: string
  qemu: string
  docker?: string
}

/** Linux architectures the action knows how to link; keyed by the triple's arch and env. */
const LINUX_ARCHES: Record<string, ArchRow> = {
  x86_64: { family: 'x86_64', gnu: 'x86_64-linux-gnu', debianArch: 'amd64', zig: 'x86_64', qemu: 'qemu-x86_64', docker: 'linux/amd64' },
  i686: { family: 'x86', gnu: 'i686-linux-gnu', debianArch: 'i386', zig: 'x86', qemu: 'qemu-i386', docker: 'linux/386' },
  i586: { family: 'x86', gnu: 'i686-linux-gnu', debianArch: 'i386', zig: 'x86', qemu: 'qemu-i386' },
  aarch64: { family: 'aarch64', gnu: 'aarch64-linux-gnu', debianArch: 'arm64', zig: 'aarch64', qemu: 'qemu-aarch64', docker: 'linux/arm64' },
  armv7: { family: 'arm', gnu: 'arm-linux-gnueabihf', debianArch: 'armhf', zig: 'arm', qemu: 'qemu-arm', docker: 'linux/arm/v7' },
  thumbv7neon: { family: 'arm', gnu: 'arm-linux-gnueabihf', debianArch: 'armhf', zig: 'arm', qemu: 'qemu-arm' },
  arm: { family: 'arm', gnu: 'arm-linux-gnueabihf', debianArch: 'armhf', zig: 'arm', qemu: 'qemu-arm', docker: 'linux/arm/v6' },
  armv5te: { family: 'arm', gnu: 'arm-linux-gnueabi', debianArch: 'armel', zig: 'arm', qemu: 'qemu-arm' },
  powerpc64le: { family: 'powerpc64', gnu: 'powerpc64le-linux-gnu', debianArch: 'ppc64el', zig: 'powerpc64le', qemu: 'qemu-ppc64le', docker: 'linux/ppc64le' },
  powerpc64: { family: 'powerpc64', gnu: 'powerpc64-linux-gnu', debianArch: 'ppc64', zig: 'powerpc64', qemu: 'qemu-ppc64' },
  s390x: { family: 's390x', gnu: 's390x-linux-gnu', debianArch: 's390x', zig: 's390x', qemu: 'qemu-s390x', docker: 'linux/s390x' },
  riscv64gc: { family: 'riscv64', gnu: 'riscv64-linux-gnu', debianArch: 'riscv64', zig: 'riscv64', qemu: 'qemu-riscv64', docker: 'linux/riscv64' },
  loongarch64: { family: 'loongarch64', gnu: 'loongarch64-linux-gnu', debianArch: 'loong64', zig: 'loongarch64', qemu: 'qemu-loongarch64' },
}

/** Docker platform → Rust triple, per libc. */
const DOCKER_PLATFORMS: Record<string, Record<Libc, string>> = {
  'linux/amd64': { gnu: 'x86_64-unknown-linux-gnu', musl: 'x86_64-unknown-linux-musl' },
  'linux/arm64': { gnu: 'aarch64-unknown-linux-gnu', musl: 'aarch64-unknown-linux-musl' },
  'linux/arm64/v8': { gnu: 'aarch64-unknown-linux-gnu', musl: 'aarch64-unknown-linux-musl' },
  'linux/arm/v7': { gnu: 'armv7-unknown-linux-gnueabihf', musl: 'armv7-unknown-linux-musleabihf' },
  'linux/arm/v6': { gnu: 'arm-unknown-linux-gnueabihf', musl: 'arm-unknown-linux-musleabihf' },
  'linux/386': { gnu: 'i686-unknown-linux-gnu', musl: 'i686-unknown-linux-musl' },
  'linux/ppc64le': { gnu: 'powerpc64le-unknown-linux-gnu', musl: 'powerpc64le-unknown-linux-musl' },
  'linux/s390x': { gnu: 's390x-unknown-linux-gnu', musl: 's390x-unknown-linux-musl' },
  'linux/riscv64': { gnu: 'riscv64gc-unknown-linux-gnu', musl: 'riscv64gc-unknown-linux-musl' },
}

export const dockerPlatforms = (): string[] => Object.keys(DOCKER_PLATFORMS)

export function isDockerPlatform(value: string): boolean {
  return value.includes('/')
}

/** The triple for a Docker platform, or undefined when the platform is not in the table. */
export function tripleForDockerPlatform(platform: string, libc: Libc): string | undefined {
  return DOCKER_PLATFORMS[platform]?.[libc]
}

function osOf(parts: string[]): TargetFacts['os'] {
  if (parts.includes('linux')) return 'linux'
  if (parts.includes('darwin')) return 'macos'
  if (parts.includes('windows')) return 'windows'
  return 'other'
}

export function targetFacts(triple: string): TargetFacts {
  const parts = triple.split('-')
  const arch = parts[0] ?? ''
  const os = osOf(parts)
  const env = os === 'macos' ? '' : (parts.at(-1) ?? '')
  const libc = env.startsWith('musl') ? 'musl' : env.startsWith('gnu') ? 'gnu' : 'other'
  const underscored = triple.replace(/[-.]/g, '_')
  const facts: TargetFacts = {
    triple,
    arch,
    family: familyOf(arch),
    os,
    env: parts.length > 2 ? env : '',
    libc,
    underscored,
    cargoEnvName: underscored.toUpperCase(),
  }
  const row = os === 'linux' ? LINUX_ARCHES[arch] : undefined
  if (row && libc !== 'other') {
    // The ABI suffix (eabi vs eabihf) comes from the triple, not the table.
    const abi = env.replace(/^(gnu|musl)/, '')
    const gnuTriple = row.family === 'arm' ? `${row.gnu.replace(/-gnueabi(hf)?$/, '')}-gnu${abi}` : row.gnu
    facts.gnuTriple = gnuTriple
    facts.debianArch = row.family === 'arm' ? (abi === 'eabihf' ? 'armhf' : 'armel') : row.debianArch
    facts.zigTarget = `${row.zig}-linux-${libc}${abi}`
    facts.qemu = row.qemu
    facts.dockerPlatform = dockerPlatformFor(triple)
  }
  return facts
}

function dockerPlatformFor(triple: string): string | undefined {
  for (const [platform, triples] of Object.entries(DOCKER_PLATFORMS)) {
    if (platform !== 'linux/arm64/v8' && (triples.gnu === triple || triples.musl === triple)) return platform
  }
  return undefined
}

function familyOf(arch: string): string {
  if (arch === 'x86_64') return 'x86_64'
  if (/^i[3-6]86$/.test(arch)) return 'x86'
  if (arch.startsWith('aarch64') || arch === 'arm64') return 'aarch64'
  if (arch.startsWith('arm') || arch.startsWith('thumb')) return 'arm'
  if (arch.startsWith('riscv64')) return 'riscv64'
  if (arch.startsWith('powerpc64')) return 'powerpc64'
  return arch
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost)
      diagonal = above
    }
  }
  return row[b.length] ?? 0
}

/** The closest candidates to a misspelt name, best first. */
export function closest(name: string, candidates: readonly string[], count = 3): string[] {
  const limit = Math.max(3, Math.floor(name.length / 3))
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map(({ candidate }) => candidate)
}

/** The machine running the build. */
export interface Host {
  /** Rust's host triple (from rustc -vV) */
  triple: string
  family: string
  os: 'linux' | 'macos' | 'windows' | 'other'
}

/** A cross build: the target is not the host's own triple (an i686 build on x86_64 is one too). */
export function isCrossBuild(facts: Pick<TargetFacts, 'triple'>, host: Pick<Host, 'triple'>): boolean {
  return facts.triple !== host.triple
}

/** A command that must be on PATH (or a file that must exist), and the Debian/Ubuntu packages that provide it. */
export interface Requirement {
  command?: string
  path?: string
  packages: string[]
}
