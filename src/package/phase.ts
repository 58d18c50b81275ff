/**
 * The Package phase: the staged binaries' archives, checksum files, manifest.json and
 * the Docker platform layout.
 */
import path from 'node:path'
import * as core from '@actions/core'
import { Input, Output } from '../common/constants.js'
import { InputError } from '../errors.js'
import { packageStaged, resolveVersion, type PackageResult, type ManifestContext } from './pack.js'
import { defaultArchiveFormat } from './plan.js'
import type { StageResult } from '../stage/stage.js'
import { actionTempDir, gitRef, sourceDateEpoch, workspace } from '../common/runner.js'
import { buildLinuxPackages } from './linux/packages.js'
import { chooseEpoch, commitTime, writeSboms } from './provenance.js'
import { cargoFeatureArgs } from '../plan/build-plan.js'
import type { BuildRequest } from '../inputs/phase.js'
import type { BuildPlan } from '../plan/build-plan.js'
import type { SelectedToolchain, TargetSetup } from '../setup/phase.js'
import type { CargoMetadata } from '../setup/metadata.js'
import type { PreflightReport } from '../build/preflight.js'

export async function packagePhase(
  request: BuildRequest,
  selected: SelectedToolchain,
  setup: TargetSetup,
  plan: BuildPlan,
  preflight: PreflightReport,
  manifests: CargoMetadata,
  staged: StageResult,
): Promise<PackageResult> {
  const { inputs, facts, workDir } = request
  const epoch = await buildEpoch(workDir)
  const binaries = versionedBinaries(request, staged)
  const sboms = inputs.sbom
    ? await writeSboms({
        workDir,
        stageDir: staged.dir,
        triple: facts.triple,
        packageIds: [...new Set(staged.files.map((file) => file.packageId))],
        cargoArgs: cargoFeatureArgs(inputs),
        metadata: preflight.metadata,
        env: plan.env,
        sourceDateEpoch: epoch,
      })
    : []
  for (const sbom of sboms) core.info(`SBOM ${sbom.name}: ${sbom.components} crate(s) compiled into the binaries (CycloneDX 1.6).`)
  const linuxPackages = await buildLinuxPackages({
    formats: inputs.linuxPackages,
    facts,
    workDir,
    stageDir: staged.dir,
    tempDir: actionTempDir(path.join(facts.triple, 'linux-packages')),
    staged: staged.files,
    manifests,
    epoch,
  })
  const archive = inputs.archive === 'auto' ? defaultArchiveFormat(facts.os) : inputs.archive === 'none' ? undefined : inputs.archive
  const result = await packageStaged({
    stageDir: staged.dir,
    workDir,
    workspace: workspace(),
    binaries,
    archive,
    debugArchive: inputs.debugSymbols ? (archive ?? defaultArchiveFormat(facts.os)) : undefined,
    nameTemplate: inputs.nameTemplate,
    include: inputs.include,
    checksums: inputs.checksums,
    dockerDir: inputs.dockerDir ? path.resolve(workspace(), inputs.dockerDir) : undefined,
    dockerPlatform: facts.dockerPlatform,
    context: manifestContext(request, selected, setup, plan, epoch),
    mtime: epoch,
    sboms,
    linuxPackages,
  })
  reportPackages(result, staged.dir)
  return result
}

/** The one time of the build (SOURCE_DATE_EPOCH, HEAD's commit, the fixed epoch), said in the log. */
async function buildEpoch(workDir: string): Promise<number> {
  const fromEnvironment = sourceDateEpoch()
  const { epoch, source } = chooseEpoch(fromEnvironment, fromEnvironment === undefined ? await commitTime(workDir) : undefined)
  core.info(
    `Archive member times and the SBOM timestamp: ${epoch} (${new Date(epoch * 1000).toISOString()}, from ${source === 'commit' ? "HEAD's commit time" : source === 'fixed' ? 'the fixed epoch: no SOURCE_DATE_EPOCH and no git commit' : 'SOURCE_DATE_EPOCH'}).`,
  )
  return epoch
}

/** What manifest.json says of the build. */
function manifestContext({ inputs, facts }: BuildRequest, { toolchain }: SelectedToolchain, setup: TargetSetup, plan: BuildPlan, epoch: number): ManifestContext {
  const { baseline } = setup.rustcTarget
  return {
    target: facts.triple,
    toolchain: toolchain.rustupName ?? 'system',
    rustc: toolchain.version,
    // Without the runner's paths of the remaps: the manifest of another checkout has the same bytes.
    rustflags: plan.portableRustflags,
    targetCpu: baseline.cpu,
    targetFeatures: baseline.features,
    linker: setup.linker.description,
    glibc: inputs.glibc,
    sourceDateEpoch: epoch,
  }
}

/** Each staged file with its package's version; {version} in name needs one. */
function versionedBinaries({ inputs, workDir }: BuildRequest, staged: StageResult): (StageResult['files'][number] & { version: string })[] {
  return staged.files.map((file) => {
    const version = resolveVersion(file.packageId, workDir, gitRef())
    if (!version && inputs.nameTemplate.includes('{version}') && inputs.archive !== 'none') {
      throw new InputError(Input.Name, inputs.nameTemplate, `no version is known for ${file.name} (not a tag build, and no package version in Cargo.toml); remove {version} from the template.`)
    }
    return { ...file, version: version ?? '' }
  })
}

/** The archives' and packages' sums in the log, and the outputs. */
function reportPackages(result: PackageResult, stageDir: string): void {
  for (const file of result.archives) core.info(`${file.hashes.sha256}  ${file.name} (${file.size} bytes: ${file.contents?.join(', ')})`)
  for (const file of result.files.filter((candidate) => candidate.kind === 'package' || candidate.kind === 'debug')) core.info(`${file.hashes.sha256}  ${file.name} (${file.size} bytes)`)
  for (const file of result.docker) core.info(`Docker layout: ${path.relative(workspace(), file)}`)
  core.setOutput(Output.Archives, JSON.stringify(result.archives.map((file) => file.path)))
  core.setOutput(Output.Manifest, path.join(stageDir, result.sums[0] ?? 'SHA256SUMS'))
}
