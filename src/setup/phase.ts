/**
 * The Toolchain and Setup phases: the Rust toolchain and the machine it runs on, then,
 * concurrently, the target's std, the linker's packages, zig and protoc; what rustc knows
 * of the target (CPU names, features, cfg); the emulator for foreign tests; the programs
 * the compiler wrappers run; and the target's C libraries (system-packages).
 */
import * as core from '@actions/core'
import path from 'node:path'
import { actionTempDir, variablesMatching } from '../common/runner.js'
import { parseCfg } from '../common/cfg.js'
import { Input } from '../common/constants.js'
import { expandFeatures, parseTargetCpus, parseTargetFeatures, type Baseline } from '../common/cpu.js'
import { closest, isCrossBuild, targetFacts, type Host, type TargetFacts } from '../common/target.js'
import { ActionError, InputError } from '../errors.js'
import { exec, which } from '../exec.js'
import type { BuildRequest } from '../inputs/phase.js'
import type { Inputs } from '../inputs/parse.js'
import { resolveDebugSplit, type DebugSplit } from './debug-symbols.js'
import { ensureCommands, installSystemPackages, multiarchLibcInstalled } from './apt.js'
import { ensureProtoc, ensureZig, type ProtocSetup } from './downloads.js'
import { planLinker, zigCannotLink, type LinkerPlan } from './linker.js'
import { hostPkgConfigEnv, planSystemPackages, type SystemPackagesPlan } from './system-packages.js'
import { checkTargetKnown, ensureTarget, ensureToolchain, type Toolchain } from './toolchain.js'
import { smokeRequirements, testRunner } from '../common/emulator.js'
import { runsUnderWine, wineCannotRun } from '../common/wine.js'
import { mingwEnv, needsStartupObjects } from './mingw.js'
import { buildStartupObjects } from './rtstartup.js'
import { prepareWine } from './wine.js'
import { bindgenEnv, zigIncludeDirs } from './bindgen.js'

export interface SelectedToolchain {
  toolchain: Toolchain
  host: Host
  /** The target is not the host (isCrossBuild) */
  cross: boolean
}

export async function selectToolchain({ inputs, facts, workDir }: BuildRequest): Promise<SelectedToolchain> {
  const toolchain = await ensureToolchain(inputs.toolchain, workDir)
  core.info(toolchain.version)
  await checkTargetKnown(toolchain, facts.triple, inputs.targetAsGiven, workDir)
  const hostFacts = targetFacts(toolchain.host)
  const host: Host = { triple: toolchain.host, family: hostFacts.family, os: hostFacts.os }
  return { toolchain, host, cross: isCrossBuild(facts, host) }
}

/** Everything the build needs on this machine, and what was learnt setting it up. */
export interface TargetSetup {
  linker: LinkerPlan
  /** The emulator runner for tests of a foreign architecture */
  testRunner?: string[]
  /** What this rustc says of the target: the checked baseline and its cfg */
  rustcTarget: RustcTarget
  zig?: string
  protoc?: ProtocSetup
  /** Absolute paths of the programs the compiler wrappers run, by program name */
  programPaths: Record<string, string>
  /** The linker's version line, for the cache fingerprint */
  linkerVersion: string
  /** The target's C libraries to install, when system-packages asks for any */
  systemPackages?: SystemPackagesPlan
  /** windows-gnu from Linux: mingw's variables for cargo, and wine's when tests or the smoke test run */
  windowsEnv?: Record<string, string>
  /** debug-symbols: how each binary's debug information is split off, and with what */
  debugSplit?: DebugSplit
  /** zig: bindgen's libclang pointed at zig's headers for the target's libc */
  bindgenEnv?: Record<string, string>
}

export async function setUpTarget({ inputs, facts, workDir }: BuildRequest, { toolchain, host, cross }: SelectedToolchain): Promise<TargetSetup> {
  const planned = planLinker(inputs.linker, facts, host, inputs.glibc)
  const multiarchLibc = multiarchLibcInstalled(facts)
  const tests = testRunner(inputs.command, facts, host, multiarchLibc)
  core.info(`Linker: ${planned.description}`)
  // Independent steps run concurrently: the target's std, distribution packages, zig, protoc, i686 mingw's start objects.
  const [rustcTarget, , , zig, protoc, startup] = await Promise.all([
    askRustc(inputs, facts, toolchain, cross, workDir),
    ensureTarget(toolchain, facts.triple, inputs.buildStd),
    ensureCommands([...planned.requirements, ...tests.requirements, ...(inputs.smokeTest ? smokeRequirements(facts, host, multiarchLibc) : [])]),
    planned.needsZig ? ensureZig() : Promise.resolve(undefined),
    inputs.protoc ? ensureProtoc(inputs.protoc) : Promise.resolve(undefined),
    needsStartupObjects(facts, inputs.buildStd) ? buildStartupObjects(facts, toolchain) : Promise.resolve(undefined),
  ])
  const linker = startup ? { ...planned, linkFlags: [...planned.linkFlags, `-Lnative=${startup}`] } : planned
  if (protoc) core.info(`protoc: ${protoc.description}`)
  const programPaths = await resolvePrograms(linker, zig)
  const version = await linkerVersion(linker, programPaths)
  // A target this zig is known not to link fails here, with what to do, not at the link.
  const cannot = linker.kind === 'zig' ? zigCannotLink(facts, version) : undefined
  if (cannot) throw new ActionError(cannot)
  const systemPackages = planSystemPackages(inputs.systemPackages, facts, host, linker.kind)
  const windowsEnv = runsUnderWine(facts, host) ? await windowsSetup(facts, linker, programPaths, Boolean(tests.runner || (inputs.smokeTest && !wineCannotRun(facts)))) : undefined
  // Before the build: a target that cannot be split fails now, not after cargo.
  const debugSplit = inputs.debugSymbols ? await resolveDebugSplit(facts, host.family, zig) : undefined
  if (debugSplit) core.info(`Debug symbols: ${debugSplit.format}${debugSplit.tool ? ` (${debugSplit.tool.join(' ')})` : ''}`)
  const bindgenEnv = linker.kind === 'zig' ? await zigBindgenEnv(facts, linker, programPaths) : undefined
  // The tests' CPU model follows the baseline rustc resolved (ARMv6 built for a Cortex-A7 needs one).
  const runner = testRunner(inputs.command, facts, host, multiarchLibc, rustcTarget.baseline.cpu).runner
  return { linker, testRunner: runner, rustcTarget, zig, protoc, programPaths, linkerVersion: version, systemPackages, windowsEnv, debugSplit, bindgenEnv }
}

/** The folders zig compiles the target's C with (`zig cc -E -v`), handed to bindgen. */
async function zigBindgenEnv(facts: TargetFacts, linker: LinkerPlan, programPaths: Record<string, string>): Promise<Record<string, string>> {
  const zig = linker.cc ? programPaths[linker.cc.program] : undefined
  if (!zig || !linker.cc) return {}
  const probe = await exec(zig, [...linker.cc.args, '-E', '-v', '-x', 'c', '/dev/null', '-o', '/dev/null'], {
    allowFailure: true,
    env: { ZIG_GLOBAL_CACHE_DIR: path.join(actionTempDir(facts.triple), 'zig-cache') },
  })
  const env = bindgenEnv(facts, zigIncludeDirs(probe.stderr), Object.keys(variablesMatching([/^BINDGEN_EXTRA_CLANG_ARGS/])))
  for (const [name, value] of Object.entries(env)) core.info(`cargo gets ${name}=${value}`)
  return env
}

/** mingw's variables for cargo, and wine's when an .exe will run. */
async function windowsSetup(facts: TargetFacts, linker: LinkerPlan, programPaths: Record<string, string>, runs: boolean): Promise<Record<string, string>> {
  const cc = linker.cc ? programPaths[linker.cc.program] : undefined
  return { ...(linker.cc ? mingwEnv(facts) : {}), ...(runs ? await prepareWine(facts, cc) : {}) }
}

/** The System packages phase: the target's libraries through multiarch, and pkg-config pointed at them. */
export async function installTargetLibraries(plan: SystemPackagesPlan): Promise<void> {
  for (const warning of plan.warnings) core.warning(warning)
  await installSystemPackages(plan)
  const pcPath = await exec('pkg-config', ['--variable', 'pc_path', 'pkg-config'], { allowFailure: true })
  Object.assign(plan.env, hostPkgConfigEnv(plan.env, pcPath.code === 0 ? pcPath.stdout : ''))
  for (const [name, value] of Object.entries(plan.env)) core.info(`cargo gets ${name}=${value}`)
}

export interface RustcTarget {
  baseline: Baseline
  cfg: Set<string>
}

/** Validate target-cpu and expand target-features against what this rustc knows for the target. */
export async function askRustc(inputs: Inputs, facts: TargetFacts, toolchain: Toolchain, cross: boolean, cwd: string): Promise<RustcTarget> {
  const rustc = (args: string[]): Promise<string> => exec('rustc', [...args, '--target', facts.triple], { env: toolchain.env, cwd }).then((r) => r.stdout)
  const [cfgText, cpusText, featuresText] = await Promise.all([
    rustc(['--print', 'cfg']),
    inputs.targetCpu ? rustc(['--print', 'target-cpus']) : Promise.resolve(''),
    inputs.targetFeatures.length ? rustc(['--print', 'target-features']) : Promise.resolve(''),
  ])
  const cpu = inputs.targetCpu
  if (cpu === 'native' && cross) {
    throw new InputError(
      Input.TargetCpu,
      cpu,
      `'native' means the build machine's CPU, which is not a baseline for the cross target ${facts.triple}; name a CPU such as ${facts.family === 'x86_64' ? 'x86-64-v2' : 'generic'}.`,
    )
  }
  if (cpu && cpu !== 'native') {
    const cpus = parseTargetCpus(cpusText)
    if (cpus.length && !cpus.includes(cpu)) {
      const suggestions = closest(cpu, cpus)
      throw new InputError(Input.TargetCpu, cpu, `${facts.triple} has no such CPU (rustc --print target-cpus).${suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ''}`)
    }
  }
  const features = inputs.targetFeatures.length ? expandFeatures(inputs.targetFeatures, parseTargetFeatures(featuresText)) : []
  return { baseline: { cpu, features }, cfg: parseCfg(cfgText) }
}

/** The linker's identity for the cache fingerprint: its version line. */
export async function linkerVersion(linker: LinkerPlan, programPaths: Record<string, string>): Promise<string> {
  const program = linker.cc ? (programPaths[linker.cc.program] ?? linker.cc.program) : undefined
  if (!program) return ''
  const result = await exec(program, linker.kind === 'zig' ? ['version'] : ['--version'], { allowFailure: true })
  return result.stdout.split('\n')[0]?.trim() ?? ''
}

export async function resolvePrograms(linker: LinkerPlan, zig: string | undefined): Promise<Record<string, string>> {
  const programPaths: Record<string, string> = {}
  for (const tool of [linker.cc, linker.cxx, linker.ar]) {
    if (!tool || programPaths[tool.program]) continue
    const found = tool.program === 'zig' ? zig : await which(tool.program)
    if (found) programPaths[tool.program] = found
    else if (tool !== linker.cxx) throw new ActionError(`${tool.program} is not on PATH after setup; the ${linker.kind} toolchain for this target is incomplete.`)
  }
  return programPaths
}
