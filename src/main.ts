/**
 * The build action: one phase after another, each in its own log group, each passing
 * its results on. The phases live in the stage folders (docs/architecture.md).
 */
import { errorMessage, failStep } from './errors.js'
import { build, preflightCheck } from './build/phase.js'
import { markMainSucceeded, restoreBuildCache } from './cache/phase.js'
import { readInputs } from './inputs/phase.js'
import { packagePhase } from './package/phase.js'
import { configureCargo } from './plan/phase.js'
import { uploadPhase } from './publish/phase.js'
import { installTargetLibraries, selectToolchain, setUpTarget } from './setup/phase.js'
import { checkProject } from './setup/project.js'
import { stage } from './stage/phase.js'
import { renderFailureSummary, summariseJob } from './summary/render.js'
import { PhaseLog, writeJobSummary } from './summary/write.js'
import { failOnProblems, verificationFails, verify, wantsVerification } from './verify/phase.js'

export async function run(): Promise<void> {
  const phases = new PhaseLog()
  try {
    const request = await phases.run('Inputs', readInputs, (r) => `Target \`${r.facts.triple}\` · project \`${r.workDir}\``)
    const selected = await phases.run(
      'Toolchain',
      () => selectToolchain(request),
      (s) => `Toolchain ${s.toolchain.version}`,
    )
    const manifests = await phases.run('Project: package, bin, features', () => checkProject(request, selected.toolchain))
    const setup = await phases.run(
      'Setup: target, linker, CPU baseline',
      () => setUpTarget(request, selected),
      (s) => `Linker ${s.linker.description}`,
    )
    const libraries = setup.systemPackages
    if (libraries) await phases.run(`System packages for ${libraries.arch}`, () => installTargetLibraries(libraries))
    const plan = await phases.run('Cargo configuration', () => configureCargo(request, selected, setup, manifests))
    const cache = await phases.run('Build cache', () => restoreBuildCache(request, selected, setup, plan, manifests))
    const preflight = await phases.run(
      'Preflight: crates with native build steps',
      () => preflightCheck(request, selected, setup, plan),
      (report) => report.markdown,
    )
    const built = await phases.run(`Build (cargo ${request.inputs.command})`, () => build(request, setup, plan, preflight))
    const staged = await phases.run('Stage binaries', () => stage(request, selected.host, setup, built))
    const verification = wantsVerification(request) ? await phases.run('Verify binaries', () => verify(request, selected.host, plan, staged)) : undefined
    // Packaged after verification; nothing is uploaded when verification fails the step.
    const packaged = await phases.run('Package', () => packagePhase(request, selected, setup, plan, preflight, manifests, staged))
    const uploaded = verificationFails(verification) ? 'skipped: verification failed' : await phases.run('Upload', () => uploadPhase(request, staged, packaged))
    await phases.write(summariseJob({ request, selected, setup, plan, cache, preflight, built, staged, verification, packaged, uploaded, phases: phases.timings }))
    failOnProblems(verification)
    markMainSucceeded()
  } catch (error) {
    if (!phases.written) await writeJobSummary(renderFailureSummary(phases.timings, phases.kept, errorMessage(error)))
    failStep(error, 'rust-xbuild')
  }
}
