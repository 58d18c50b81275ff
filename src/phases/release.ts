/**
 * Packaging and publishing the staged binaries: archives, checksums, the Docker
 * layout, and the upload to an artifact or a release.
 */
import path from 'node:path'
import * as core from '@actions/core'
import { type Artifact } from '../cargo.js'
import { Input, Output } from '../constants.js'
import { ActionError, InputError } from '../errors.js'
import { type Inputs } from '../inputs.js'
import { packageStaged, resolveVersion, type PackageResult } from '../package.js'
import { renderArtifactName, resolveRelease, uploadArtifact, uploadReleaseAssets, type UploadFile } from '../publish.js'
import { defaultArchiveFormat } from '../package-plan.js'
import { binariesToStage, type ManifestContext, type StageResult } from '../stage.js'
import { type TargetFacts } from '../target.js'
import { workspace } from './setup.js'

export async function packagePhase(inputs: Inputs, facts: TargetFacts, workDir: string, staged: StageResult, artifacts: readonly Artifact[], context: ManifestContext): Promise<PackageResult> {
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

export async function uploadPhase(inputs: Inputs, facts: TargetFacts, staged: StageResult, packaged: PackageResult): Promise<string> {
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
    // Loaded only when uploading: the artifact client is most of the bundle's start-up time.
    const { actionsArtifactClient } = await import('../github.js')
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
  const { restReleaseClient } = await import('../github.js')
  const client = restReleaseClient({ token, repository, apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com', commit: process.env.GITHUB_SHA })
  const { release, replaced } = await uploadReleaseAssets(client, tag, files)
  core.info(`Uploaded ${files.length} file(s) to the ${release.draft ? 'draft ' : ''}release ${tag}${replaced.length ? `, replacing ${replaced.join(', ')}` : ''}.`)
  return `${files.length} file(s) to the ${release.draft ? 'draft ' : ''}release \`${tag}\``
}
