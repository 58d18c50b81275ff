/**
 * The merge action, after the matrix: download the run's rust-xbuild-* artifacts, verify
 * every file against its target's manifest, combine them into one folder with one
 * SHA256SUMS and manifest.json (and the Docker platform layout), then upload the result.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { MergeInput, MergeOutput } from '../common/constants.js'
import { actionTempDir, apiUrl, commitSha, environment, hasArtifactService, workspace as runnerWorkspace } from '../common/runner.js'
import { ActionError, InputError, failStep } from '../errors.js'
import { writeJobSummary } from '../summary/write.js'
import { actionsArtifactClient, restReleaseClient } from '../publish/github-clients.js'
import { artifactMatcher, parseManifest, parseMergeInputs, planMerge, renderMergedManifest, type MergeInputs, type MergePlan, type TargetManifest } from './plan.js'
import { hashFile } from '../common/checksum.js'
import { dockerPath, renderSums } from '../package/plan.js'
import { defaultRetry, uploadArtifact, uploadReleaseAssets, withRetry, type ArtifactClient, type ReleaseClient, type RetryPolicy, type UploadFile } from '../publish/upload.js'
import { targetFacts } from '../common/target.js'
import { resolveRelease } from '../inputs/release.js'

export interface MergeResult {
  dir: string
  plan: MergePlan
  sums: string[]
  manifestPath: string
  docker: string[]
}

/** Verify each file of an artifact against its manifest: present, same size, same hashes. */
async function verifyArtifact(artifact: string, dir: string, manifest: TargetManifest): Promise<string[]> {
  const problems: string[] = []
  for (const file of manifest.files) {
    const local = path.join(dir, file.name)
    if (!fs.existsSync(local)) {
      problems.push(`${artifact}: ${file.name} is listed in manifest.json but missing.`)
      continue
    }
    const hashes = await hashFile(local, file.sha512 ? ['sha512'] : [])
    if (hashes.sha256 !== file.sha256 || (file.sha512 && hashes.sha512 !== file.sha512))
      problems.push(`${artifact}: ${file.name} does not match its checksum in manifest.json (sha256 ${hashes.sha256}).`)
    else if (fs.statSync(local).size !== file.size) problems.push(`${artifact}: ${file.name} has ${fs.statSync(local).size} bytes, manifest.json says ${file.size}.`)
  }
  return problems
}

export async function mergeArtifacts(client: ArtifactClient, inputs: MergeInputs, workspace: string, tempDir: string, policy: RetryPolicy = defaultRetry): Promise<MergeResult> {
  const matcher = artifactMatcher(inputs.pattern)
  const all = await withRetry('Listing the run’s artifacts', () => client.list(), policy)
  // The merged artifact of an earlier attempt matches rust-xbuild-* too: never merge it into itself.
  const chosen = all.filter((a) => matcher.test(a.name) && a.name !== inputs.artifactName).sort((a, b) => (a.name < b.name ? -1 : 1))
  core.info(`Artifacts matching ${inputs.pattern}: ${chosen.map((a) => a.name).join(', ') || 'none'}`)

  const downloaded: { artifact: string; manifest: TargetManifest; dir: string }[] = []
  const problems: string[] = []
  for (const artifact of chosen) {
    const dir = path.join(tempDir, artifact.name)
    fs.rmSync(dir, { recursive: true, force: true })
    fs.mkdirSync(dir, { recursive: true })
    await withRetry(`Downloading the artifact ${artifact.name}`, () => client.download(artifact, dir), policy)
    const manifestFile = path.join(dir, 'manifest.json')
    if (!fs.existsSync(manifestFile)) {
      problems.push(`${artifact.name} has no manifest.json: not a rust-xbuild artifact; narrow the pattern input.`)
      continue
    }
    const manifest = parseManifest(fs.readFileSync(manifestFile, 'utf8'), artifact.name)
    problems.push(...(await verifyArtifact(artifact.name, dir, manifest)))
    downloaded.push({ artifact: artifact.name, manifest, dir })
    core.info(`${artifact.name}: ${manifest.target}, ${manifest.files.length} file(s) verified`)
  }
  const plan = planMerge(downloaded, inputs.expect)
  problems.push(...plan.problems)
  if (!chosen.length) problems.push(`No artifact of this run matches ${inputs.pattern}; the build jobs upload rust-xbuild-<target> by default.`)
  if (problems.length) throw new ActionError(`The merge found ${problems.length} problem(s):\n- ${problems.join('\n- ')}`)

  // Start from an empty folder, so a re-run writes exactly the same result.
  const dir = path.resolve(workspace, inputs.path)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const sources = new Map(downloaded.map((d) => [d.artifact, d.dir]))
  for (const file of plan.files) {
    const destination = path.join(dir, ...file.path.split('/'))
    fs.mkdirSync(path.dirname(destination), { recursive: true })
    fs.copyFileSync(path.join(sources.get(file.artifact) ?? '', file.source), destination)
    // Artifacts do not keep file modes.
    fs.chmodSync(destination, file.kind === 'binary' ? 0o755 : 0o644)
  }
  const sums = ['SHA256SUMS']
  fs.writeFileSync(path.join(dir, 'SHA256SUMS'), renderSums(plan.files.map((file) => ({ name: file.path, hash: file.sha256 }))))
  if (plan.files.length && plan.files.every((file) => file.sha512)) {
    fs.writeFileSync(path.join(dir, 'SHA512SUMS'), renderSums(plan.files.map((file) => ({ name: file.path, hash: file.sha512 ?? '' }))))
    sums.push('SHA512SUMS')
  }

  const docker: string[] = []
  if (inputs.dockerDir) {
    const dockerRoot = path.resolve(workspace, inputs.dockerDir)
    for (const file of plan.files.filter((f) => f.kind === 'binary')) {
      const platform = targetFacts(file.target).dockerPlatform
      if (!platform) continue
      const relative = dockerPath(platform, file.source)
      const destination = path.join(dockerRoot, ...relative.split('/'))
      fs.mkdirSync(path.dirname(destination), { recursive: true })
      fs.copyFileSync(path.join(dir, ...file.path.split('/')), destination)
      fs.chmodSync(destination, 0o755)
      docker.push(relative)
    }
  }
  const manifestPath = path.join(dir, 'manifest.json')
  fs.writeFileSync(manifestPath, renderMergedManifest(downloaded, plan, sums, docker))
  return { dir, plan, sums, manifestPath, docker }
}

/** Release assets: the archives, the SBOMs and the combined checksum files and manifest (asset names have no folders). */
export function releaseFiles(result: MergeResult): UploadFile[] {
  const archives = result.plan.files.filter((file) => file.kind === 'archive')
  const sboms = result.plan.files.filter((file) => file.kind === 'sbom')
  if (!archives.length)
    throw new InputError(MergeInput.Upload, 'release', 'the merged artifacts hold no archives (archive: none in the builds); a release receives archives. Build with archive: tar.gz or zip.')
  return [...archives.map((file) => file.path), ...sboms.map((file) => file.path), ...result.sums, 'manifest.json'].map((name) => ({ path: path.join(result.dir, name), name }))
}

export interface Clients {
  artifacts: () => ArtifactClient
  releases: (token: string, repository: string) => ReleaseClient
}

const productionClients: Clients = {
  artifacts: actionsArtifactClient,
  releases: (token, repository) => restReleaseClient({ token, repository, apiUrl: apiUrl(), commit: commitSha() }),
}

export async function run(clients: Clients = productionClients): Promise<void> {
  try {
    const inputs = parseMergeInputs((name) => core.getInput(name))
    // Checked before downloading anything.
    if (inputs.upload.includes('release')) resolveRelease(inputs.releaseTag, inputs.token, environment())
    const workspace = runnerWorkspace()
    if (!hasArtifactService()) throw new ActionError('The merge downloads this run’s artifacts, which needs a GitHub Actions runner (ACTIONS_RUNTIME_TOKEN is not set).')
    const tempDir = actionTempDir('merge')
    const artifacts = clients.artifacts()
    const result = await core.group('Download and verify', () => mergeArtifacts(artifacts, inputs, workspace, tempDir))
    for (const file of result.plan.files) core.info(`${file.sha256}  ${file.path}`)
    core.setOutput(MergeOutput.Dir, result.dir)
    core.setOutput(MergeOutput.Manifest, path.join(result.dir, 'SHA256SUMS'))
    core.setOutput(MergeOutput.Targets, JSON.stringify(result.plan.targets))

    await core.group('Upload', async () => {
      if (inputs.upload.includes('artifact')) {
        const uploaded = await uploadArtifact(artifacts, inputs.artifactName, result.dir)
        core.info(`Uploaded the artifact ${inputs.artifactName} (${uploaded.files.length} files).`)
        core.setOutput(MergeOutput.ArtifactName, inputs.artifactName)
      }
      if (inputs.upload.includes('release')) {
        const { tag, token, repository } = resolveRelease(inputs.releaseTag, inputs.token, environment())
        const files = releaseFiles(result)
        const { release, replaced } = await uploadReleaseAssets(clients.releases(token, repository), tag, files)
        core.info(`Uploaded ${files.length} file(s) to the ${release.draft ? 'draft ' : ''}release ${tag}${replaced.length ? `, replacing ${replaced.join(', ')}` : ''}.`)
      }
    })
    await writeJobSummary(renderMergeSummary(result))
  } catch (error) {
    failStep(error, 'rust-xbuild merge')
  }
}

function renderMergeSummary(result: MergeResult): string {
  const lines = [`## rust-xbuild merge: ${result.plan.targets.length} target(s)`, '', '| File | Target | SHA256 |', '|---|---|---|']
  for (const file of result.plan.files) lines.push(`| \`${file.path}\` | \`${file.target}\` | \`${file.sha256}\` |`)
  return `${lines.join('\n')}\n`
}
