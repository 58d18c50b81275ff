/**
 * Preflight: before the build, the crates in the resolved graph that run native build
 * steps (a `links` key, a build script using cc, cmake, pkg-config or bindgen, `-sys`
 * crates), and what each needs for this target, with known remedies. Pure: reads
 * `cargo metadata --filter-platform` as setup/metadata.ts parsed it.
 */
import type { TargetFacts } from '../common/target.js'
import { markdownCell } from '../common/text.js'
import type { CargoMetadata } from '../setup/metadata.js'

/** Build-dependencies that mean native work in the build script, and what each needs on the build host. */
const NATIVE_TOOLS: Record<string, string> = {
  cc: 'a C compiler for the target',
  cmake: 'cmake on the build host and a C compiler for the target',
  'pkg-config': 'the target library, found through pkg-config',
  bindgen: 'libclang on the build host (libclang-dev)',
  'prost-build': 'protoc on the build host',
  'tonic-build': 'protoc on the build host',
  'protobuf-codegen': 'protoc on the build host',
}

export interface NativeCrate {
  name: string
  version: string
  links?: string
  /** Build-dependencies from NATIVE_TOOLS */
  tools: string[]
  /** Features enabled on it in the resolve */
  features: string[]
  /** Features its manifest declares, enabled or not */
  declared?: string[]
}

/** The crates of the resolved graph that run native build steps. */
export function nativeCrates(metadata: CargoMetadata): NativeCrate[] {
  const packages = new Map(metadata.packages.map((pkg) => [pkg.id, pkg]))
  const crates: NativeCrate[] = []
  for (const node of metadata.resolve?.nodes ?? []) {
    const pkg = packages.get(node.id)
    if (!pkg) continue
    const hasBuildScript = pkg.targets.some((target) => target.kind.includes('custom-build'))
    const tools = node.deps
      .filter((dep) => dep.dep_kinds.some((kind) => kind.kind === 'build'))
      .map((dep) => packages.get(dep.pkg)?.name ?? '')
      .filter((name) => name in NATIVE_TOOLS)
    const native = pkg.links || (hasBuildScript && (tools.length > 0 || pkg.name.endsWith('-sys')))
    if (!native) continue
    crates.push({
      name: pkg.name,
      version: pkg.version,
      ...(pkg.links ? { links: pkg.links } : {}),
      tools: [...new Set(tools)].sort(),
      features: node.features ?? [],
      declared: Object.keys(pkg.features ?? {}),
    })
  }
  return crates.sort((a, b) => a.name.localeCompare(b.name))
}

export interface PreflightContext {
  facts: TargetFacts
  /** The linker/C toolchain description, e.g. aarch64-linux-gnu-gcc */
  linker: string
  cross: boolean
  protoc: boolean
  systemPackages: readonly string[]
  /** Whether the baseline's target-features disable AVX-512 */
  avx512Disabled: boolean
  /** Whether the action gives aws-lc-sys AWS_LC_SYS_PREBUILT_NASM=1 (x86_64 Windows without NASM) */
  prebuiltNasm?: boolean
}

const RING_016_ARCHES = ['x86', 'x86_64', 'arm', 'aarch64']

/** Crates whose pkg-config use the cases above judge (aws-lc-sys only looks for an installed AWS-LC, then builds its own). */
const PKG_CONFIG_HANDLED = ['zstd-sys', 'openssl-sys', 'aws-lc-sys']

/** A `bundled`/`vendored`/`static` feature: the crate builds its C library itself, pkg-config or not. */
const buildsItsOwn = (crate: NativeCrate): boolean => crate.features.some((feature) => ['bundled', 'vendored', 'static'].includes(feature))

/** jemalloc's limits: no Windows build, and a page size fixed at build time. */
function jemallocNotes(facts: TargetFacts): string[] {
  // Measured with tikv-jemalloc-sys 0.7.1 on x86_64-pc-windows-gnu: "could not find native static library `jemalloc`".
  if (facts.os === 'windows')
    return [
      "jemalloc does not build for Windows targets: depend on tikv-jemallocator only under `[target.'cfg(not(windows))'.dependencies]` (as ripgrep and fd do), and keep the system allocator there.",
    ]
  if (facts.family === 'aarch64')
    return [
      'jemalloc fixes the page size at build time (4 KiB here); aarch64 machines with 16 or 64 KiB pages (Apple silicon Linux, some Ampere/RHEL kernels) then crash at start. Set JEMALLOC_SYS_WITH_LG_PAGE=16 in the environment for 64 KiB-safe binaries.',
    ]
  return []
}

/** What this crate needs for this target, and the known remedies, as sentences. */
export function advice(crate: NativeCrate, context: PreflightContext): string[] {
  const { facts } = context
  const notes: string[] = []
  const has = (pkg: string): boolean => context.systemPackages.some((name) => name.split(':')[0] === pkg)
  switch (crate.name) {
    case 'openssl-sys':
      if (crate.features.includes('vendored'))
        notes.push(`vendored: OpenSSL is built from source with ${context.linker}, by openssl-src running Perl's Configure and make on the build host (both must be installed).`)
      else if (facts.libc === 'musl') notes.push('on musl, system OpenSSL (built for glibc) does not fit: enable the `vendored` feature of openssl, or use rustls instead.')
      else if (context.cross && !has('libssl-dev')) notes.push('needs the target OpenSSL: add `system-packages: libssl-dev`, or enable the `vendored` feature of openssl, or use rustls.')
      break
    case 'ring':
      notes.push(`compiles C and assembly for the target with ${context.linker}.`)
      if (crate.version.startsWith('0.16.') && !RING_016_ARCHES.includes(facts.family))
        notes.push(`ring ${crate.version} has no support for ${facts.family}; ring 0.17 added it: upgrade (e.g. through rustls/reqwest versions that use ring 0.17).`)
      break
    case 'jemalloc-sys':
    case 'tikv-jemalloc-sys':
      notes.push(...jemallocNotes(facts))
      break
    case 'lance-linalg':
    case 'lance':
      if (facts.family === 'x86_64' && !context.avx512Disabled) {
        notes.push(
          "lance's build script compiles AVX-512 kernels; with a baseline below AVX-512 they can fail to link (`undefined reference to ..._avx512`) or leak AVX-512 code. Set `target-features: -avx512` with your target-cpu and use a lance release whose build script honours it.",
        )
      }
      break
    case 'aws-lc-sys':
      notes.push(`builds AWS-LC's C and assembly for the target with ${context.linker}.`)
      if (context.prebuiltNasm)
        notes.push("NASM is not installed: the action sets AWS_LC_SYS_PREBUILT_NASM=1, so aws-lc-sys links AWS-LC's prebuilt NASM objects (install nasm to assemble them here).")
      break
    case 'zstd-sys':
      // crates.io's zstd-sys always depends on pkg-config and uses it only with its `pkg-config` feature;
      // a zstd-sys without that feature (Debian's, which ships no zstd source) always does.
      if (crate.features.includes('pkg-config') || (crate.declared && !crate.declared.includes('pkg-config'))) {
        if (context.cross && !has('libzstd-dev')) notes.push('links the system libzstd through pkg-config: add `system-packages: libzstd-dev`.')
      } else notes.push(`builds the bundled zstd with ${context.linker}.`)
      break
  }
  if (crate.tools.some((tool) => NATIVE_TOOLS[tool] === 'protoc on the build host') && !context.protoc)
    notes.push('its build script runs protoc: set `protoc: true` (a host protoc, exported as PROTOC).')
  if (crate.tools.includes('bindgen')) notes.push('bindgen needs libclang on the build host (apt: libclang-dev).')
  // aws-lc-sys depends on the cmake crate but builds with cc, unless its `ssl` feature or AWS_LC_SYS_CMAKE_BUILDER asks for CMake.
  if (crate.tools.includes('cmake') && (crate.name !== 'aws-lc-sys' || crate.features.includes('ssl')))
    notes.push('needs cmake on the build host; the cmake crate does not rerun on changed C flags, so a restored target directory can keep old objects.')
  if (crate.tools.includes('pkg-config') && context.cross && !PKG_CONFIG_HANDLED.includes(crate.name) && !buildsItsOwn(crate) && !context.systemPackages.length) {
    notes.push("pkg-config looks for the target library: install it with `system-packages` (the -dev package), or enable the crate's vendored/bundled feature.")
  }
  if (!notes.length && crate.tools.includes('cc')) notes.push(`C code is compiled with ${context.linker} on the CPU baseline.`)
  return notes
}

/** What the preflight found: each native crate with its notes for this target, and the summary's table. */
export interface PreflightReport {
  crates: { name: string; version: string; notes: string[] }[]
  markdown: string
  /** cargo metadata's graph for the target, which the SBOM reuses instead of asking cargo again */
  metadata?: CargoMetadata
  /** Variables the preflight adds to cargo's environment (AWS_LC_SYS_PREBUILT_NASM) */
  env?: Record<string, string>
}

export function preflightReport(crates: readonly NativeCrate[], context: PreflightContext): PreflightReport {
  // The advice is worked out once per crate: the log, the diagnosis and the summary read it.
  const advised = crates.map((crate) => ({ crate, notes: advice(crate, context) }))
  return { crates: advised.map(({ crate, notes }) => ({ name: crate.name, version: crate.version, notes })), markdown: renderPreflightSummary(advised) }
}

function renderPreflightSummary(advised: readonly { crate: NativeCrate; notes: readonly string[] }[]): string {
  if (!advised.length) return ''
  const lines = ['<details><summary>Crates with native build steps: ' + advised.length + '</summary>', '', '| Crate | Native build | Needs / remedies |', '|---|---|---|']
  for (const { crate, notes } of advised) {
    const what = [crate.links ? `links ${crate.links}` : '', ...crate.tools].filter(Boolean).join(', ') || 'build script (-sys)'
    lines.push(`| \`${crate.name} ${crate.version}\` | ${markdownCell(what)} | ${markdownCell(notes.join(' ') || '—')} |`)
  }
  lines.push('', '</details>')
  return `${lines.join('\n')}\n`
}
