/**
 * The merge action, after the matrix: collect the run's rust-xbuild-* artifacts or local
 * folders (`dirs`), verify every file against its target's manifest, combine them into one
 * folder (collect.ts), build and push the multi-platform image when asked (image/), then
 * upload the result.
 */
import path from 'node:path'
import * as core from '@actions/core'
import { MergeInput, MergeOutput } from '../common/constants.js'
import { actionTempDir, actor, commitSha, gitRef, hasArtifactService, repository, serverUrl, sourceDateEpoch, workspace as runnerWorkspace } from '../common/runner.js'
import { targetFacts } from '../common/target.js'
import { ActionError, InputError, failStep } from '../errors.js'
import { parseImageInputs, workflowLabels, type ImageInputs } from '../image/inputs.js'
import { createdTimestamp } from '../image/layout.js'
import { buildImage, type ImageResult, type ImageTarget } from '../image/phase.js'
import { releaseTarget } from '../inputs/release.js'
import { loadReleaseClient, publishRelease } from '../publish/phase.js'
import { uploadArtifact, type ArtifactClient, type ReleaseClient, type UploadFile } from '../publish/upload.js'
import { writeJobSummary } from '../summary/write.js'
import { collectArtifacts, collectDirs, combine, writeMergedManifest, type MergeResult } from './collect.js'
import { parseMergeInputs } from './plan.js'

/** Release assets: the archives, the debug archives, the deb/rpm packages, the SBOMs and the combined checksum files and manifest (asset names have no folders). */
export function releaseFiles(result: MergeResult): UploadFile[] {
  const archives = result.plan.files.filter((file) => file.kind === 'archive')
  const debug = result.plan.files.filter((file) => file.kind === 'debug')
  const sboms = result.plan.files.filter((file) => file.kind === 'sbom')
  const packages = result.plan.files.filter((file) => file.kind === 'package')
  if (!archives.length)
    throw new InputError(MergeInput.Upload, 'release', 'the merged artifacts hold no archives (archive: none in the builds); a release receives archives. Build with archive: tar.gz or zip.')
  return [...archives.map((file) => file.path), ...debug.map((file) => file.path), ...packages.map((file) => file.path), ...sboms.map((file) => file.path), ...result.sums, 'manifest.json'].map(
    (name) => ({
      path: path.join(result.dir, name),
      name,
    }),
  )
}

export interface Clients {
  artifacts: () => ArtifactClient | Promise<ArtifactClient>
  releases: (token: string, repository: string) => ReleaseClient | Promise<ReleaseClient>
}

// Loaded when used: a merge without upload: release never loads Octokit.
const productionClients: Clients = {
  artifacts: async () => (await import('../publish/artifact-client.js')).actionsArtifactClient(),
  releases: loadReleaseClient,
}

export async function run(clients: Clients = productionClients): Promise<void> {
  try {
    const inputs = parseMergeInputs((name) => core.getInput(name))
    const image = parseImageInputs((name) => core.getInput(name))
    // Checked before downloading anything.
    if (inputs.upload.includes('release')) releaseTarget(inputs.releaseTag, inputs.token)
    const workspace = runnerWorkspace()
    const needsService = !inputs.dirs.length || inputs.upload.includes('artifact')
    if (needsService && !hasArtifactService())
      throw new ActionError(
        `The merge ${inputs.dirs.length ? 'uploads an artifact' : 'downloads this run’s artifacts'}, which needs a GitHub Actions runner (ACTIONS_RUNTIME_TOKEN is not set); merge local folders with dirs and upload: none.`,
      )
    const tempDir = actionTempDir('merge')
    const artifacts = needsService ? await clients.artifacts() : undefined
    const collected = await core.group(inputs.dirs.length ? 'Read and verify the folders' : 'Download and verify', () =>
      artifacts && !inputs.dirs.length ? collectArtifacts(artifacts, inputs, tempDir) : collectDirs(inputs, workspace),
    )
    const result = combine(collected, inputs, workspace, image)
    for (const file of result.plan.files) core.info(`${file.sha256}  ${file.path}`)
    core.setOutput(MergeOutput.Dir, result.dir)
    core.setOutput(MergeOutput.Manifest, path.join(result.dir, 'SHA256SUMS'))
    core.setOutput(MergeOutput.Targets, JSON.stringify(result.plan.targets))

    const pushed = image ? await core.group('Image', () => mergedImage(image, result, workspace, inputs.token)) : undefined
    if (pushed) core.setOutput(MergeOutput.ImageDigest, pushed.digest)

    await core.group('Upload', async () => {
      if (inputs.upload.includes('artifact') && artifacts) {
        const uploaded = await uploadArtifact(artifacts, inputs.artifactName, result.dir)
        core.info(`Uploaded the artifact ${inputs.artifactName} (${uploaded.files.length} files).`)
        core.setOutput(MergeOutput.ArtifactName, inputs.artifactName)
      }
      if (inputs.upload.includes('release')) {
        const { tag, token, repository } = releaseTarget(inputs.releaseTag, inputs.token)
        await publishRelease(await clients.releases(token, repository), tag, releaseFiles(result))
      }
    })
    await writeJobSummary(renderMergeSummary(result, pushed))
  } catch (error) {
    failStep(error, 'rust-xbuild merge')
  }
}

/** The image of every merged target with a Docker platform; its digests go into the merged manifest.json. */
async function mergedImage(image: ImageInputs, result: MergeResult, workspace: string, token: string | undefined): Promise<ImageResult> {
  const targets: ImageTarget[] = []
  for (const target of result.plan.targets) {
    const platform = targetFacts(target).dockerPlatform
    // A target built for several baselines puts one of them in its platform (image-cpu).
    const binaries = result.plan.files.filter((file) => file.target === target && file.kind === 'binary' && file.cpu === result.platformCpu[target])
    if (!platform || !binaries.length) continue
    if ((result.plan.variants[target]?.length ?? 0) > 1) core.info(`${platform}: the ${target}@${result.platformCpu[target]} build`)
    targets.push({ target, platform, binaries: binaries.map((file) => ({ name: file.source, path: path.join(result.dir, ...file.path.split('/')) })) })
  }
  const pushed = await buildImage(image, targets, {
    tempDir: actionTempDir('image'),
    workspace,
    created: createdTimestamp(sourceDateEpoch(), new Date()),
    labels: workflowLabels({ serverUrl: serverUrl(), repository: repository(), sha: commitSha(), ref: gitRef() }, image.references),
    workflow: { actor: actor(), token },
  })
  core.info(`The image step took ${(pushed.milliseconds / 1000).toFixed(2)} s.`)
  // Each platform with the CPU variant it carries, when its target has several.
  const platforms = pushed.platforms.map((p) => ((result.plan.variants[p.target]?.length ?? 0) > 1 ? { ...p, cpu: result.platformCpu[p.target] } : p))
  writeMergedManifest(result, { digest: pushed.digest, references: pushed.references, platforms, ...(pushed.archive ? { archive: path.relative(result.dir, pushed.archive) } : {}) })
  return pushed
}

function renderMergeSummary(result: MergeResult, image: ImageResult | undefined): string {
  const lines = [`## rust-xbuild merge: ${result.plan.targets.length} target(s)`, '', '| File | Target | SHA256 |', '|---|---|---|']
  const variant = (file: MergeResult['plan']['files'][number]): string => ((result.plan.variants[file.target]?.length ?? 0) > 1 ? `@${file.cpu}` : '')
  for (const file of result.plan.files) lines.push(`| \`${file.path}\` | \`${file.target}${variant(file)}\` | \`${file.sha256}\` |`)
  if (image) {
    const where = [...image.references, ...(image.archive ? [image.archive] : [])].map((name) => `\`${name}\``).join(', ')
    lines.push(`| image: ${where} | ${image.platforms.map((p) => `\`${p.platform}\``).join(', ')} | \`${image.digest}\` |`)
  }
  return `${lines.join('\n')}\n`
}
