/**
 * The Upload phase: the staging folder as an artifact, or the archives and their
 * checksum files as release assets. Nothing is uploaded when nothing was built.
 */
import * as core from '@actions/core'
import { Output } from '../common/constants.js'
import { cpuLabel } from '../common/cpu.js'
import { apiUrl, commitSha, hasArtifactService } from '../common/runner.js'
import { ActionError } from '../errors.js'
import type { BuildRequest } from '../inputs/phase.js'
import type { PackageResult } from '../package/pack.js'
import type { StageResult } from '../stage/stage.js'
import { renderArtifactName, uploadArtifact, uploadReleaseAssets, type ReleaseClient, type UploadFile } from './upload.js'
import { releaseTarget } from '../inputs/release.js'

export async function uploadPhase({ inputs, facts }: BuildRequest, staged: StageResult, packaged: PackageResult): Promise<string> {
  if (inputs.upload === 'none') {
    core.info('upload: none; the files stay in the staging directory.')
    return 'none'
  }
  if (!staged.files.length) {
    core.info('No binaries were built (command: test, or nothing matched); nothing to upload.')
    return 'nothing built'
  }
  if (inputs.upload === 'artifact') {
    const name = renderArtifactName(inputs.artifactName, facts.triple, cpuLabel(inputs.targetCpu))
    // Outside a runner (local runs, tests) there is no artifact service to talk to.
    if (!hasArtifactService()) {
      core.warning(`Not running on a GitHub Actions runner (no ACTIONS_RUNTIME_TOKEN): the artifact ${name} is not uploaded.`)
      return `skipped: not on a runner (artifact \`${name}\`)`
    }
    // Loaded only when uploading: the artifact client is most of the bundle's start-up time.
    const { actionsArtifactClient } = await import('./artifact-client.js')
    const result = await uploadArtifact(actionsArtifactClient(), name, staged.dir)
    core.info(`Uploaded the artifact ${name} (${result.files.length} files${result.size ? `, ${result.size} bytes` : ''}).`)
    core.setOutput(Output.ArtifactName, name)
    return `artifact \`${name}\``
  }
  const { tag, token, repository } = releaseTarget(inputs.releaseTag, inputs.token)
  if (!packaged.archives.length) throw new ActionError('upload: release found no archives to upload.')
  // The archives, the debug archives, the deb and rpm packages and the SBOMs, each with its checksum files.
  const files: UploadFile[] = [...packaged.archives, ...packaged.files.filter((file) => file.kind === 'debug' || file.kind === 'package' || file.kind === 'sbom')].flatMap((file) => [
    { path: file.path, name: file.name },
    ...inputs.checksums.map((algorithm) => ({ path: `${file.path}.${algorithm}`, name: `${file.name}.${algorithm}` })),
  ])
  return publishRelease(await loadReleaseClient(token, repository), tag, files)
}

/** The production release client for this run's API; Octokit is loaded only when a release is uploaded. */
export async function loadReleaseClient(token: string, repository: string): Promise<ReleaseClient> {
  const { octokitReleaseClient } = await import('./release-client.js')
  return octokitReleaseClient({ token, repository, apiUrl: apiUrl(), commit: commitSha() })
}

/** The one release upload of both actions: the files as assets of the tag's release, said in the log; what the summary shows. */
export async function publishRelease(client: ReleaseClient, tag: string, files: readonly UploadFile[]): Promise<string> {
  const { release, replaced } = await uploadReleaseAssets(client, tag, files)
  core.info(`Uploaded ${files.length} file(s) to the ${release.draft ? 'draft ' : ''}release ${tag}${replaced.length ? `, replacing ${replaced.join(', ')}` : ''}.`)
  return `${files.length} file(s) to the ${release.draft ? 'draft ' : ''}release \`${tag}\``
}
