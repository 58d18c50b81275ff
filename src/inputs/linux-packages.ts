/**
 * The `packages` input (deb, rpm) and the distribution facts its packages are named by:
 * architecture names, versions that sort as the crate's do, file names, and the C library
 * a binary needs as a dependency. Pure.
 */
import { Input } from '../common/constants.js'
import { compareVersions } from '../common/version.js'
import type { TargetFacts } from '../common/target.js'
import { InputError } from '../errors.js'
import { parseList } from './readers.js'

export type LinuxPackageFormat = 'deb' | 'rpm'
export const LINUX_PACKAGE_FORMATS: readonly LinuxPackageFormat[] = ['deb', 'rpm']

/** `deb, rpm` (commas or newlines, any case) as a sorted list without repeats; empty: none. */
export function parseLinuxPackageFormats(value: string): LinuxPackageFormat[] {
  const formats = new Set<LinuxPackageFormat>()
  for (const item of parseList(value.toLowerCase())) {
    if (!(LINUX_PACKAGE_FORMATS as readonly string[]).includes(item)) throw new InputError(Input.Packages, value, `unknown package format '${item}'; expected deb, rpm or both (deb, rpm).`)
    formats.add(item as LinuxPackageFormat)
  }
  return [...formats].sort()
}

/** RPM's architecture names (rpmrc's arch_canon), keyed by the triple's first part. */
const RPM_ARCHES: Record<string, string> = {
  x86_64: 'x86_64',
  i686: 'i686',
  i586: 'i586',
  aarch64: 'aarch64',
  armv7: 'armv7hl',
  thumbv7neon: 'armv7hl',
  arm: 'armv6hl',
  armv5te: 'armv5tel',
  powerpc64le: 'ppc64le',
  powerpc64: 'ppc64',
  s390x: 's390x',
  riscv64gc: 'riscv64',
  loongarch64: 'loongarch64',
}

/** Debian's name (amd64, arm64, armhf, ...), from the target table. */
export function debArchitecture(facts: TargetFacts): string | undefined {
  return facts.os === 'linux' ? facts.debianArch : undefined
}

export function rpmArchitecture(facts: TargetFacts): string | undefined {
  if (facts.os !== 'linux' || !facts.debianArch) return undefined
  // The soft-float ARMv7 ABI has no hard-float name.
  if (facts.arch.startsWith('armv7') && facts.env.endsWith('eabi')) return 'armv7l'
  return RPM_ARCHES[facts.arch]
}

/** Refuse packages for a target that no distribution's package manager installs on. */
export function checkLinuxPackageTarget(formats: readonly LinuxPackageFormat[], facts: TargetFacts): void {
  if (!formats.length) return
  const value = formats.join(', ')
  if (facts.os !== 'linux')
    throw new InputError(Input.Packages, value, `deb and rpm packages are for Linux targets, and ${facts.triple} is not one; remove 'packages' for this target (or set it per matrix entry).`)
  for (const format of formats) {
    const arch = format === 'deb' ? debArchitecture(facts) : rpmArchitecture(facts)
    if (!arch)
      throw new InputError(
        Input.Packages,
        value,
        `${facts.triple} has no ${format} architecture name the action knows; build ${format} packages for x86_64, i686, aarch64, armv7, arm, powerpc64le, s390x or riscv64gc targets.`,
      )
  }
}

const SEMVER = /^(\d+\.\d+\.\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/

/**
 * Debian's upstream version for a crate version: a pre-release sorts before its release
 * with `~` (1.2.3-rc.1 → 1.2.3~rc.1), build metadata stays after `+`; then `-revision`
 * unless the revision is empty or 0 (cargo-deb's rule; its default revision is 1).
 */
export function debVersion(crateVersion: string, revision = '1'): string {
  const match = SEMVER.exec(crateVersion)
  let upstream = crateVersion
  if (match) upstream = `${match[1]}${match[2] ? `~${match[2]}` : ''}${match[3] ? `+${match[3]}` : ''}`
  return revision === '' || revision === '0' ? upstream : `${upstream}-${revision}`
}

/**
 * RPM's Version for a crate version: `~` before a pre-release (sorts before the release
 * since rpm 4.10), `+` before build metadata; `-` is not allowed in a Version, so a hyphen
 * inside the pre-release becomes `_`.
 */
export function rpmVersion(crateVersion: string): string {
  const match = SEMVER.exec(crateVersion)
  if (!match) return crateVersion.replace(/-/g, '_')
  return `${match[1]}${match[2] ? `~${match[2].replace(/-/g, '_')}` : ''}${match[3] ? `+${match[3].replace(/-/g, '_')}` : ''}`
}

/** Debian's file name: `<name>_<version without epoch>_<arch>.deb`. */
export function debFileName(name: string, version: string, arch: string): string {
  return `${name}_${version.replace(/^\d+:/, '')}_${arch}.deb`
}

/** RPM's file name: `<name>-<version>-<release>.<arch>.rpm`. */
export function rpmFileName(name: string, version: string, release: string, arch: string): string {
  return `${name}-${version}-${release}.${arch}.rpm`
}

/** Debian package names: lower case, `_` as `-` (cargo-deb's rule for crate names). */
export function debPackageName(crateName: string): string {
  return crateName.toLowerCase().replace(/_/g, '-')
}

/** What a binary needs at run time, as verify/elf.ts reads it. */
export interface LinkedNeeds {
  /** Has an interpreter or DT_NEEDED entries */
  dynamic: boolean
  /** The highest GLIBC_x.y it needs */
  glibc?: string
  needed: readonly string[]
}

/** Sonames of Debian's libc6 (glibc's libraries and loaders). */
const LIBC6 = /^(libc|libm|libpthread|libdl|librt|libutil|libresolv|libanl|ld-linux[-\w.]*|ld64)\.so[.\d]*$/
/** Other libraries a Rust binary links by default, and Debian's package of each. */
const DEB_LIBRARIES: Record<string, string> = { 'libgcc_s.so.1': 'libgcc-s1', 'libstdc++.so.6': 'libstdc++6', 'libz.so.1': 'zlib1g' }

/**
 * Debian dependencies for the binaries of a package: `libc6 (>= 2.x)` at the highest
 * glibc any binary needs, and the packages of the other libraries the table knows.
 * Sonames it does not know are returned for a warning: they need a `depends` entry.
 */
export function debLibraryDepends(binaries: readonly LinkedNeeds[]): { depends: string[]; unknown: string[] } {
  const dynamic = binaries.filter((binary) => binary.dynamic)
  if (!dynamic.length) return { depends: [], unknown: [] }
  const glibc = highestVersion(dynamic.map((binary) => binary.glibc))
  const depends = new Set<string>()
  const unknown = new Set<string>()
  if (glibc || dynamic.some((binary) => binary.needed.some((name) => LIBC6.test(name)))) depends.add(glibc ? `libc6 (>= ${glibc})` : 'libc6')
  for (const name of dynamic.flatMap((binary) => binary.needed)) {
    if (LIBC6.test(name)) continue
    const pkg = DEB_LIBRARIES[name]
    if (pkg) depends.add(pkg)
    else unknown.add(name)
  }
  return { depends: [...depends], unknown: [...unknown].sort() }
}

/** The highest of x.y[.z] versions. */
export function highestVersion(versions: readonly (string | undefined)[]): string | undefined {
  return versions
    .filter((version): version is string => !!version)
    .sort(compareVersions)
    .at(-1)
}
