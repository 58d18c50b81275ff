/**
 * The build host's programs that native crates run: cmake, Perl and make, NASM, libclang, Go.
 * Which ones this target's graph needs, and for each missing one a single error that names the
 * crate and the fix, before cargo starts (a build script's panic an hour later says less).
 * aws-lc-sys on x86_64 Windows without NASM is not an error: it links AWS-LC's prebuilt NASM
 * objects when AWS_LC_SYS_PREBUILT_NASM=1 (aws-lc-sys 0.47 builder/main.rs,
 * `use_prebuilt_nasm`). Pure: the preflight's crates and what the host has in, needs out.
 */
import type { TargetFacts } from '../common/target.js'
import type { NativeCrate } from './preflight.js'

export const HOST_TOOLS = ['cmake', 'perl', 'make', 'nasm', 'libclang', 'go'] as const
export type HostTool = (typeof HOST_TOOLS)[number]

/** Debian/Ubuntu's package for each tool. */
const APT_PACKAGE: Record<HostTool, string> = { cmake: 'cmake', perl: 'perl', make: 'make', nasm: 'nasm', libclang: 'libclang-dev', go: 'golang-go' }

export interface HostToolNeed {
  /** `name version` of the crate whose build script runs the tools */
  crate: string
  tools: HostTool[]
  /** What the build script does with them, as the middle of a sentence */
  why: string
  /** A way around installing them, when there is one */
  instead?: string
}

/** The host tools each crate of the graph runs for this target. */
export function hostToolNeeds(crates: readonly NativeCrate[], facts: Pick<TargetFacts, 'os' | 'family'>): HostToolNeed[] {
  const needs: HostToolNeed[] = []
  for (const crate of crates) {
    const id = `${crate.name} ${crate.version}`
    const need = (tools: HostTool[], why: string, instead?: string): void => void needs.push({ crate: id, tools, why, ...(instead ? { instead } : {}) })
    if (crate.name === 'openssl-sys' && crate.features.includes('vendored'))
      need(
        ['perl', 'make'],
        "builds OpenSSL from source (openssl's `vendored` feature): openssl-src runs OpenSSL's Perl Configure, then make",
        'drop the `vendored` feature and link a system OpenSSL (system-packages: libssl-dev)',
      )
    else if (crate.name === 'tikv-jemalloc-sys' || crate.name === 'jemalloc-sys') need(['make'], "runs jemalloc's configure script, then make")
    else if (crate.name === 'aws-lc-fips-sys') need(['cmake', 'go'], 'builds the FIPS module of AWS-LC with CMake and Go', 'use aws-lc-rs without its `fips` feature')
    else if (crate.name === 'aws-lc-sys') {
      // Its non-FIPS build compiles with cc (aws-lc-sys 0.47 builder/cc_builder.rs check_dependencies), but libssl
      // (its `ssl` feature) with CMake; NASM is required for 32-bit x86 Windows only.
      if (crate.features.includes('ssl')) need(['cmake'], "builds AWS-LC's libssl (its `ssl` feature) with CMake")
      if (facts.os === 'windows' && facts.family === 'x86') need(['nasm'], "assembles AWS-LC's x86 Windows code with NASM (prebuilt objects exist only for x86_64)")
    } else if (crate.tools.includes('cmake')) need(['cmake'], 'runs cmake (the cmake crate) to build its C library')
    if (crate.tools.includes('bindgen')) need(['libclang'], 'generates its bindings with bindgen, which loads libclang')
  }
  return needs
}

/** One error per crate whose tools are missing here: the crate, what it runs, and how to get them. */
export function missingHostTools(needs: readonly HostToolNeed[], present: ReadonlySet<HostTool>): string[] {
  return needs.flatMap(({ crate, tools, why, instead }) => {
    const missing = tools.filter((tool) => !present.has(tool))
    if (!missing.length) return []
    const names = missing.join(' and ')
    const packages = [...new Set(missing.map((tool) => APT_PACKAGE[tool]))].join(' ')
    return [
      `${crate} ${why}, and ${names} ${missing.length > 1 ? 'are' : 'is'} not on this runner. Install ${missing.length > 1 ? 'them' : 'it'} in a step before this one (Debian/Ubuntu: sudo apt-get install -y ${packages})${instead ? `, or ${instead}` : ''}.`,
    ]
  })
}

/**
 * AWS_LC_SYS_PREBUILT_NASM=1 for x86_64 Windows when NASM is missing and aws-lc-sys is in the
 * graph, unless the project decides with a variable of its own (either spelling aws-lc-sys reads).
 */
export function prebuiltNasmEnv(crates: readonly NativeCrate[], facts: Pick<TargetFacts, 'os' | 'family'>, nasm: boolean, userVariables: readonly string[]): Record<string, string> {
  const awsLc = crates.some((crate) => crate.name === 'aws-lc-sys')
  if (!awsLc || nasm || facts.os !== 'windows' || facts.family !== 'x86_64' || userVariables.some((name) => name.startsWith('AWS_LC_SYS_PREBUILT_NASM'))) return {}
  return { AWS_LC_SYS_PREBUILT_NASM: '1' }
}

/** Whether a file name is a libclang shared library clang-sys loads (libclang.so, libclang-14.so.1). */
export const isLibclang = (file: string): boolean => /^libclang(-\d+(\.\d+)*)?\.so(\.\d+)*$/.test(file)
