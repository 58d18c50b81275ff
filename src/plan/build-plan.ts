/**
 * The whole build as data: cargo's environment, the action's cargo config, the cargo
 * command lines and the wrappers to write. Pure: built from inputs and facts the
 * executors gathered, and table-tested without mocks.
 */
import path from 'node:path'
import { stringify } from 'smol-toml'
import { cFlagsForBaseline, zigCpu, type Baseline } from '../common/cpu.js'
import type { Inputs } from '../inputs/parse.js'
import type { LinkerPlan, Tool } from '../setup/linker.js'
import { composeRustflags, encodeRustflags, type ProjectFlags } from './rustflags.js'
import { isCrossBuild, type TargetFacts, type Host } from '../common/target.js'
import { renderCompilerWrapper } from './wrappers.js'
import { cRemapFlags, portableFlags, rustRemapFlags, type PathRemap } from './remap.js'
import { debugInfoEnv, type ProfileSources } from './profile.js'
import type { DebugFormat } from '../setup/debug-symbols.js'

/**
 * A GNU build-id for ELF binaries with debug-symbols, so a debugger or debuginfod matches the
 * stripped binary with its .debug file: Debian's gcc passes one by default, but musl-gcc's
 * specs and zig's linker do not (measured), so the action asks every cc-like linker for one.
 */
export const BUILD_ID_FLAG = '-Clink-arg=-Wl,--build-id=sha1'

/** Whether the build asks the linker for a build-id: ELF with debug-symbols, linked by a linker the action knows is a cc driver. */
export function wantsBuildId({ facts, linker, debugInfo }: Pick<PlanRequest, 'facts' | 'linker' | 'debugInfo'>): boolean {
  return debugInfo?.format === 'objcopy' && facts.os !== 'windows' && linker.kind !== 'none'
}

export interface ToolchainFacts {
  /** rustup toolchain name, or undefined for the system toolchain */
  rustupName?: string
  /** true when the channel allows -Z flags without RUSTC_BOOTSTRAP */
  nightly: boolean
}

export interface PlanRequest {
  inputs: Inputs
  facts: TargetFacts
  host: Host
  linker: LinkerPlan
  baseline: Baseline
  project: ProjectFlags
  toolchain: ToolchainFacts
  /** Absolute paths of the programs the wrappers run (program name → path) */
  programPaths: Record<string, string>
  /** The action's own folder for this target, under RUNNER_TEMP */
  tempDir: string
  /** The emulator to run foreign tests with, when tests run */
  runner?: string[]
  /** Variables the setup phases add for cargo (pkg-config for system-packages, PROTOC); the plan's own win */
  extraEnv?: Record<string, string>
  /** Folders mapped to fixed names in binaries (remap.ts) */
  remaps?: PathRemap[]
  /** debug-symbols: the profile as cargo resolves it, and how the debug information is split off */
  debugInfo?: { sources: ProfileSources; format: DebugFormat }
}

export interface WrapperFile {
  path: string
  content: string
}

export interface BuildPlan {
  rustflags: string[]
  /** rustflags with the runner's paths of the remaps left out, for the manifest and the cache fingerprint */
  portableRustflags: string[]
  /** What the C/C++ wrappers add after the baseline: -ffile-prefix-map for each remap */
  cRemapFlags: string[]
  warnings: string[]
  notices: string[]
  /** Variables added to cargo's environment (never to the job's) */
  env: Record<string, string>
  configPath: string
  configToml: string
  wrappers: WrapperFile[]
  wrapperLog: string
  cFlags: string[]
  /** zig's global cache for this target and CPU (libc, start files, compiler_rt), kept in the build cache */
  zigCache?: { dir: string; target: string; cpu: string }
  /** One argv per cargo invocation, in order (build, then test) */
  cargoCommands: string[][]
}

function commandAt(tool: Tool, programPaths: Record<string, string>): string[] {
  return [programPaths[tool.program] ?? tool.program, ...tool.args]
}

/** The feature and lockfile flags, which cargo metadata takes as well as cargo build. */
export function cargoFeatureArgs(inputs: Inputs): string[] {
  const args: string[] = []
  if (inputs.features.length) args.push('--features', inputs.features.join(','))
  if (inputs.allFeatures) args.push('--all-features')
  if (inputs.noDefaultFeatures) args.push('--no-default-features')
  if (inputs.locked) args.push('--locked')
  return args
}

/** What cargo builds: packages, binaries, features. */
export function cargoSelectionArgs(inputs: Inputs): string[] {
  const args: string[] = []
  for (const name of inputs.packages) args.push('--package', name)
  for (const name of inputs.bins) args.push('--bin', name)
  return [...args, ...cargoFeatureArgs(inputs)]
}

export function makePlan(request: PlanRequest): BuildPlan {
  const { inputs, tempDir } = request
  const notices: string[] = []
  const composed = planRustflags(request, notices)
  const compilers = planCCompilers(request)
  const env: Record<string, string> = { CARGO_ENCODED_RUSTFLAGS: encodeRustflags(composed.flags) }
  if (compilers.zigCache) env.ZIG_GLOBAL_CACHE_DIR = compilers.zigCache.dir
  const wrapperLog = path.join(tempDir, 'native-flags.log')
  const wrapped = planWrappers(request, compilers, wrapperLog)
  if (wrapped.unwrappedNotice) notices.push(wrapped.unwrappedNotice)
  Object.assign(env, wrapped.env, toolchainEnv(request, notices))
  if (request.debugInfo) {
    const debug = debugInfoEnv(inputs.profile, request.debugInfo.sources)
    Object.assign(env, debug.env)
    notices.push(...debug.notices)
  }
  const configPath = path.join(tempDir, 'cargo-config.toml')
  return {
    rustflags: composed.flags,
    portableRustflags: portableFlags(composed.flags, request.remaps ?? []),
    cRemapFlags: compilers.cMaps,
    warnings: [...composed.warnings],
    notices,
    env: { ...request.extraEnv, ...env },
    configPath,
    configToml: renderCargoConfig(request, wrapped.cc),
    wrappers: wrapped.wrappers,
    wrapperLog,
    cFlags: compilers.cFlags,
    zigCache: compilers.zigCache,
    cargoCommands: cargoCommands(inputs, request.facts.triple, configPath),
  }
}

/** The rustflags by cargo's precedence, with a notice when a variable shadows another source. */
function planRustflags(request: PlanRequest, notices: string[]): ReturnType<typeof composeRustflags> {
  const { inputs, facts, host, linker, baseline } = request
  const composed = composeRustflags({
    project: request.project,
    baseline,
    cross: isCrossBuild(facts, host),
    linkFlags: wantsBuildId(request) ? [...linker.linkFlags, BUILD_ID_FLAG] : linker.linkFlags,
    extra: inputs.rustflags,
    remapFlags: rustRemapFlags(request.remaps ?? []),
  })
  if (request.project.shadowed) {
    notices.push(`${request.project.source} is set, so cargo ignores ${request.project.shadowed}; the action keeps cargo's choice.`)
  }
  return composed
}

interface CCompilerFlags {
  cMaps: string[]
  /** zig's name of the baseline CPU, when zig compiles */
  zigCpuName?: string
  trailingFlags: string[]
  cFlags: string[]
  zigCache?: BuildPlan['zigCache']
}

/** The C compilers' baseline and path-map flags, and zig's cache folder. */
function planCCompilers({ facts, linker, baseline, tempDir, remaps }: PlanRequest): CCompilerFlags {
  // zig takes the baseline as one -mcpu in its own CPU names, put last; gcc takes gcc's flags first.
  const zigCpuName = linker.kind === 'zig' ? zigCpu(facts, baseline) : undefined
  const trailingFlags = zigCpuName ? [`-mcpu=${zigCpuName}`] : []
  const cFlags = linker.kind === 'zig' ? trailingFlags : cFlagsForBaseline(facts.family, baseline)
  // zig builds libc and the start files per target and CPU on first use (about a minute):
  // under the action's folder, so the build cache can keep them.
  const zigCache = linker.zigTarget ? { dir: path.join(tempDir, 'zig-cache'), target: linker.zigTarget, cpu: zigCpuName ?? 'default' } : undefined
  return { cMaps: cRemapFlags(remaps ?? []), zigCpuName, trailingFlags, cFlags, zigCache }
}

/** The compiler wrappers and the CC_/CXX_/AR_ variables naming them (or CFLAGS_ when there is no C compiler to wrap). */
function planWrappers(request: PlanRequest, compilers: CCompilerFlags, wrapperLog: string): { wrappers: WrapperFile[]; env: Record<string, string>; cc?: string; unwrappedNotice?: string } {
  const { facts, linker, inputs } = request
  const { zigCpuName, cFlags, cMaps, trailingFlags } = compilers
  const wrappers: WrapperFile[] = []
  const env: Record<string, string> = {}
  const wrap = (name: string, tool: Tool | undefined, variable: string, withBaseline: boolean): string | undefined => {
    if (!tool) return undefined
    const file = path.join(request.tempDir, 'bin', name)
    wrappers.push({
      path: file,
      content: renderCompilerWrapper({
        command: commandAt(tool, request.programPaths),
        baselineFlags: withBaseline ? [...(zigCpuName ? [] : cFlags), ...cMaps] : [],
        logFile: wrapperLog,
        dropArgs: withBaseline ? linker.dropArgs : [],
        renameArgs: withBaseline ? linker.renameArgs : {},
        trailingFlags: withBaseline ? trailingFlags : [],
      }),
    })
    env[`${variable}_${facts.underscored}`] = file
    return file
  }
  const cc = wrap('cc', linker.cc, 'CC', true)
  wrap('c++', linker.cxx, 'CXX', true)
  wrap('ar', linker.ar, 'AR', false)
  if (linker.cc || !cFlags.length) return { wrappers, env, cc }
  // No wrapper to carry the baseline: the cc crate appends CFLAGS_<target> instead.
  env[`CFLAGS_${facts.underscored}`] = cFlags.join(' ')
  env[`CXXFLAGS_${facts.underscored}`] = cFlags.join(' ')
  const unwrappedNotice = `linker: ${inputs.linker} leaves the C compiler to the project: the baseline reaches C code through CFLAGS_${facts.underscored}, and -march=native in build scripts is not rewritten.`
  return { wrappers, env, cc, unwrappedNotice }
}

/** RUSTC_BOOTSTRAP for build-std on a stable toolchain, RUSTUP_TOOLCHAIN for rustup's. */
function toolchainEnv({ inputs, toolchain }: PlanRequest, notices: string[]): Record<string, string> {
  const env: Record<string, string> = {}
  if (inputs.buildStd && !toolchain.nightly) {
    env.RUSTC_BOOTSTRAP = '1'
    notices.push('build-std needs nightly features: RUSTC_BOOTSTRAP=1 is set for this build on a non-nightly toolchain.')
  }
  if (toolchain.rustupName) env.RUSTUP_TOOLCHAIN = toolchain.rustupName
  return env
}

/** The action's own cargo config: the target's linker and runner. */
function renderCargoConfig({ facts, linker, runner }: PlanRequest, cc: string | undefined): string {
  const targetTable: Record<string, unknown> = {}
  if (linker.setsLinker && cc) targetTable.linker = cc
  if (runner) targetTable.runner = runner
  return (
    `# Written by rust-xbuild for ${facts.triple}; passed to cargo with --config.\n` +
    `# The project's own .cargo/config.toml is not touched. Rustflags go through CARGO_ENCODED_RUSTFLAGS.\n` +
    stringify({ target: { [facts.triple]: targetTable } }) +
    '\n'
  )
}

/** cargo build and/or cargo test, each with --target, the profile, the selection and the action's config. */
function cargoCommands(inputs: PlanRequest['inputs'], triple: string, configPath: string): string[][] {
  const common = ['--target', triple, '--message-format=json-render-diagnostics', '--profile', inputs.profile, ...cargoSelectionArgs(inputs), '--config', configPath]
  if (inputs.buildStd) common.push('-Zbuild-std=std,panic_abort')
  const commands: string[][] = []
  if (inputs.command !== 'test') commands.push(['build', ...common, ...inputs.args])
  if (inputs.command !== 'build') commands.push(['test', ...common, ...inputs.args])
  return commands
}
