/**
 * The action's phases, in order, each in its own log group: inputs → toolchain and
 * setup → cargo configuration → build → stage → verify → summary.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { actionsCacheBackend } from './cache.js'
import { prepareCache, type CacheOutcome } from './cache-phase.js'
import { runCargo, type Artifact, type CargoDiagnostic } from './cargo.js'
import { defaultCargoHome, findConfigFiles, readConfigFiles } from './cargo-config.js'
import { parseCfg } from './cfg.js'
import { Input, Output, STAGE_FOLDER, TEMP_FOLDER } from './constants.js'
import { expandFeatures, parseTargetCpus, parseTargetFeatures, type Baseline } from './cpu.js'
import { ActionError, InputError, errorMessage } from './errors.js'
import { CommandError, run as exec, which } from './exec.js'
import { parseInputs, type Inputs } from './inputs.js'
import { ensureCommands, ensureProtoc, ensureZig, installSystemPackages } from './install.js'
import { planLinker, type Host, type LinkerPlan, type Requirement } from './linker.js'
import { cargoSelectionArgs, makePlan, type BuildPlan } from './plan.js'
import { projectRustflags } from './rustflags.js'
import { actionsArtifactClient, restReleaseClient } from './github.js'
import { packageStaged, resolveVersion, type PackageResult } from './package.js'
import { renderArtifactName, resolveRelease, uploadArtifact, uploadReleaseAssets, type UploadFile } from './publish.js'
import { defaultArchiveFormat } from './package-plan.js'
import { binariesToStage, stageBinaries, stripCandidates, type ManifestContext, type StageResult } from './stage.js'
import { renderSummary, type PhaseTiming } from './summary.js'
import { closest, targetFacts, type TargetFacts } from './target.js'
import { checkTargetKnown, ensureTarget, ensureToolchain, type Toolchain } from './toolchain.js'
import { renderVerificationSummary, smokeRequirements, verifyBinaries, type VerificationReport } from './verify.js'
import { hostPkgConfigEnv, planSystemPackages } from './sysdeps.js'
import { MATCHER_OWNER, rustcMatcher } from './matcher.js'
import { diagnose, type DiagnosisContext } from './diagnostics.js'
import { advice, nativeCrates, renderPreflightSummary, type PreflightContext } from './preflight.js'
import { summariseWrapperLog } from './wrappers.js'

const phases: PhaseTiming[] = []

async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await core.group(name, body)
  } finally {
    phases.push({ name, seconds: (performance.now() - started) / 1000 })
  }
}

function workspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd()
}

function readInputs(): { inputs: Inputs; workDir: string; facts: TargetFacts } {
  const inputs = parseInputs((name) => core.getInput(name))
  const workDir = path.resolve(workspace(), inputs.workingDirectory)
  if (!fs.existsSync(workDir) || !fs.statSync(workDir).isDirectory()) {
    throw new InputError(Input.WorkingDirectory, inputs.workingDirectory, `no such directory (${workDir}); point it at the folder that holds the project's Cargo.toml.`)
  }
  if (!fs.existsSync(path.join(workDir, 'Cargo.toml'))) {
    throw new InputError(Input.WorkingDirectory, inputs.workingDirectory, `${workDir} has no Cargo.toml; point it at the folder that holds the project's Cargo.toml.`)
  }
  if (inputs.upload === 'release') {
    // Loose binaries of different targets share names (app, app): a release takes archives.
    if (inputs.archive === 'none')
      throw new InputError(Input.Upload, 'release', 'a release receives the archives, and archive is none; set archive, or upload artifacts and publish with the merge action.')
    resolveRelease(inputs.releaseTag, inputs.token, process.env)
  }
  const facts = targetFacts(inputs.target)
  core.info(`Target ${facts.triple}${inputs.targetInput !== facts.triple ? ` (from ${inputs.targetInput})` : ''}`)
  core.info(`Project ${workDir}`)
  return { inputs, workDir, facts }
}

interface TargetKnowledge {
  baseline: Baseline
  cfg: Set<string>
}

/** Validate target-cpu and expand target-features against what this rustc knows for the target. */
async function learnTarget(inputs: Inputs, facts: TargetFacts, toolchain: Toolchain, host: Host, cwd: string): Promise<TargetKnowledge> {
  const rustc = (args: string[]): Promise<string> => exec('rustc', [...args, '--target', facts.triple], { env: toolchain.env, cwd }).then((r) => r.stdout)
  const [cfgText, cpusText, featuresText] = await Promise.all([
    rustc(['--print', 'cfg']),
    inputs.targetCpu ? rustc(['--print', 'target-cpus']) : Promise.resolve(''),
    inputs.targetFeatures.length ? rustc(['--print', 'target-features']) : Promise.resolve(''),
  ])
  const cpu = inputs.targetCpu
  if (cpu === 'native' && facts.triple !== host.triple) {
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

/** The emulator runner for tests of a foreign architecture. */
function testRunner(inputs: Inputs, facts: TargetFacts, host: Host): { runner?: string[]; requirements: Requirement[] } {
  if (inputs.command === 'build' || facts.family === host.family || !facts.qemu || host.os !== 'linux') return { requirements: [] }
  const requirements: Requirement[] = [{ command: facts.qemu, packages: ['qemu-user'] }]
  const runner = [facts.qemu]
  if (facts.libc === 'gnu' && facts.gnuTriple) {
    runner.push('-L', `/usr/${facts.gnuTriple}`)
    // The target's shared libraries for the emulator (-L); the cross gcc brings them, zig does not.
    requirements.push({ path: `/usr/${facts.gnuTriple}/lib`, packages: [`libc6-${facts.debianArch}-cross`] })
  }
  return { runner, requirements }
}

/** The linker's identity for the cache fingerprint: its version line. */
async function linkerVersion(linker: LinkerPlan, resolved: Record<string, string>): Promise<string> {
  const program = linker.cc ? (resolved[linker.cc.program] ?? linker.cc.program) : undefined
  if (!program) return ''
  const result = await exec(program, linker.kind === 'zig' ? ['version'] : ['--version'], { allowFailure: true })
  return result.stdout.split('\n')[0]?.trim() ?? ''
}

async function resolvePrograms(linker: LinkerPlan, zig: string | undefined): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {}
  for (const tool of [linker.cc, linker.cxx, linker.ar]) {
    if (!tool || resolved[tool.program]) continue
    const found = tool.program === 'zig' ? zig : await which(tool.program)
    if (found) resolved[tool.program] = found
    else if (tool !== linker.cxx) throw new ActionError(`${tool.program} is not on PATH after setup; the ${linker.kind} toolchain for this target is incomplete.`)
  }
  return resolved
}

function writePlanFiles(plan: BuildPlan, tempDir: string): void {
  fs.mkdirSync(path.join(tempDir, 'bin'), { recursive: true })
  for (const wrapper of plan.wrappers) fs.writeFileSync(wrapper.path, wrapper.content, { mode: 0o755 })
  fs.writeFileSync(plan.configPath, plan.configToml)
  fs.rmSync(plan.wrapperLog, { force: true })
}

function reportCargoErrors(errors: readonly CargoDiagnostic[], workDir: string): void {
  for (const error of errors.slice(0, 10)) {
    const file = error.file ? path.relative(workspace(), path.resolve(workDir, error.file)) : undefined
    core.error(error.message, file ? { file, startLine: error.line, startColumn: error.column } : undefined)
  }
}

async function build(plan: BuildPlan, workDir: string, target: string, diagnosis: DiagnosisContext): Promise<Artifact[]> {
  // rustc's warnings become annotations while cargo runs; the matcher is removed afterwards.
  const matcherFile = path.join(path.dirname(plan.configPath), 'rustc-matcher.json')
  fs.writeFileSync(matcherFile, JSON.stringify(rustcMatcher))
  core.info(`::add-matcher::${matcherFile}`)
  try {
    return await runCargoCommands(plan, workDir, target, diagnosis)
  } finally {
    core.info(`::remove-matcher owner=${MATCHER_OWNER}::`)
  }
}

async function runCargoCommands(plan: BuildPlan, workDir: string, target: string, diagnosis: DiagnosisContext): Promise<Artifact[]> {
  const artifacts: Artifact[] = []
  for (const args of plan.cargoCommands) {
    const outcome = await runCargo(args, workDir, plan.env)
    artifacts.push(...outcome.artifacts)
    if (outcome.code !== 0) {
      reportCargoErrors(outcome.errors, workDir)
      // A recognised failure (missing protoc, pkg-config, a library, a linker) ends with what to do about it.
      const known = diagnose(outcome.stderr, diagnosis)
      throw new ActionError(`cargo ${args[0]} for ${target} failed (exit ${outcome.code})${known ? `: ${known}` : outcome.errors.length ? '.' : '; see the log above.'}`)
    }
  }
  const log = fs.existsSync(plan.wrapperLog) ? summariseWrapperLog(fs.readFileSync(plan.wrapperLog, 'utf8')) : undefined
  if (log?.count) {
    core.notice(
      `Build scripts passed ${log.flags.join(', ')} to the C compiler ${log.count} time(s); the wrapper replaced them with the baseline (${plan.cFlags.join(' ') || "the target's default"}). In: ${log.dirs.slice(0, 5).join(', ')}`,
    )
  }
  return artifacts
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
    const host: Host = { triple: toolchain.host, family: targetFacts(toolchain.host).family, os: targetFacts(toolchain.host).os }
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

    const artifacts = await phase(`Build (cargo ${inputs.command})`, () =>
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
      const result = await stageBinaries(artifacts, stageDir, inputs.strip, stripCandidates(facts, host.family, zig), manifestContext)
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

    const log = fs.existsSync(plan.wrapperLog) ? summariseWrapperLog(fs.readFileSync(plan.wrapperLog, 'utf8')) : undefined
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
        nativeReplacements: log?.count ?? 0,
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

async function packagePhase(inputs: Inputs, facts: TargetFacts, workDir: string, staged: StageResult, artifacts: readonly Artifact[], context: ManifestContext): Promise<PackageResult> {
  const packageIds = new Map(binariesToStage(artifacts).map((artifact) => [path.basename(artifact.executable), artifact.packageId]))
  const binaries = staged.files.map((file) => {
    const version = resolveVersion(packageIds.get(file.name) ?? '', workDir, process.env.GITHUB_REF)
    if (!version && inputs.nameTemplate.includes('{version}') && inputs.archive !== 'none') {
      throw new InputError(Input.Name, inputs.nameTemplate, `no version is known for ${file.name} (not a tag build, and no package version in Cargo.toml); remove {version} from the template.`)
    }
    return { ...file, version: version ?? '' }
  })
  const archive = inputs.archive === 'auto' ? defaultArchiveFormat(facts.os) : inputs.archive === 'none' ? undefined : inputs.archive
  const epoch = Number(process.env.SOURCE_DATE_EPOCH)
  const result = await packageStaged({
    stageDir: staged.dir,
    workDir,
    workspace: workspace(),
    binaries,
    archive,
    nameTemplate: inputs.nameTemplate,
    include: inputs.include,
    checksums: inputs.checksums,
    dockerDir: inputs.dockerDir ? path.resolve(workspace(), inputs.dockerDir) : undefined,
    dockerPlatform: facts.dockerPlatform,
    context,
    // Reproducible archives when the workflow sets SOURCE_DATE_EPOCH.
    mtime: Number.isFinite(epoch) && epoch > 0 ? epoch : Math.floor(Date.now() / 1000),
  })
  for (const file of result.archives) core.info(`${file.hashes.sha256}  ${file.name} (${file.size} bytes: ${file.contents?.join(', ')})`)
  for (const file of result.docker) core.info(`Docker layout: ${path.relative(workspace(), file)}`)
  core.setOutput(Output.Archives, JSON.stringify(result.archives.map((file) => file.path)))
  core.setOutput(Output.Manifest, path.join(staged.dir, result.sums[0] ?? 'SHA256SUMS'))
  return result
}

async function uploadPhase(inputs: Inputs, facts: TargetFacts, staged: StageResult, packaged: PackageResult): Promise<string> {
  if (inputs.upload === 'none') {
    core.info('upload: none; the files stay in the staging directory.')
    return 'none'
  }
  if (!staged.files.length) {
    core.info('No binaries were built (command: test, or nothing matched); nothing to upload.')
    return 'nothing built'
  }
  if (inputs.upload === 'artifact') {
    const name = renderArtifactName(inputs.artifactName, facts.triple)
    // Outside a runner (local runs, tests) there is no artifact service to talk to.
    if (!process.env.ACTIONS_RUNTIME_TOKEN) {
      core.warning(`Not running on a GitHub Actions runner (no ACTIONS_RUNTIME_TOKEN): the artifact ${name} is not uploaded.`)
      return `skipped: not on a runner (artifact \`${name}\`)`
    }
    const result = await uploadArtifact(actionsArtifactClient(), name, staged.dir)
    core.info(`Uploaded the artifact ${name} (${result.files.length} files${result.size ? `, ${result.size} bytes` : ''}).`)
    core.setOutput(Output.ArtifactName, name)
    return `artifact \`${name}\``
  }
  const { tag, token, repository } = resolveRelease(inputs.releaseTag, inputs.token, process.env)
  if (!packaged.archives.length) throw new ActionError('upload: release found no archives to upload.')
  const files: UploadFile[] = packaged.archives.flatMap((archive) => [
    { path: archive.path, name: archive.name },
    ...inputs.checksums.map((algorithm) => ({ path: `${archive.path}.${algorithm}`, name: `${archive.name}.${algorithm}` })),
  ])
  const client = restReleaseClient({ token, repository, apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com', commit: process.env.GITHUB_SHA })
  const { release, replaced } = await uploadReleaseAssets(client, tag, files)
  core.info(`Uploaded ${files.length} file(s) to the ${release.draft ? 'draft ' : ''}release ${tag}${replaced.length ? `, replacing ${replaced.join(', ')}` : ''}.`)
  return `${files.length} file(s) to the ${release.draft ? 'draft ' : ''}release \`${tag}\``
}

/** The native build steps cargo is about to run, from cargo metadata; problems here only warn. */
async function preflightCheck(inputs: Inputs, facts: TargetFacts, workDir: string, plan: BuildPlan, context: PreflightContext): Promise<string> {
  const args = ['metadata', '--format-version', '1', '--filter-platform', facts.triple]
  if (inputs.features.length) args.push('--features', inputs.features.join(','))
  if (inputs.allFeatures) args.push('--all-features')
  if (inputs.noDefaultFeatures) args.push('--no-default-features')
  if (inputs.locked) args.push('--locked')
  try {
    const crates = nativeCrates((await exec('cargo', args, { cwd: workDir, env: plan.env })).stdout)
    if (!crates.length) core.info('No crate in the dependency graph has a native build step.')
    for (const crate of crates) {
      const what = [crate.links ? `links ${crate.links}` : '', ...crate.tools].filter(Boolean).join(', ') || 'build script'
      core.info(
        `${crate.name} ${crate.version} (${what})${advice(crate, context)
          .map((note) => `\n    ${note}`)
          .join('')}`,
      )
    }
    return renderPreflightSummary(crates, context)
  } catch (error) {
    core.warning(`Preflight skipped: cargo metadata failed: ${errorMessage(error)}`)
    return ''
  }
}

async function verify(inputs: Inputs, facts: TargetFacts, host: Host, plan: BuildPlan, staged: StageResult): Promise<VerificationReport> {
  const report = await verifyBinaries(staged.files, {
    mode: inputs.verify,
    facts,
    host,
    rustflags: plan.rustflags,
    maxGlibc: inputs.maxGlibc,
    smokeTest: inputs.smokeTest,
    log: (line) => core.info(line),
  })
  // verify: warn turns every problem into a warning; a failed smoke test still fails with verify: off (it was asked for).
  for (const binary of report.binaries) for (const problem of binary.problems) (inputs.verify === 'warn' ? core.warning : core.error)(problem)
  return report
}

/** Whether verification problems will fail the step (every mode but warn). */
function verificationFails(report: VerificationReport | undefined): boolean {
  return report !== undefined && report.mode !== 'warn' && report.binaries.some((binary) => binary.problems.length)
}

/** After the summary is written: verification problems fail the step unless verify: warn. */
function failOnProblems(report: VerificationReport | undefined): void {
  if (!report || !verificationFails(report)) return
  const failed = report.binaries.filter((binary) => binary.problems.length)
  if (failed.length) throw new ActionError(`Verification failed for ${failed.map((binary) => binary.name).join(', ')}; see the errors above and the job summary.`)
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}
