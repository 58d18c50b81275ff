/**
 * After a failed build: known failure patterns in cargo's stderr become one actionable
 * message. Pure: lines in, a sentence out (undefined when nothing is recognised).
 */
import type { TargetFacts } from '../common/target.js'
import { stripAnsi } from '../common/text.js'
import type { PreflightReport } from './preflight.js'

export interface DiagnosisContext {
  facts: TargetFacts
  /** The linker/C toolchain description */
  linker: string
  systemPackages: readonly string[]
  protoc: boolean
  /** What the preflight found, to name a flagged crate's remedy */
  preflight?: PreflightReport
}

/** -l<name> → the Debian/Ubuntu -dev package that ships it, for names that are not lib<name>-dev. */
const LIB_PACKAGES: Record<string, string> = {
  ssl: 'libssl-dev',
  crypto: 'libssl-dev',
  z: 'zlib1g-dev',
  bz2: 'libbz2-dev',
  lzma: 'liblzma-dev',
  pq: 'libpq-dev',
  sqlite3: 'libsqlite3-dev',
  'dbus-1': 'libdbus-1-dev',
  asound: 'libasound2-dev',
  udev: 'libudev-dev',
  X11: 'libx11-dev',
}

/** The Debian package for a pkg-config module name (libzstd → libzstd-dev, openssl → libssl-dev). */
function packageForModule(module: string): string {
  if (module === 'openssl' || module === 'libssl' || module === 'libcrypto') return 'libssl-dev'
  if (module === 'zlib') return 'zlib1g-dev'
  return `${module.startsWith('lib') ? module : `lib${module}`}-dev`
}

interface Rule {
  pattern: RegExp
  message: (match: RegExpExecArray, context: DiagnosisContext) => string
}

const RULES: Rule[] = [
  {
    pattern: /undefined reference to [`'"]?(\w*avx512\w*)/i,
    message: (m, c) =>
      `The link failed on the AVX-512 kernel ${m[1]}: Rust code calls a kernel that the crate's build script did not compile for this baseline (build scripts that decide from the build machine's CPU or -march=native). Set target-features: -avx512${c.facts.family === 'x86_64' ? ' with your target-cpu' : ''} so Rust and C agree, or use a version of the crate whose build script follows CARGO_CFG_TARGET_FEATURE.`,
  },
  {
    pattern: /Could not find `?protoc`?|failed to invoke protoc|protoc failed: .*No such file/i,
    message: (_m, c) =>
      c.protoc
        ? 'A build script could not run protoc even though the protoc input is set; check that the build script reads the PROTOC variable.'
        : 'A build script needs protoc (the Protocol Buffers compiler) on the build host: set the input protoc: true (or a minimum version such as 3.21); the action exports PROTOC for cargo.',
  },
  {
    pattern: /pkg-config has not been configured to support cross-compilation|Cross compilation detected|PKG_CONFIG_ALLOW_CROSS/,
    message: (_m, c) =>
      `pkg-config refused to look up a library for the cross target ${c.facts.triple}. List the target's -dev packages in system-packages (for example libssl-dev): the action installs them for ${c.facts.debianArch ?? 'the target'} and points pkg-config at them, or enable the crate's vendored/bundled feature.`,
  },
  {
    pattern: /Package (\S+) was not found in the pkg-config search path|could not find system library '([^']+)'|The system library `([^`]+)` required by crate/,
    message: (m, c) => {
      const module = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\.pc$/, '')
      const pkg = packageForModule(module)
      return c.systemPackages.length && c.systemPackages.some((name) => name.split(':')[0] === pkg)
        ? `pkg-config found no ${module} for ${c.facts.triple} although ${pkg} is in system-packages; check that the package ships ${module}.pc.`
        : `pkg-config found no ${module} for ${c.facts.triple}: add ${pkg} to system-packages (installed for ${c.facts.debianArch ?? 'the target'}), or enable the crate's vendored/bundled feature.`
    },
  },
  {
    pattern: /(?:cannot find|unable to find library|library not found for) -l([\w.+-]+)/,
    message: (m, c) => {
      const lib = m[1] ?? ''
      const pkg = LIB_PACKAGES[lib] ?? `lib${lib}-dev`
      return `The linker found no lib${lib} for ${c.facts.triple}: add ${pkg} to system-packages so the target's copy is installed${c.facts.libc === 'musl' ? " (for musl, prefer the crate's vendored/bundled feature)" : ''}, or enable the crate's vendored/bundled feature.`
    },
  },
  {
    pattern: /linker `([^`]+)` not found/,
    message: (m, c) =>
      `The linker ${m[1]} is not installed. Use linker: auto (it installs the cross gcc, or uses zig) instead of configuring ${m[1]} yourself, or install it before this step (currently: ${c.linker}).`,
  },
  {
    // cc's name for a musl C++ compiler when CXX_<target> is unset: musl-gcc has none.
    // cc 1.11: `failed to find tool "x86_64-linux-musl-g++": No such file`; older: `Is ... not installed?`
    pattern: /failed to find tool "?((?:[\w-]+-)?musl-g\+\+)"?|is `((?:[\w-]+-)?musl-g\+\+)` not installed\?/i,
    message: (m, c) =>
      `A build script compiles C++ for ${c.facts.triple}, and ${c.linker} has no C++ compiler (cc looked for ${m[1] ?? m[2]}, which no distribution ships). Use linker: auto or zig: zig c++ builds C++ for musl with its libc++.`,
  },
  {
    pattern: /failed to find tool "?([^":]+)"?: No such file or directory|is `([^`]+)` not installed\?/i,
    message: (m, c) =>
      `A build script's C compiler ${m[1] ?? m[2]} is not installed for ${c.facts.triple}. With linker: auto the action sets CC_${c.facts.underscored}; if the project sets CC or TARGET_CC itself, point it at an installed cross compiler.`,
  },
]

export function diagnose(stderr: readonly string[], context: DiagnosisContext): string | undefined {
  const text = stderr.map(stripAnsi).join('\n')
  for (const rule of RULES) {
    const match = rule.pattern.exec(text)
    if (match) return rule.message(match, context)
  }
  return undefined
}

/** The crates cargo reports as failed: a build script that did not succeed, or a crate that did not compile. */
export function failedCrates(stderr: readonly string[]): { name: string; version?: string }[] {
  const found = new Map<string, string | undefined>()
  for (const line of stderr.map(stripAnsi)) {
    const script = /^error: failed to run custom build command for `(\S+) v([^`\s]+)/.exec(line)
    const compile = /^error: could not compile `([^`]+)`/.exec(line)
    if (script?.[1]) found.set(script[1], script[2])
    else if (compile?.[1] && !found.has(compile[1])) found.set(compile[1], undefined)
  }
  return [...found].map(([name, version]) => (version ? { name, version } : { name }))
}

/**
 * When cargo failed in a crate the preflight had notes on (ring 0.16 on an architecture
 * it lacks, openssl-sys on musl), those notes are the likely remedy: one sentence naming
 * the crate and them, or undefined.
 */
export function flaggedFailure(stderr: readonly string[], preflight: PreflightReport | undefined): string | undefined {
  for (const failed of failedCrates(stderr)) {
    const flagged = preflight?.crates.find((crate) => crate.name === failed.name && (!failed.version || crate.version === failed.version))
    if (flagged?.notes.length) return `the build failed in ${flagged.name} ${flagged.version}; the preflight's notes on it for this target: ${flagged.notes.join(' ')}`
  }
  return undefined
}
