/**
 * Target C libraries from the distribution (the `system-packages` input), as data:
 * multiarch package names, the apt sources Ubuntu needs for foreign architectures (the
 * main archive carries only amd64 and i386; the others live on the ports mirror), and
 * pkg-config's environment for cargo. Pure; apt.ts applies it.
 */
import { Input } from '../common/constants.js'
import { InputError } from '../errors.js'
import type { LinkerKind } from './linker.js'
import { isCrossBuild, type TargetFacts, type Host } from '../common/target.js'

export const PORTS_MIRROR = 'http://ports.ubuntu.com/ubuntu-ports/'
/** Architectures Ubuntu's main archive (archive.ubuntu.com, security.ubuntu.com and their mirrors) carries. */
const MAIN_ARCHIVE_ARCHES = ['amd64', 'i386']

export interface SystemPackagesPlan {
  /** Debian architecture of the target (arm64) */
  arch: string
  /** Package names qualified with the architecture: libzstd-dev:arm64 */
  packages: string[]
  /** Variables for cargo's environment */
  env: Record<string, string>
  /** rustc flags: zig does not search the distribution's multiarch directory by itself */
  linkFlags: string[]
  warnings: string[]
}

export function planSystemPackages(packages: readonly string[], facts: TargetFacts, host: Host, linker?: LinkerKind): SystemPackagesPlan | undefined {
  if (!packages.length) return undefined
  if (host.os !== 'linux' || facts.os !== 'linux' || !facts.debianArch || !facts.gnuTriple) {
    throw new InputError(
      Input.SystemPackages,
      packages.join(','),
      `installs Debian/Ubuntu packages for a Linux target on a Linux runner; ${facts.triple} on a ${host.os} runner has none. Remove system-packages, or use the crates' vendored features.`,
    )
  }
  const warnings: string[] = []
  if (facts.libc === 'musl') {
    warnings.push(
      `system-packages are built against glibc; linking them into the musl target ${facts.triple} works only for self-contained static libraries. Prefer the crates' vendored features for musl.`,
    )
  }
  const env: Record<string, string> = {}
  if (isCrossBuild(facts, host)) {
    // pkg-config refuses to cross-compile unless allowed, and must read the target's .pc files, not the host's.
    env.PKG_CONFIG_ALLOW_CROSS = '1'
    env.PKG_CONFIG_LIBDIR = `/usr/lib/${facts.gnuTriple}/pkgconfig:/usr/share/pkgconfig`
  }
  // The cross gcc searches /usr/lib/<gnu triple> itself, zig does not (and Debian's .pc files often say libdir=/usr/lib).
  const linkFlags = linker === 'zig' ? [`-Lnative=/usr/lib/${facts.gnuTriple}`] : []
  return { arch: facts.debianArch, packages: packages.map((name) => (name.includes(':') ? name : `${name}:${facts.debianArch}`)), env, linkFlags, warnings }
}

/** Whether apt needs the ports mirror for this architecture on an Ubuntu runner. */
export function needsPorts(osId: string, hostArch: string, arch: string): boolean {
  return osId === 'ubuntu' && MAIN_ARCHIVE_ARCHES.includes(hostArch) && !MAIN_ARCHIVE_ARCHES.includes(arch)
}

/** `ID=ubuntu` from /etc/os-release text. */
export function osReleaseId(text: string): string {
  return /^ID="?([^"\n]+)"?$/m.exec(text)?.[1]?.trim() ?? ''
}

export interface SourcesRewrite {
  /** The rewritten file, or undefined when nothing had to change */
  text?: string
  /** The ports mirror's entries for the foreign architecture, in the same format */
  ports: string
}

/**
 * deb822 (`/etc/apt/sources.list.d/ubuntu.sources`, Ubuntu 24.04 and later): stanzas of
 * the main archive without an Architectures field get `Architectures: amd64 i386`, so
 * apt stops asking them for arm64; the ports stanza repeats their suites and components.
 */
export function rewriteDeb822(text: string, arch: string): SourcesRewrite {
  const stanzas = text.split(/\n\s*\n/)
  const suites = new Set<string>()
  const components = new Set<string>()
  let signedBy: string | undefined
  let changed = false
  const rewritten = stanzas.map((stanza) => {
    const field = (name: string): string | undefined => new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(stanza)?.[1]?.trim()
    const uris = field('URIs')
    if (!uris || uris.includes('ports.ubuntu.com') || /^Enabled:\s*no/im.test(stanza)) return stanza
    for (const suite of field('Suites')?.split(/\s+/) ?? []) suites.add(suite)
    for (const component of field('Components')?.split(/\s+/) ?? []) components.add(component)
    signedBy ??= field('Signed-By')
    if (field('Architectures')) return stanza
    changed = true
    return `${stanza.replace(/\s+$/, '')}\nArchitectures: ${MAIN_ARCHIVE_ARCHES.join(' ')}`
  })
  const ports = [
    'Types: deb',
    `URIs: ${PORTS_MIRROR}`,
    `Suites: ${[...suites].join(' ')}`,
    `Components: ${[...components].join(' ')}`,
    `Architectures: ${arch}`,
    ...(signedBy ? [`Signed-By: ${signedBy}`] : []),
  ].join('\n')
  return { ...(changed ? { text: `${rewritten.join('\n\n').replace(/\s*$/, '')}\n` } : {}), ports: `${ports}\n` }
}

/**
 * The classic one-line format (`/etc/apt/sources.list`, Ubuntu 22.04 and earlier):
 * `deb` lines without an arch option get `[arch=amd64,i386]`; one ports line per suite.
 */
export function rewriteSourcesList(text: string, arch: string): SourcesRewrite {
  const ports: string[] = []
  let changed = false
  const lines = text.split('\n').map((line) => {
    const match = /^(\s*deb)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line)
    if (!match || match[3]?.includes('ports.ubuntu.com')) return line
    const [, type, options = '', uri, suite, components = ''] = match
    const entry = `deb [arch=${arch}] ${PORTS_MIRROR} ${suite} ${components}`.trim()
    if (!ports.includes(entry)) ports.push(entry)
    if (/(^|\s)arch=/.test(options)) return line
    changed = true
    return `${type} [${[`arch=${MAIN_ARCHIVE_ARCHES.join(',')}`, options.trim()].filter(Boolean).join(' ')}] ${uri} ${suite}${components ? ` ${components}` : ''}`
  })
  return { ...(changed ? { text: lines.join('\n') } : {}), ports: `${ports.join('\n')}\n` }
}

/**
 * PKG_CONFIG_LIBDIR points at the target; build scripts of host tools (build-dependencies
 * that are -sys crates) must keep the host's search path. The pkg-config crate reads
 * HOST_PKG_CONFIG_LIBDIR first for them.
 */
export function hostPkgConfigEnv(env: Record<string, string>, hostPcPath: string): Record<string, string> {
  const path = hostPcPath.trim()
  return env.PKG_CONFIG_LIBDIR && path ? { HOST_PKG_CONFIG_LIBDIR: path } : {}
}
