/**
 * The Preflight and Build phases: the native build steps cargo is about to run, then
 * cargo's runs with the problem matcher, and what a failure means.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { runCargo, type Artifact, type CargoDiagnostic } from './cargo.js'
import { ActionError, errorMessage } from '../errors.js'
import type { BuildRequest } from '../inputs/phase.js'
import { runnerMachine, variablesMatching, workspace } from '../common/runner.js'
import { which } from '../exec.js'
import { resolveForTarget } from '../setup/metadata.js'
import type { SelectedToolchain, TargetSetup } from '../setup/phase.js'
import { cargoFeatureArgs, type BuildPlan } from '../plan/build-plan.js'
import { MATCHER_OWNER, rustcMatcher } from './matcher.js'
import { diagnose, flaggedFailure, type DiagnosisContext } from './diagnostics.js'
import { nativeCrates, preflightReport, type PreflightContext, type PreflightReport } from './preflight.js'
import { summariseWrapperLog } from '../plan/wrappers.js'
import { hostToolNeeds, isLibclang, missingHostTools, prebuiltNasmEnv, type HostTool } from './host-tools.js'

export function reportCargoErrors(errors: readonly CargoDiagnostic[], workDir: string): void {
  for (const error of errors.slice(0, 10)) {
    const file = error.file ? path.relative(workspace(), path.resolve(workDir, error.file)) : undefined
    core.error(error.message, file ? { file, startLine: error.line, startColumn: error.column } : undefined)
  }
}

export interface BuildOutcome {
  artifacts: Artifact[]
  /** How often build scripts' -march=native and friends were replaced by the wrappers */
  nativeReplacements: number
}

export async function build({ inputs, facts, workDir }: BuildRequest, setup: TargetSetup, plan: BuildPlan, preflight?: PreflightReport): Promise<BuildOutcome> {
  const diagnosis: DiagnosisContext = { facts, linker: setup.linker.description, systemPackages: inputs.systemPackages, protoc: Boolean(inputs.protoc), preflight }
  // rustc's warnings become annotations while cargo runs; the matcher is removed afterwards.
  const matcherFile = path.join(path.dirname(plan.configPath), 'rustc-matcher.json')
  fs.writeFileSync(matcherFile, JSON.stringify(rustcMatcher))
  core.info(`::add-matcher::${matcherFile}`)
  try {
    // The preflight's variables (AWS_LC_SYS_PREBUILT_NASM) join the plan's, for cargo only.
    const env = { ...plan.env, ...preflight?.env }
    return await runCargoCommands({ ...plan, env }, workDir, facts.triple, diagnosis)
  } finally {
    core.info(`::remove-matcher owner=${MATCHER_OWNER}::`)
  }
}

export async function runCargoCommands(plan: BuildPlan, workDir: string, target: string, diagnosis: DiagnosisContext): Promise<BuildOutcome> {
  const artifacts: Artifact[] = []
  for (const args of plan.cargoCommands) {
    const outcome = await runCargo(args, workDir, plan.env)
    artifacts.push(...outcome.artifacts)
    if (outcome.code !== 0) {
      reportCargoErrors(outcome.errors, workDir)
      // A recognised failure (missing protoc, pkg-config, a library, a linker) ends with what to do about it.
      // A crate the preflight flagged comes first: its remedy is more specific than the symptom.
      // The specific diagnosis first (what to set), then the preflight's notes on the crate that failed.
      const known = sentences([diagnose(outcome.stderr, diagnosis), flaggedFailure(outcome.stderr, diagnosis.preflight)])
      throw new ActionError(`cargo ${args[0]} for ${target} failed (exit ${outcome.code})${known ? `: ${known}` : outcome.errors.length ? '.' : '; see the log above.'}`)
    }
  }
  const log = fs.existsSync(plan.wrapperLog) ? summariseWrapperLog(fs.readFileSync(plan.wrapperLog, 'utf8')) : undefined
  if (log?.count) {
    core.notice(
      `Build scripts passed ${log.flags.join(', ')} to the C compiler ${log.count} time(s); the wrapper replaced them with the baseline (${plan.cFlags.join(' ') || "the target's default"}). In: ${log.dirs.slice(0, 5).join(', ')}`,
    )
  }
  return { artifacts, nativeReplacements: log?.count ?? 0 }
}

/**
 * The native build steps cargo is about to run, from cargo metadata. A host tool a crate's
 * build script runs and this runner lacks fails the step here, one error per crate; other
 * problems only warn (a failed cargo metadata skips the preflight).
 */
export async function preflightCheck({ inputs, facts, workDir }: BuildRequest, { cross }: SelectedToolchain, setup: TargetSetup, plan: BuildPlan): Promise<PreflightReport> {
  let metadata
  try {
    metadata = await resolveForTarget(workDir, facts.triple, cargoFeatureArgs(inputs), plan.env)
  } catch (error) {
    core.warning(`Preflight skipped: cargo metadata failed: ${errorMessage(error)}`)
    return { crates: [], markdown: '' }
  }
  const crates = nativeCrates(metadata)
  if (!crates.length) core.info('No crate in the dependency graph has a native build step.')
  // Checked on Linux runners, where the tools' names and places are known; elsewhere cargo finds out.
  const needs = runnerMachine().os === 'linux' ? hostToolNeeds(crates, facts) : []
  const present = await hostToolsPresent(new Set([...needs.flatMap((need) => need.tools), ...(facts.os === 'windows' ? (['nasm'] as const) : [])]))
  const env = prebuiltNasmEnv(crates, facts, present.has('nasm'), Object.keys(variablesMatching([/^AWS_LC_SYS_PREBUILT_NASM/])))
  const context: PreflightContext = {
    facts,
    linker: setup.linker.description,
    cross,
    protoc: Boolean(inputs.protoc),
    systemPackages: inputs.systemPackages,
    avx512Disabled: setup.rustcTarget.baseline.features.includes('-avx512f'),
    prebuiltNasm: 'AWS_LC_SYS_PREBUILT_NASM' in env,
  }
  const report = preflightReport(crates, context)
  crates.forEach((crate, i) => {
    const what = [crate.links ? `links ${crate.links}` : '', ...crate.tools].filter(Boolean).join(', ') || 'build script'
    core.info(`${crate.name} ${crate.version} (${what})${(report.crates[i]?.notes ?? []).map((note) => `\n    ${note}`).join('')}`)
  })
  for (const [name, value] of Object.entries(env)) core.info(`cargo gets ${name}=${value}`)
  const missing = missingHostTools(needs, present)
  if (missing.length) throw new ActionError(missing.join(' '))
  return { ...report, metadata, env }
}

/** The variables that name a tool instead of PATH or the library folders (the cmake crate's CMAKE, openssl-src's PERL, MAKE, clang-sys' LIBCLANG_PATH). */
const TOOL_VARIABLES: Partial<Record<HostTool, string>> = { cmake: 'CMAKE', perl: 'PERL', make: 'MAKE', libclang: 'LIBCLANG_PATH' }

/** Which of `tools` this runner has: named by their variable, else programs on PATH, libclang where clang-sys looks for it. */
async function hostToolsPresent(tools: ReadonlySet<HostTool>): Promise<Set<HostTool>> {
  const present = new Set<HostTool>()
  const named = variablesMatching(Object.values(TOOL_VARIABLES).map((name) => new RegExp(`^${name}$`)))
  for (const tool of tools) {
    const variable = TOOL_VARIABLES[tool]
    const found = (variable && named[variable]) || (tool === 'libclang' ? libclangInstalled() : await which(tool))
    if (found) present.add(tool)
  }
  return present
}

/** A libclang in the folders clang-sys searches on Linux: the system's, the multiarch one, each LLVM's lib. */
function libclangInstalled(): boolean {
  const usrLib = fs.existsSync('/usr/lib') ? fs.readdirSync('/usr/lib') : []
  const dirs = [
    '/usr/lib',
    '/usr/lib64',
    '/usr/local/lib',
    ...usrLib.filter((dir) => /-linux-gnu/.test(dir)).map((dir) => `/usr/lib/${dir}`),
    ...usrLib.filter((dir) => /^llvm-\d+$/.test(dir)).map((dir) => `/usr/lib/${dir}/lib`),
  ]
  return dirs.some((dir) => fs.existsSync(dir) && fs.readdirSync(dir).some(isLibclang))
}

/** Messages joined as sentences: each after the first capitalised, each ending with a full stop. */
function sentences(parts: readonly (string | undefined)[]): string {
  return parts
    .filter((part): part is string => Boolean(part))
    .map((part, i) => (i ? part.charAt(0).toUpperCase() + part.slice(1) : part))
    .map((part) => (/[.!?]$/.test(part) ? part : `${part}.`))
    .join(' ')
}
