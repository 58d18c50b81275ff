/**
 * The Cargo configuration phase: the project's own rustflags read as cargo would, the
 * whole build planned (build-plan.ts, pure), and the plan's files written under RUNNER_TEMP:
 * the action's cargo config and the compiler wrappers. The project's files are never touched.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { Output } from '../common/constants.js'
import { actionTempDir, variablesMatching, workspace } from '../common/runner.js'
import type { BuildRequest } from '../inputs/phase.js'
import type { SelectedToolchain, TargetSetup } from '../setup/phase.js'
import { makePlan, type BuildPlan } from './build-plan.js'
import { parse as parseToml } from 'smol-toml'
import type { CargoMetadata } from '../setup/metadata.js'
import { defaultCargoHome, findConfigFiles, readConfigFiles, type ConfigFile } from './cargo-config.js'
import type { ProfileSources } from './profile.js'
import { projectRustflags } from './rustflags.js'
import { configTargetDir, directorySources, pathRemaps } from './remap.js'

export async function configureCargo({ inputs, facts, workDir }: BuildRequest, { toolchain, host }: SelectedToolchain, setup: TargetSetup, manifests?: CargoMetadata): Promise<BuildPlan> {
  // What cargo reads of the user's variables here: CARGO_HOME, CARGO_*_TARGET_DIR, the rustflags variables.
  const env = variablesMatching([/^CARGO_/, /^RUSTFLAGS$/])
  const configs = readConfigFiles(findConfigFiles(workDir, defaultCargoHome(env)))
  const project = projectRustflags(configs, env, facts.triple, facts.cargoEnvName, setup.rustcTarget.cfg)
  const { linker, systemPackages } = setup
  const tempDir = actionTempDir(facts.triple)
  const targetDir = env.CARGO_TARGET_DIR ?? env.CARGO_BUILD_TARGET_DIR
  const remaps = pathRemaps({
    workspace: workspace(),
    workDir,
    cargoHome: defaultCargoHome(env),
    targetDir: targetDir ? path.resolve(workDir, targetDir) : configTargetDir(configs),
    directorySources: directorySources(configs),
    rustSrc: inputs.buildStd ? path.join(toolchain.sysroot, 'lib', 'rustlib', 'src', 'rust') : undefined,
  })
  const plan = makePlan({
    inputs,
    facts,
    host,
    linker: systemPackages?.linkFlags.length ? { ...linker, linkFlags: [...linker.linkFlags, ...systemPackages.linkFlags] } : linker,
    baseline: setup.rustcTarget.baseline,
    project,
    toolchain: { rustupName: toolchain.rustupName, nightly: toolchain.nightly },
    programPaths: setup.programPaths,
    tempDir,
    runner: setup.testRunner,
    extraEnv: { ...toolchain.env, ...systemPackages?.env, ...setup.protoc?.env, ...setup.windowsEnv },
    remaps,
    debugInfo: setup.debugSplit && { sources: profileSources(env, configs, manifests), format: setup.debugSplit.format },
  })
  writePlanFiles(plan, tempDir)
  core.info(`Project rustflags (${project.source}): ${project.flags.join(' ') || '(none)'}`)
  for (const warning of plan.warnings) core.warning(warning)
  for (const notice of plan.notices) core.notice(notice)
  core.info(`Effective rustflags: ${plan.rustflags.join(' ') || '(none)'}`)
  core.info(`C/C++ baseline flags: ${plan.cFlags.join(' ') || '(compiler default)'}`)
  core.info(`Paths mapped for reproducible binaries: ${remaps.map((map) => `${map.from} → ${map.to}`).join(', ')}`)
  core.info(`Cargo config ${plan.configPath}:\n${plan.configToml}`)
  core.setOutput(Output.Rustflags, plan.rustflags.join(' '))
  return plan
}

/** What cargo reads the profile from: CARGO_PROFILE_* variables, the config files, the workspace's Cargo.toml. */
function profileSources(env: Record<string, string | undefined>, configs: readonly ConfigFile[], manifests?: CargoMetadata): ProfileSources {
  const root = manifests ? path.join(manifests.workspace_root, 'Cargo.toml') : undefined
  const manifest = root && fs.existsSync(root) ? (parseToml(fs.readFileSync(root, 'utf8')) as Record<string, unknown>) : undefined
  return { env, configs: configs.map((config) => config.data), manifest }
}

function writePlanFiles(plan: BuildPlan, tempDir: string): void {
  fs.mkdirSync(path.join(tempDir, 'bin'), { recursive: true })
  for (const wrapper of plan.wrappers) fs.writeFileSync(wrapper.path, wrapper.content, { mode: 0o755 })
  fs.writeFileSync(plan.configPath, plan.configToml)
  fs.rmSync(plan.wrapperLog, { force: true })
}
