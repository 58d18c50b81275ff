/**
 * Which linker and C toolchain a target gets, as data. Pure: the executors install and
 * resolve what this asks for.
 */
import { Input } from '../common/constants.js'
import { InputError } from '../errors.js'
import type { LinkerChoice } from '../inputs/parse.js'
import { type Host, type TargetFacts, type Requirement } from '../common/target.js'
import { compareVersions } from '../common/version.js'
import { mingwTriple } from '../common/wine.js'
import { mingwPlan } from './mingw.js'

/**
 * host: the machine's own cc (target is the host triple); gcc: a distribution cross gcc;
 * musl-gcc: musl on the host's architecture, C only, when asked for (linker: gcc); zig: zig
 * cc and zig c++ for musl, glibc floors and ARMv6;
 * native: the runner OS's own toolchain (macOS, Windows); none: the project configures it.
 */
export type LinkerKind = 'host' | 'gcc' | 'musl-gcc' | 'zig' | 'native' | 'none'

/** A program plus fixed leading arguments, e.g. zig cc -target aarch64-linux-musl. */
export interface Tool {
  program: string
  args: string[]
}

export interface LinkerPlan {
  kind: LinkerKind
  /** Human description for logs and the summary: "aarch64-linux-gnu-gcc", "zig cc -target ..." */
  description: string
  /** What the cc / c++ / ar wrappers run; absent where the action writes no wrappers */
  cc?: Tool
  cxx?: Tool
  ar?: Tool
  /** True when cargo's linker is set to the action's linker wrapper */
  setsLinker: boolean
  requirements: Requirement[]
  needsZig: boolean
  /** rustc flags the link needs */
  linkFlags: string[]
  /** Arguments the wrappers drop (exact, or prefix*) and rename, for compilers that reject them */
  dropArgs: string[]
  renameArgs: Record<string, string>
  /** zig's -target (with the glibc floor), when zig links */
  zigTarget?: string
}

/**
 * What identifies the link in the cache fingerprint: the kind, zig's target and the link flags.
 * The description is for people; the programs themselves are fingerprinted by path and version.
 */
export function linkerIdentity(plan: LinkerPlan): string {
  return [plan.kind, plan.zigTarget ?? '', plan.setsLinker ? 'wrapper' : 'cargo-default', ...plan.linkFlags].filter(Boolean).join(' ')
}

/**
 * What zig cc rejects of rustc's and cc's arguments (measured with zig 0.13.0, the pinned
 * release, and 0.11): cc's --target=<rust triple> (cc adds it for compilers it takes for
 * clang), the exclude-libs options; on musl, libgcc's unwinder is zig's libunwind.
 */
const ZIG_DROP_ARGS = [
  '--target=*',
  // zig 0.11 rejects it; 0.13 accepts it, and its lld already defaults to it, so dropping it
  // changes nothing there and keeps an older zig on PATH linking cdylibs.
  '-Wl,--no-undefined-version',
  '-Wl,-exclude-libs,*',
  '-Wl,--exclude-libs,*',
  // zig reads -march, -mcpu and -mtune alike as a zig CPU name (gcc's armv7-a, armv6 and
  // i686 are unknown or wrong there) and the last one wins: the plan appends the one CPU.
  '-march=*',
  '-mcpu=*',
  '-mtune=*',
  // GNU ld emulations (cc and rustc pass -Wl,-melf_i386 for i686 musl): unsupported linker arg.
  // Not every -Wl,-m*: -Wl,-mllvm is the user's own (zig rejects it too, and says so).
  '-Wl,-melf*',
  '-Wl,-maarch64*',
  '-Wl,-marmelf*',
  // zig ships no libatomic and refuses the link; 32- and 64-bit atomics need none (inlined on
  // ARMv6/ARMv7). openssl-sys asks for it on 32-bit ARM (vendored OpenSSL 3).
  '-latomic',
]
// zig 0.13 finds no gcc_s or gcc_eh for musl (0.14 accepts both); zig's libunwind takes their place.
const ZIG_MUSL_RENAME_ARGS = { '-lgcc_s': '-lunwind', '-lgcc_eh': '-lunwind' }

/** `zig version` (0.13.0, 0.14.0-dev.1+abc) as [major, minor]; undefined when unreadable. */
function zigRelease(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)\./.exec(version.trim())
  return match ? [Number(match[1]), Number(match[2])] : undefined
}

/**
 * Why this zig cannot link the target, when it is known not to (measured with zig 0.13.0,
 * 0.14.1 and 0.15.2 linking a C hello world); undefined when it can or nobody measured it.
 * The build would otherwise fail deep in a build script or at the link with zig's own error.
 */
export function zigCannotLink(facts: Pick<TargetFacts, 'arch' | 'libc' | 'triple'>, zigVersion: string): string | undefined {
  const release = zigRelease(zigVersion)
  if (!release) return undefined
  const [major, minor] = release
  const before = (m: number): boolean => major === 0 && minor < m
  const newer = 'or put zig 0.14 or newer on PATH before this step.'
  if (before(14) && (facts.arch === 's390x' || facts.arch === 'loongarch64')) {
    return `zig ${zigVersion.trim()} cannot link ${facts.triple}: building its compiler_rt for ${facts.arch} fails (LLVM ERROR: Cannot select fp_to_fp16); zig 0.14 links it. Use linker: gcc without a glibc floor (gnu targets), ${newer}`
  }
  if (before(14) && facts.arch === 'riscv64gc' && facts.libc === 'gnu') {
    return `zig ${zigVersion.trim()} cannot build glibc for riscv64 (its headers include gnu/stubs-lp64d.h, which it lacks); zig 0.14 builds it. Remove the glibc input to link with the distribution's riscv64-linux-gnu-gcc, ${newer}`
  }
  if (before(16) && facts.arch === 'armv5te') {
    return `zig ${zigVersion.trim()} cannot link ${facts.triple}: its C runtime calls __sync_lock_test_and_set_4, which ARMv5TE has no instruction for and zig does not provide (zig 0.13 to 0.15). Use linker: gcc without a glibc floor for armv5te-unknown-linux-gnueabi, or linker: none with a musl cross toolchain of your own.`
  }
  return undefined
}

/** Debian cross packages are named after the GNU triple with x86_64 spelt x86-64. */
function crossPackageSuffix(gnuTriple: string): string {
  return gnuTriple.replace(/_/g, '-')
}

/**
 * The lowest glibc floor zig links for each architecture: glibc's first release there
 * (x86_64's symbols start at 2.2.5, so 2.3). Below it zig 0.13 fails with undefined symbols
 * or, for powerpc64le, without stdio.h (measured: 2.2, 2.16, 2.3, 2.18 fail; these pass).
 */
const LOWEST_GLIBC: Record<string, string> = {
  x86_64: '2.3',
  i686: '2.0',
  i586: '2.0',
  aarch64: '2.17',
  armv7: '2.4',
  thumbv7neon: '2.4',
  arm: '2.4',
  powerpc64le: '2.19',
  riscv64gc: '2.27',
  loongarch64: '2.36',
}

function zigPlan(facts: TargetFacts, glibc?: string): LinkerPlan {
  if (!facts.zigTarget) {
    throw new InputError(Input.Linker, 'zig', `the action does not know zig's name for ${facts.triple}; use linker: none and configure the linker in the project.`)
  }
  const lowest = LOWEST_GLIBC[facts.arch]
  if (glibc && lowest && compareVersions(glibc, lowest) < 0) {
    throw new InputError(Input.Glibc, glibc, `glibc for ${facts.arch} starts at ${lowest}, so there is nothing older to link ${facts.triple} against; use glibc: ${lowest} or higher.`)
  }
  const zigTarget = glibc ? `${facts.zigTarget}.${glibc}` : facts.zigTarget
  return {
    kind: 'zig',
    description: `zig cc -target ${zigTarget}`,
    cc: { program: 'zig', args: ['cc', '-target', zigTarget] },
    cxx: { program: 'zig', args: ['c++', '-target', zigTarget] },
    ar: { program: 'zig', args: ['ar'] },
    setsLinker: true,
    requirements: [],
    needsZig: true,
    // zig brings musl's start files and libunwind; rustc's self-contained copies would clash.
    linkFlags: facts.libc === 'musl' ? ['-Clink-self-contained=no'] : [],
    dropArgs: ZIG_DROP_ARGS,
    renameArgs: facts.libc === 'musl' ? ZIG_MUSL_RENAME_ARGS : {},
    zigTarget,
  }
}

function gccPlan(facts: TargetFacts): LinkerPlan {
  const gnu = facts.gnuTriple
  if (facts.arch === 'arm') {
    throw new InputError(
      Input.Linker,
      'gcc',
      `${facts.triple} is ARMv6, and the distribution's ${gnu}-gcc and its C library target ARMv7 with Thumb-2, which an ARMv6 CPU cannot run; use linker: zig (or auto).`,
    )
  }
  if (!gnu || facts.libc !== 'gnu') {
    throw new InputError(Input.Linker, 'gcc', `no distribution cross gcc builds ${facts.triple}; use linker: zig (or auto).`)
  }
  const suffix = crossPackageSuffix(gnu)
  return {
    kind: 'gcc',
    description: `${gnu}-gcc`,
    cc: { program: `${gnu}-gcc`, args: [] },
    cxx: { program: `${gnu}-g++`, args: [] },
    ar: { program: `${gnu}-ar`, args: [] },
    setsLinker: true,
    requirements: [
      { command: `${gnu}-gcc`, packages: [`gcc-${suffix}`, `libc6-dev-${facts.debianArch}-cross`] },
      { command: `${gnu}-g++`, packages: [`g++-${suffix}`] },
    ],
    needsZig: false,
    linkFlags: [],
    dropArgs: [],
    renameArgs: {},
  }
}

function muslGccPlan(facts: TargetFacts, host: Host): LinkerPlan {
  if (facts.libc !== 'musl' || facts.family !== host.family || host.os !== 'linux') {
    throw new InputError(Input.Linker, 'gcc', `musl-gcc only links musl for the runner's own architecture (${host.family}), not ${facts.triple}; use linker: zig (or auto).`)
  }
  return {
    kind: 'musl-gcc',
    description: 'musl-gcc',
    cc: { program: 'musl-gcc', args: [] },
    ar: { program: 'ar', args: [] },
    setsLinker: true,
    requirements: [{ command: 'musl-gcc', packages: ['musl-tools'] }],
    needsZig: false,
    linkFlags: [],
    dropArgs: [],
    renameArgs: {},
  }
}

function hostPlan(): LinkerPlan {
  return {
    kind: 'host',
    description: 'the runner’s cc',
    cc: { program: 'cc', args: [] },
    cxx: { program: 'c++', args: [] },
    ar: { program: 'ar', args: [] },
    setsLinker: false,
    requirements: [],
    needsZig: false,
    linkFlags: [],
    dropArgs: [],
    renameArgs: {},
  }
}

function untouched(kind: 'native' | 'none', description: string): LinkerPlan {
  return { kind, description, setsLinker: false, requirements: [], needsZig: false, linkFlags: [], dropArgs: [], renameArgs: {} }
}

export function planLinker(choice: LinkerChoice, facts: TargetFacts, host: Host, glibc?: string): LinkerPlan {
  if (choice === 'none') return untouched('none', 'configured by the project')
  if (choice === 'zig') return zigPlan(facts, glibc)
  if (choice === 'gcc' && facts.os === 'windows') return mingwPlan(facts)
  if (choice === 'gcc') return facts.libc === 'musl' ? muslGccPlan(facts, host) : gccPlan(facts)

  // auto
  if (host.os === 'windows' && facts.os === 'linux') {
    throw new InputError(Input.Target, facts.triple, 'Linux targets are built on Linux or macOS runners (the compiler wrappers are shell scripts); run this job on ubuntu-latest.')
  }
  if (facts.os !== 'linux') {
    if (facts.os === host.os) return untouched('native', `the ${host.os} runner’s own toolchain`)
    // Windows from Linux: the distribution's mingw-w64 (wine runs the tests).
    if (host.os === 'linux' && mingwTriple(facts)) return mingwPlan(facts)
    throw new InputError(
      Input.Target,
      facts.triple,
      `linker: auto builds ${facts.os} targets only on a ${facts.os} runner (this one runs ${host.os}); run this job there, or set linker: none and configure the linker.`,
    )
  }
  if (glibc) return zigPlan(facts, glibc)
  if (host.os !== 'linux') return zigPlan(facts)
  // zig for every musl target, the runner's own architecture too: musl-gcc has no C++
  // compiler (cc then looks for x86_64-linux-musl-g++, which no distribution ships), no
  // libunwind for a std built from source, and no C runtime for another CPU; zig brings all.
  if (facts.libc === 'musl') return zigPlan(facts)
  if (facts.libc !== 'gnu') return zigPlan(facts)
  // ARMv6: zig builds C code and the C runtime for ARM1176; the distribution's armhf gcc is ARMv7.
  if (facts.arch === 'arm') return zigPlan(facts)
  if (facts.triple === host.triple) return hostPlan()
  return gccPlan(facts)
}
