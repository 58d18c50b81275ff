/**
 * The registry fixture (__tests__/fixtures/registry): one package per C build system that
 * crates use today, each a binary that prints what its C or C++ library computed. What each
 * prints, how each target's binaries run here, and one action run per target (all its
 * packages in one cargo build, one target directory), shared by the e2e test
 * (__tests__/e2e/targets/registry.test.ts) and the full grid (scripts/registry-grid.ts).
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { WINE64, wineEnv } from '../../src/common/wine.js'
import { attempt, fixture, readelf, registryCargoHome, runAction, type ActionRun } from './harness.js'

export interface CratesTarget {
  triple: string
  buildStd: boolean
  /** What the C compiler's macros say (c/arch.h), when built for the target's baseline */
  c: string
  /** Rust's std::env::consts::ARCH */
  arch: string
  /** The emulator and its CPU model; none: runs natively */
  runner?: string[]
  /** The GNU triple whose cross sysroot holds the C library (dynamic gnu binaries) */
  sysroot?: string
}

export const TARGETS: CratesTarget[] = [
  { triple: 'x86_64-unknown-linux-gnu', buildStd: false, c: 'x86_64', arch: 'x86_64' },
  { triple: 'x86_64-unknown-linux-musl', buildStd: true, c: 'x86_64', arch: 'x86_64' },
  { triple: 'aarch64-unknown-linux-gnu', buildStd: false, c: 'aarch64', arch: 'aarch64', runner: ['qemu-aarch64'], sysroot: 'aarch64-linux-gnu' },
  { triple: 'aarch64-unknown-linux-musl', buildStd: true, c: 'aarch64', arch: 'aarch64', runner: ['qemu-aarch64'] },
  { triple: 'armv7-unknown-linux-musleabihf', buildStd: true, c: 'armv7\\+thumb2', arch: 'arm', runner: ['qemu-arm', '-cpu', 'cortex-a7'] },
  { triple: 'arm-unknown-linux-musleabihf', buildStd: true, c: 'armv6', arch: 'arm', runner: ['qemu-arm', '-cpu', 'arm1176'] },
  // cc passes -march=i686 and gcc honours it (rustc's i686 baseline is pentium4, SSE2).
  { triple: 'i686-unknown-linux-gnu', buildStd: true, c: 'i386', arch: 'x86', runner: ['qemu-i386'], sysroot: 'i686-linux-gnu' },
  { triple: 'x86_64-pc-windows-gnu', buildStd: true, c: 'x86_64', arch: 'x86_64', runner: [WINE64] },
]

export const PACKAGES = ['cc-cpp', 'zstd-bundled', 'ring17', 'sqlite', 'openssl-vendored', 'jemalloc', 'zlib-ng', 'bindgen-sys', 'aws-lc'] as const
export type CratesPackage = (typeof PACKAGES)[number]

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** The line each binary prints on `target`, as a whole-line pattern. */
export function expectedOutput(name: CratesPackage, target: CratesTarget): RegExp {
  const arch = `arch=${target.arch}`
  const lines: Record<CratesPackage, string> = {
    // Both compilers built for the baseline; std::map, std::string and a caught exception.
    'cc-cpp': `cc-cpp c=${target.c} words=a=3,b=2,c=1 caught=1 cxx=${target.c} ${arch}`,
    'zstd-bundled': `zstd-bundled libzstd 1\\.5\\.\\d+ roundtrip 47->\\d+ ${arch}`,
    ring17: `ring17 sha256\\(rust-xbuild\\)=${sha256('rust-xbuild')} ${arch}`,
    sqlite: `sqlite 3\\.\\d+\\.\\d+ sum=42 ${arch}`,
    'openssl-vendored': `openssl-vendored OpenSSL 3\\.\\d+\\.\\d+ sha256\\(rust-xbuild\\)=${sha256('rust-xbuild')} ${arch}`,
    jemalloc: `jemalloc 5\\.\\d+\\.\\d+ allocated>=4MiB=true sum=2016 ${arch}`,
    'zlib-ng': `zlib-ng \\S+ roundtrip 47->\\d+ ${arch}`,
    // bindgen's layout of the struct equals the C compiler's: libclang saw the target.
    'bindgen-sys': `bindgen-sys magic=0x5842 dot=39 size c=(\\d+) rust=\\1 ${arch}`,
    // AWS-LC's SHA-256 and an AES-256-GCM seal and open (11 bytes and a 16-byte tag).
    'aws-lc': `aws-lc sha256\\(rust-xbuild\\)=${sha256('rust-xbuild')} aes-gcm 11->27 roundtrip ${arch}`,
  }
  return new RegExp(`^${lines[name]}$`)
}

/** The file cargo writes for a binary of `target`. */
export const binaryFile = (name: string, target: CratesTarget): string => (target.triple.includes('windows') ? `${name}.exe` : name)

/** The program and arguments that run a built binary here. */
export function runCommand(target: CratesTarget, binary: string): [string, string[]] {
  if (!target.runner) return [binary, []]
  const [program, ...cpu] = target.runner
  // The cross sysroot's loader with its own libc (docs/offline-testing.md).
  const libs = target.sysroot ? ['-L', `/usr/${target.sysroot}`, '-E', `LD_LIBRARY_PATH=/usr/${target.sysroot}/lib`] : []
  return [program ?? '', [...cpu, ...libs, binary]]
}

/**
 * wine's environment for a Windows binary the action built with `runnerTemp`: a prefix of this
 * user's own (wine refuses the runner user's), and the action's bcryptprimitives.dll stand-in
 * on WINEPATH where this wine lacks one (src/setup/wine.ts; the build must have had a smoke test).
 */
function wineEnvFor(target: CratesTarget, runnerTemp: string | undefined): NodeJS.ProcessEnv | undefined {
  if (!target.triple.includes('windows') || !runnerTemp) return undefined
  const dlls = path.join(runnerTemp, 'rust-xbuild', 'wine', `dlls-${target.arch}`)
  const prefix = path.join(os.tmpdir(), `rust-xbuild-crates-wine-${process.getuid?.() ?? 0}`)
  return { ...process.env, ...wineEnv(prefix, fs.existsSync(dlls) ? [dlls] : []) }
}

export interface BinaryResult {
  name: CratesPackage
  output: string
  ran: boolean
  /** musl: no interpreter and no DT_NEEDED; undefined elsewhere */
  static?: boolean
  /** The C (and C++) macros matched the target's baseline, as far as the binary prints them */
  baseline?: boolean
}

/** Run one built binary and check its line, its linkage and (where it prints them) its C macros. */
export function checkBinary(dir: string, name: CratesPackage, target: CratesTarget, runnerTemp?: string): BinaryResult {
  const file = path.join(dir, binaryFile(name, target))
  if (!fs.existsSync(file)) return { name, output: 'not built', ran: false }
  const [program, args] = runCommand(target, file)
  const result = attempt(program, args, { env: wineEnvFor(target, runnerTemp) })
  const output = `${result.stdout}${result.status === 0 ? '' : ` (exit ${result.status ?? result.signal}) ${result.stderr.slice(-300)}`}`.trim()
  const ran = result.status === 0 && expectedOutput(name, target).test(result.stdout.trim())
  const elf = target.triple.includes('musl') ? readelf(file) : undefined
  const baseline = name === 'cc-cpp' ? new RegExp(`c=${target.c} .*cxx=${target.c} `).test(output) : undefined
  return { name, output, ran, static: elf && !elf.interpreter && elf.needed.length === 0, baseline }
}

/** Where a run's binaries are: the staged folder, or cargo's own after a failed `--keep-going` step (which stages nothing). */
export function builtDir(run: ActionRun, workspace: string, triple: string): string {
  return run.code === 0 ? (run.outputs.dir ?? '') : path.join(workspace, 'target', triple, 'release')
}

/** One workspace per target: later runs of a target reuse its target directory. */
const workspaces = new Map<string, string>()
export function workspaceFor(triple: string): string {
  const existing = workspaces.get(triple)
  if (existing) return existing
  const created = fixture('registry')
  workspaces.set(triple, created)
  return created
}

/** The action, alone, building `packages` of the registry fixture for `target` from the committed Cargo.lock. */
export function buildCrates(target: CratesTarget, packages: readonly CratesPackage[], runnerTemp: string, extra: Record<string, string> = {}, timeoutMinutes?: number): ActionRun {
  const inputs: Record<string, string> = { target: target.triple, toolchain: 'system', locked: 'true', package: packages.join(','), ...extra }
  if (target.buildStd) inputs['build-std'] = 'true'
  // A smoke test makes the action prepare wine (and its DLL stand-in) for Windows binaries.
  if (target.triple.includes('windows')) inputs['smoke-test'] ??= 'smoke'
  return runAction(inputs, { workspace: workspaceFor(target.triple), runnerTemp, env: { CARGO_HOME: registryCargoHome() }, timeoutMinutes })
}
