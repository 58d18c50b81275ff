/**
 * The action's phases, in order, each in its own log group: inputs → toolchain → setup
 * (std, linker, zig, protoc, concurrently) → system packages → cargo configuration →
 * build cache → preflight → build → stage → verify → package → upload → summary.
 * The phases' own steps live in phases/; the pure planning they use, in the modules.
 */
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { actionsCacheBackend } from './cache.js'
import { prepareCache, type CacheOutcome } from './cache-phase.js'
import { defaultCargoHome, findConfigFiles, readConfigFiles } from './cargo-config.js'
import { Output, STAGE_FOLDER, TEMP_FOLDER } from './constants.js'
import { ActionError, InputError, errorMessage } from './errors.js'
import { CommandError, run as exec } from './exec.js'
import { ensureCommands, ensureProtoc, ensureZig, installSystemPackages } from './install.js'
import { planLinker, type Host } from './linker.js'
import { cargoSelectionArgs, makePlan } from './plan.js'
import { projectRustflags } from './rustflags.js'
import { stageBinaries, stripCandidates, type ManifestContext, type StageResult } from './stage.js'
import { renderSummary, type PhaseTiming } from './summary.js'
import { targetFacts } from './target.js'
import { checkTargetKnown, ensureTarget, ensureToolchain } from './toolchain.js'
import { renderVerificationSummary, smokeRequirements } from './verify.js'
import { hostPkgConfigEnv, planSystemPackages } from './sysdeps.js'
import { type PreflightContext } from './preflight.js'
import { readInputs, learnTarget, testRunner, linkerVersion, resolvePrograms } from './phases/setup.js'
import { writePlanFiles, build, preflightCheck } from './phases/build.js'
import { packagePhase, uploadPhase } from './phases/release.js'
import { verify, verificationFails, failOnProblems } from './phases/verification.js'

const phases: PhaseTiming[] = []

async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await core.group(name, body)
  } finally {
    phases.push({ name, seconds: (performance.now() - started) / 1000 })
  }
}

export async function run(): Promise<void> {
  phases.length = 0
  try {
    const { inputs, workDir, facts } = await phase('Inputs', async () => readInputs())

    const toolchain = await phase('Toolchain', async () => {
      const selected = await ensureToolchain(inputs.toolchain, workDir)
      core.info(selected.version)
      await checkTargetKnown(selected, facts.triple, inputs.targetInput, workDir)
      return selected
    })
    const hostFacts = targetFacts(toolchain.host)
    const host: Host = { triple: toolchain.host, family: hostFacts.family, os: hostFacts.os }
    const linker = planLinker(inputs.linker, facts, host, inputs.glibc, inputs.buildStd)
    const tests = testRunner(inputs, facts, host)

    const { knowledge, zig, protoc } = await phase('Setup: target, linker, CPU baseline', async () => {
      core.info(`Linker: ${linker.description}`)
      // Independent steps run concurrently: the target's std, distribution packages, zig, protoc.
      const [knowledge, , , zig, protoc] = await Promise.all([
        learnTarget(inputs, facts, toolchain, host, workDir),
        ensureTarget(toolchain, facts.triple, inputs.buildStd),
        ensureCommands([...linker.requirements, ...tests.requirements, ...(inputs.smokeTest ? smokeRequirements(facts, host) : [])]),
        linker.needsZig ? ensureZig() : Promise.resolve(undefined),
        inputs.protoc ? ensureProtoc(inputs.protoc) : Promise.resolve(undefined),
      ])
      if (protoc) core.info(`protoc: ${protoc.description}`)
      return { knowledge, zig, protoc }
    })

    const systemPackages = planSystemPackages(inputs.systemPackages, facts, host, linker.kind)
    if (systemPackages) {
      await phase(`System packages for ${systemPackages.arch}`, async () => {
        for (const warning of systemPackages.warnings) core.warning(warning)
        await installSystemPackages(systemPackages)
        const pcPath = await exec('pkg-config', ['--variable', 'pc_path', 'pkg-config'], { allowFailure: true })
        Object.assign(systemPackages.env, hostPkgConfigEnv(systemPackages.env, pcPath.code === 0 ? pcPath.stdout : ''))
        for (const [name, value] of Object.entries(systemPackages.env)) core.info(`cargo gets ${name}=${value}`)
      })
    }
    const extraEnv = { ...systemPackages?.env, ...protoc?.env }

    const tempDir = path.join(process.env.RUNNER_TEMP || os.tmpdir(), TEMP_FOLDER, facts.triple)
    const resolved = await resolvePrograms(linker, zig)
    const plan = await phase('Cargo configuration', async () => {
      const configs = readConfigFiles(findConfigFiles(workDir, defaultCargoHome(process.env)))
      const project = projectRustflags(configs, process.env, facts.triple, facts.cargoEnvName, knowledge.cfg)
      const built = makePlan({
        inputs,
        facts,
        host,
        linker: systemPackages?.linkFlags.length ? { ...linker, linkFlags: [...linker.linkFlags, ...systemPackages.linkFlags] } : linker,
        baseline: knowledge.baseline,
        project,
        toolchain: { rustupName: toolchain.rustupName, nightly: toolchain.nightly },
        resolved,
        tempDir,
        runner: tests.runner,
        extraEnv,
      })
      writePlanFiles(built, tempDir)
      core.info(`Project rustflags (${project.source}): ${project.flags.join(' ') || '(none)'}`)
      for (const warning of built.warnings) core.warning(warning)
      for (const notice of built.notices) core.notice(notice)
      core.info(`Effective rustflags: ${built.rustflags.join(' ') || '(none)'}`)
      core.info(`C/C++ baseline flags: ${built.cFlags.join(' ') || '(compiler default)'}`)
      core.info(`Cargo config ${built.configPath}:\n${built.configToml}`)
      core.setOutput(Output.Rustflags, built.rustflags.join(' '))
      return built
    })

    const stageDir = path.join(workDir, 'target', STAGE_FOLDER, facts.triple)
    const cache: CacheOutcome = await phase('Build cache', async () => {
      const outcome = await prepareCache({
        enabled: inputs.cache,
        backend: actionsCacheBackend,
        workDir,
        cargoHome: defaultCargoHome(process.env),
        env: { ...toolchain.env },
        buildEnv: plan.env,
        triple: facts.triple,
        profile: inputs.profile,
        rustcVerbose: toolchain.verbose,
        stageDir,
        parts: {
          rustflags: plan.rustflags,
          cCompilers: [linker.cc, linker.cxx, linker.ar].map((tool) => (tool ? [resolved[tool.program] ?? tool.program, ...tool.args].join(' ') : '')),
          cFlags: plan.cFlags,
          linker: linker.description,
          linkerVersion: await linkerVersion(linker, resolved),
          glibc: inputs.glibc,
          targetCpu: knowledge.baseline.cpu,
          targetFeatures: knowledge.baseline.features,
          buildStd: inputs.buildStd,
          profile: inputs.profile,
          cargoArgs: [inputs.command, ...cargoSelectionArgs(inputs), ...inputs.args],
          userKey: inputs.cacheKey,
        },
      })
      core.setOutput(Output.CacheHit, String(outcome.hit))
      return outcome
    })

    const preflightContext: PreflightContext = {
      facts,
      linker: linker.description,
      cross: facts.triple !== host.triple,
      protoc: Boolean(inputs.protoc),
      systemPackages: inputs.systemPackages,
      avx512Disabled: knowledge.baseline.features.includes('-avx512f'),
    }
    const preflight = await phase('Preflight: crates with native build steps', () => preflightCheck(inputs, facts, workDir, plan, preflightContext))

    const { artifacts, nativeReplacements } = await phase(`Build (cargo ${inputs.command})`, () =>
      build(plan, workDir, facts.triple, { facts, linker: linker.description, systemPackages: inputs.systemPackages, protoc: Boolean(inputs.protoc) }),
    )

    const manifestContext: ManifestContext = {
      target: facts.triple,
      toolchain: toolchain.rustupName ?? 'system',
      rustc: toolchain.version,
      rustflags: plan.rustflags,
      targetCpu: knowledge.baseline.cpu,
      targetFeatures: knowledge.baseline.features,
      linker: linker.description,
      glibc: inputs.glibc,
    }
    const staged: StageResult = await phase('Stage binaries', async () => {
      const result = await stageBinaries(artifacts, stageDir, inputs.strip, stripCandidates(facts, host.family, zig), facts.triple)
      for (const file of result.files) core.info(`${file.sha256}  ${file.name} (${file.size} bytes${file.stripped ? ', stripped' : ''})`)
      if (!result.files.length && inputs.command !== 'test') core.warning(`cargo built no executables for ${facts.triple}; check the package and bin inputs.`)
      core.setOutput(Output.Binaries, JSON.stringify(result.files.map((file) => file.path)))
      core.setOutput(Output.Dir, result.dir)
      return result
    })

    const verification = inputs.verify === 'off' && !inputs.smokeTest ? undefined : await phase('Verify binaries', () => verify(inputs, facts, host, plan, staged))
    // Packaged after verification; nothing is uploaded when verification fails the step.
    const packaged = await phase('Package', () => packagePhase(inputs, facts, workDir, staged, artifacts, manifestContext))
    const uploaded = verificationFails(verification) ? 'skipped: verification failed' : await phase('Upload', () => uploadPhase(inputs, facts, staged, packaged))

    const baseline = [knowledge.baseline.cpu ? `target-cpu=${knowledge.baseline.cpu}` : "target's default CPU", ...knowledge.baseline.features].join(' ')
    await writeSummary(
      renderSummary({
        target: facts.triple,
        toolchain: toolchain.version,
        linker: linker.description,
        baseline,
        cFlags: plan.cFlags,
        rustflags: plan.rustflags,
        files: staged.files,
        archives: packaged.archives.map((file) => ({ name: file.name, size: file.size, sha256: file.hashes.sha256 })),
        upload: uploaded,
        phases,
        nativeReplacements,
        cache: cache.entries.map((entry) => ({ name: entry.name, key: entry.keys.key, parts: entry.keys.parts, matched: entry.matched, restoredBytes: entry.restoredBytes })),
        stamp: cache.stamp,
      }) +
        (preflight ? `\n${preflight}` : '') +
        (verification ? `\n${renderVerificationSummary(verification)}` : ''),
    )
    failOnProblems(verification)
  } catch (error) {
    if (error instanceof InputError || error instanceof ActionError || error instanceof CommandError) {
      core.setFailed(error.message)
    } else {
      core.debug(error instanceof Error ? (error.stack ?? '') : '')
      core.setFailed(`rust-xbuild failed unexpectedly: ${errorMessage(error)}`)
    }
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}
