/**
 * The CPU baseline: Rust's target-cpu and target-features, their expansion against what
 * the compiler knows, and the equivalent flags for C and C++ compilers (the cc crate
 * never derives -march from rustflags). Pure.
 */
import { InputError } from '../errors.js'
import { Input } from './constants.js'
import { closest, type TargetFacts } from './target.js'

export interface Baseline {
  /** -C target-cpu, when one was asked for */
  cpu?: string
  /** Signed features after group expansion, in input order: +aes, -avx512f, ... */
  features: string[]
}

/**
 * Expand feature groups: `-avx512` is not a feature, but it prefixes avx512f, avx512bw, ...
 * so it stands for all of them. Unknown names are refused with suggestions.
 */
export function expandFeatures(requested: readonly string[], known: KnownFeatures): string[] {
  const expanded: string[] = []
  for (const item of requested) {
    const sign = item.slice(0, 1)
    const name = item.slice(1)
    if (known.rust.includes(name) || known.llvm.includes(name)) {
      expanded.push(item)
      continue
    }
    // Groups expand over the features rustc itself knows, not LLVM-only ones it warns about.
    const group = known.rust.filter((feature) => feature.startsWith(name))
    if (group.length > 0) {
      expanded.push(...group.map((feature) => sign + feature))
      continue
    }
    const suggestions = closest(name, known.rust)
    throw new InputError(
      Input.TargetFeatures,
      item,
      `the compiler knows no feature or feature group '${name}' for this target` + (suggestions.length ? `; did you mean ${suggestions.map((s) => sign + s).join(', ')}?` : '.'),
    )
  }
  return [...new Set(expanded)]
}

/** Rust x86 feature names whose GCC/Clang -m option is spelt differently. */
const X86_C_FEATURE: Record<string, string> = {
  bmi1: 'bmi',
  pclmulqdq: 'pclmul',
  cmpxchg16b: 'cx16',
  rdrand: 'rdrnd',
  'sse4.1': 'sse4.1',
  'sse4.2': 'sse4.2',
}

/** Rust features that are not CPU features and have no C equivalent. */
const NOT_CPU_FEATURES = new Set(['crt-static'])

/** aarch64 feature names as GCC/Clang spell them in -march=...+feature. */
const AARCH64_C_FEATURE: Record<string, string> = { neon: 'simd', fp: 'fp' }

/**
 * Flags that give C and C++ compilers the same baseline as rustc.
 * x86: -march=<cpu> and -m<feature>/-mno-<feature>. aarch64: -mcpu=<cpu>+f+nof (or
 * -march=armv8-a+... without a cpu). Other families: -mcpu=<cpu> (s390x: -march), features
 * left to the compiler's default. 'generic' means the target's default: no flag.
 */
export function cFlagsForBaseline(family: string, baseline: Baseline): string[] {
  const cpu = baseline.cpu === 'generic' ? undefined : baseline.cpu
  const features = baseline.features.filter((f) => !NOT_CPU_FEATURES.has(f.slice(1)))
  if (family === 'x86_64' || family === 'x86') {
    const flags = cpu ? [`-march=${cpu}`] : []
    for (const feature of features) {
      const name = X86_C_FEATURE[feature.slice(1)] ?? feature.slice(1)
      flags.push(feature.startsWith('+') ? `-m${name}` : `-mno-${name}`)
    }
    return flags
  }
  if (family === 'aarch64') {
    const suffix = features
      .map((f) => {
        const name = AARCH64_C_FEATURE[f.slice(1)] ?? f.slice(1)
        return f.startsWith('+') ? `+${name}` : `+no${name}`
      })
      .join('')
    if (cpu) return [`-mcpu=${cpu}${suffix}`]
    return suffix ? [`-march=armv8-a${suffix}`] : []
  }
  if (!cpu) return []
  return family === 's390x' ? [`-march=${cpu}`] : [`-mcpu=${cpu}`]
}

/**
 * zig's CPU for a target's default baseline, chosen to match rustc's target spec. Named for
 * every target, so zig's cache key and the summary say which CPU the C code got. Where it
 * matters (measured with zig 0.11 and 0.13): zig's arm default is ARMv7 with NEON and D32,
 * and for s390x it asks clang for CPU `generic`, which clang refuses ("unknown target CPU").
 * zig's x86 and riscv64 defaults are already pentium4 and baseline_rv64, but the build
 * scripts' `-march=i686` (no SSE2) and `-march=rv64gc` (unknown to zig) are dropped for these.
 */
const ZIG_DEFAULT_CPUS: Record<string, string> = {
  x86_64: 'x86_64',
  i686: 'pentium4',
  i586: 'pentium',
  aarch64: 'baseline',
  // armv7 eabihf is +v7,+vfp3d16,+thumb2,-neon: a Cortex-A8 without NEON and D32.
  armv7: 'cortex_a8-neon-d32',
  thumbv7neon: 'cortex_a8',
  // arm-*-linux-* is ARMv6 (Raspberry Pi 1 and Zero): ARM1176, VFPv2, no Thumb-2.
  arm: 'arm1176jzf_s',
  armv5te: 'arm926ej_s',
  riscv64gc: 'baseline_rv64',
  powerpc64le: 'baseline',
  powerpc64: 'baseline',
  s390x: 'z10',
}

/** Rust CPU or feature name → zig's spelling: hyphens and dots become underscores. */
function zigName(name: string): string {
  return name.replace(/[-.]/g, '_')
}

/**
 * The one `-mcpu=` value zig gets: the user's target-cpu in zig's spelling, else the
 * target's default, with target-features appended (+f/-f). zig reads -march, -mcpu and
 * -mtune alike and only the last counts, so this is appended after everything else.
 */
export function zigCpu(facts: Pick<TargetFacts, 'arch' | 'family'>, baseline: Baseline): string | undefined {
  const chosen = baseline.cpu && baseline.cpu !== 'generic' ? zigName(baseline.cpu) : ZIG_DEFAULT_CPUS[facts.arch]
  if (!chosen) return undefined
  const features = baseline.features
    .filter((f) => !NOT_CPU_FEATURES.has(f.slice(1)))
    .map((f) => {
      const name = f.slice(1)
      const spelt = facts.family === 'x86_64' || facts.family === 'x86' ? (X86_C_FEATURE[name] ?? name) : name
      return `${f.slice(0, 1)}${zigName(spelt)}`
    })
  return chosen + features.join('')
}

/** What `{cpu}` names and the merge keys variants by: the target-cpu, `baseline` when none was given. */
export const DEFAULT_CPU_LABEL = 'baseline'
export function cpuLabel(cpu: string | undefined): string {
  return cpu ?? DEFAULT_CPU_LABEL
}

/** A CPU name as rustc spells them (x86-64-v3, cortex-a72, pentium4, arm1176jzf-s): also a safe folder name. */
export function isCpuName(value: string): boolean {
  return value.length <= 64 && /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(value)
}

/** rustc's flags for the baseline, in the -Ckey=value form. */
export function rustFlagsForBaseline(baseline: Baseline): string[] {
  const flags: string[] = []
  if (baseline.cpu) flags.push(`-Ctarget-cpu=${baseline.cpu}`)
  if (baseline.features.length) flags.push(`-Ctarget-feature=${baseline.features.join(',')}`)
  return flags
}

export interface KnownFeatures {
  /** Features rustc supports for the target */
  rust: string[]
  /** Code-generation features only LLVM knows (accepted, never part of a group) */
  llvm: string[]
}

/** Parse `rustc --print target-features`: rustc's section, then LLVM's. */
export function parseTargetFeatures(output: string): KnownFeatures {
  const known: KnownFeatures = { rust: [], llvm: [] }
  let section = known.rust
  for (const line of output.split('\n')) {
    if (line.startsWith('Code-generation features supported by LLVM')) section = known.llvm
    const match = /^ {4}([A-Za-z0-9_.-]+)\s+- /.exec(line)
    if (match?.[1] && !section.includes(match[1])) section.push(match[1])
  }
  return known
}

/** Parse `rustc --print target-cpus` output: the CPU names. */
export function parseTargetCpus(output: string): string[] {
  const names: string[] = []
  for (const line of output.split('\n')) {
    const match = /^ {4}([A-Za-z0-9_.+-]+)/.exec(line)
    if (match?.[1]) names.push(match[1])
  }
  return names
}
