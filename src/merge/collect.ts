/**
 * Where the merge's inputs come from, and the one combined folder they become: the run's
 * artifacts (downloaded) or local folders (`dirs`, the build action's `dir` outputs), each
 * verified against its own manifest.json the same way, then written as one folder with one
 * SHA256SUMS and manifest.json (and the Docker platform layout).
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { MergeInput } from '../common/constants.js'
import { hashFile } from '../common/checksum.js'
import { targetFacts } from '../common/target.js'
import { ActionError, InputError, errorMessage } from '../errors.js'
import { copyFileInside, mkdirInside, notRegularFile, openRegularFile, readRegularFile, resolveInside, writeFileInside } from '../common/paths.js'
import { dockerPath, renderSums } from '../package/plan.js'
import { defaultRetry, withRetry, type ArtifactClient, type RetryPolicy } from '../publish/upload.js'
import {
  artifactMatcher,
  isManifestFileName,
  MAX_MANIFEST_BYTES,
  parseManifest,
  planMerge,
  renderMergedManifest,
  type MergedFile,
  type MergeInputs,
  type MergePlan,
  type TargetManifest,
} from './plan.js'
import { platformVariants } from './variants.js'

export interface Source {
  /** The artifact's name, or the folder relative to the workspace */
  artifact: string
  manifest: TargetManifest
  dir: string
}

export interface Collected {
  sources: Source[]
  problems: string[]
}

export interface MergeResult {
  dir: string
  plan: MergePlan
  sums: string[]
  manifestPath: string
  docker: string[]
  sources: Source[]
  /** The CPU variant of each target that stands for its Docker platform (image, docker-dir) */
  platformCpu: Record<string, string>
}

/**
 * Verify each file of a source against its manifest: a regular file (never a link, folder,
 * FIFO or device, and not a hard link), the same size, the same hashes. Read through a
 * descriptor opened without following links, so what is hashed is what was checked.
 */
async function verifySource(artifact: string, dir: string, manifest: TargetManifest): Promise<string[]> {
  const problems: string[] = []
  for (const file of manifest.files) {
    const local = path.join(dir, file.name)
    const odd = notRegularFile(local, true)
    if (odd === 'missing') {
      problems.push(`${artifact}: ${file.name} is listed in manifest.json but missing.`)
      continue
    }
    if (odd) {
      problems.push(`${artifact}: ${file.name} is ${odd}; the merge takes only regular files and never follows links.`)
      continue
    }
    let opened: { fd: number; size: number }
    try {
      opened = openRegularFile(local)
    } catch (error) {
      problems.push(`${artifact}: ${errorMessage(error)}`)
      continue
    }
    // The size first: a file that is not what the manifest says is not hashed at all.
    if (opened.size !== file.size) {
      fs.closeSync(opened.fd)
      problems.push(`${artifact}: ${file.name} does not match its checksum in manifest.json: it has ${opened.size} bytes, manifest.json says ${file.size}.`)
      continue
    }
    const hashes = await hashFile(opened.fd, file.sha512 ? ['sha512'] : [])
    if (hashes.sha256 !== file.sha256 || (file.sha512 && hashes.sha512 !== file.sha512))
      problems.push(`${artifact}: ${file.name} does not match its checksum in manifest.json (sha256 ${hashes.sha256}).`)
  }
  return problems
}

async function readSource(artifact: string, dir: string, missing: string, collected: Collected): Promise<void> {
  const manifestFile = path.join(dir, 'manifest.json')
  const odd = notRegularFile(manifestFile, true)
  if (odd === 'missing') {
    collected.problems.push(missing)
    return
  }
  if (odd) throw new ActionError(`The artifact ${artifact} has a bad manifest.json: it is ${odd}; the merge reads only regular files and never follows links.`)
  const size = fs.lstatSync(manifestFile).size
  if (size > MAX_MANIFEST_BYTES) throw new ActionError(`The artifact ${artifact} has a bad manifest.json: ${size} bytes, more than the ${MAX_MANIFEST_BYTES} a manifest may have.`)
  const manifest = parseManifest(readRegularFile(manifestFile, MAX_MANIFEST_BYTES).toString('utf8'), artifact)
  collected.problems.push(...(await verifySource(artifact, dir, manifest)))
  collected.sources.push({ artifact, manifest, dir })
  core.info(`${artifact}: ${manifest.target}, ${manifest.files.length} file(s) verified`)
}

export async function collectArtifacts(client: ArtifactClient, inputs: MergeInputs, tempDir: string, policy: RetryPolicy = defaultRetry): Promise<Collected> {
  const matcher = artifactMatcher(inputs.pattern)
  const all = await withRetry('Listing the run’s artifacts', () => client.list(), policy)
  // The merged artifact of an earlier attempt matches rust-xbuild-* too: never merge it into itself.
  const chosen = all.filter((a) => matcher.test(a.name) && a.name !== inputs.artifactName).sort((a, b) => (a.name < b.name ? -1 : 1))
  core.info(`Artifacts matching ${inputs.pattern}: ${chosen.map((a) => a.name).join(', ') || 'none'}`)
  const collected: Collected = { sources: [], problems: [] }
  fs.mkdirSync(tempDir, { recursive: true })
  for (const artifact of chosen) {
    // The service's names become folders here: one plain name each, as GitHub allows them.
    if (!isManifestFileName(artifact.name)) throw new ActionError(`The artifact name ${JSON.stringify(artifact.name)} cannot be a folder name; narrow the pattern input to the build jobs' artifacts.`)
    const dir = resolveInside(tempDir, artifact.name)
    fs.rmSync(dir, { recursive: true, force: true })
    fs.mkdirSync(dir)
    await withRetry(`Downloading the artifact ${artifact.name}`, () => client.download(artifact, dir), policy)
    await readSource(artifact.name, dir, `${artifact.name} has no manifest.json: not a rust-xbuild artifact; narrow the pattern input.`, collected)
  }
  if (!chosen.length) collected.problems.push(`No artifact of this run matches ${inputs.pattern}; the build jobs upload rust-xbuild-<target> by default.`)
  return collected
}

/** Whether a `dirs` entry is a glob (tinyglobby's wildcard characters) rather than one folder. */
const isGlob = (pattern: string): boolean => /[*?[{]/.test(pattern)

/** The folders one `dirs` entry names (relative to the workspace or absolute; globs through tinyglobby, hidden folders only when the pattern asks). */
export async function expandDir(pattern: string, workspace: string): Promise<string[]> {
  const absolute = path.resolve(workspace, pattern)
  if (!isGlob(pattern)) return fs.existsSync(absolute) && fs.statSync(absolute).isDirectory() ? [absolute] : []
  const { glob } = await import('tinyglobby')
  const found = await glob([pattern], { cwd: workspace, onlyDirectories: true, absolute: true, expandDirectories: false })
  return found.map((dir) => path.resolve(dir)).sort()
}

export async function collectDirs(inputs: MergeInputs, workspace: string): Promise<Collected> {
  const collected: Collected = { sources: [], problems: [] }
  const seen = new Set<string>()
  for (const pattern of inputs.dirs) {
    const dirs = await expandDir(pattern, workspace)
    if (!dirs.length) throw new InputError(MergeInput.Dirs, pattern, `no folder matches it (relative to ${workspace}); give the build action's dir output, e.g. \${{ steps.build.outputs.dir }}.`)
    for (const dir of dirs.filter((d) => !seen.has(d))) {
      seen.add(dir)
      const name = path.relative(workspace, dir) || '.'
      // A glob may also match folders that are not staging folders: skip those, but a folder named on its own must be one.
      if (isGlob(pattern) && !fs.existsSync(path.join(dir, 'manifest.json'))) continue
      await readSource(name, dir, `${name} has no manifest.json: give the build action's dir output (its staging folder).`, collected)
    }
  }
  if (!collected.sources.length && !collected.problems.length) collected.problems.push(`No folder of ${inputs.dirs.join(', ')} holds a manifest.json.`)
  return collected
}

/** The first part of `inner`, relative to the workspace, when it lies inside the merged folder `outer`: the merge writes there itself. */
function reservedIn(outer: string, inner: string | undefined): string[] {
  if (inner === undefined) return []
  const relative = path.posix.relative(outer, inner)
  if (relative === '' || relative.startsWith('..')) return []
  return [relative.split('/')[0] ?? '']
}

/**
 * Combine verified sources into the merged folder, emptied first so a re-run writes exactly
 * the same result. Every check comes first: on any problem nothing is written. Every write
 * stays inside its folder (common/paths.ts).
 */
export function combine(collected: Collected, inputs: MergeInputs, workspace: string, image?: { archive?: string }): MergeResult {
  const reserved = [...reservedIn(inputs.path, inputs.dockerDir), ...reservedIn(inputs.path, image?.archive)]
  const plan = planMerge(collected.sources, inputs.expect, reserved)
  // One build per Docker platform: asked only when something is laid out per platform.
  const platform = inputs.dockerDir || image || inputs.imageCpu.length ? platformVariants(plan.variants, inputs.imageCpu) : { chosen: {}, problems: [] }
  const problems = [...collected.problems, ...plan.problems, ...platform.problems]
  if (problems.length) throw new ActionError(`The merge found ${problems.length} problem(s):\n- ${problems.join('\n- ')}`)
  const dockerLayout: { file: MergedFile; relative: string }[] = []
  if (inputs.dockerDir) {
    for (const file of plan.files.filter((f) => f.kind === 'binary' && f.cpu === platform.chosen[f.target])) {
      const platform = targetFacts(file.target).dockerPlatform
      if (platform) dockerLayout.push({ file, relative: dockerPath(platform, file.source) })
    }
  }

  // Resolved before anything is removed: a folder reached through a link outside the workspace is neither emptied nor written.
  const dir = resolveInside(workspace, inputs.path)
  const dockerRoot = inputs.dockerDir ? resolveInside(workspace, inputs.dockerDir) : undefined
  fs.rmSync(dir, { recursive: true, force: true })
  mkdirInside(workspace, inputs.path)
  const sources = new Map(collected.sources.map((d) => [d.artifact, d.dir]))
  for (const file of plan.files) {
    // Artifacts do not keep file modes.
    copyFileInside(dir, file.path, resolveInside(sources.get(file.artifact) ?? '', file.source), file.kind === 'binary' ? 0o755 : 0o644)
  }
  const sums = ['SHA256SUMS']
  writeFileInside(dir, 'SHA256SUMS', renderSums(plan.files.map((file) => ({ name: file.path, hash: file.sha256 }))))
  if (plan.files.length && plan.files.every((file) => file.sha512)) {
    writeFileInside(dir, 'SHA512SUMS', renderSums(plan.files.map((file) => ({ name: file.path, hash: file.sha512 ?? '' }))))
    sums.push('SHA512SUMS')
  }

  const docker: string[] = []
  if (dockerRoot) {
    mkdirInside(workspace, inputs.dockerDir ?? '')
    for (const { file, relative } of dockerLayout) {
      copyFileInside(dockerRoot, relative, path.join(dir, ...file.path.split('/')), 0o755)
      docker.push(relative)
    }
  }
  const result = { dir, plan, sums, manifestPath: path.join(dir, 'manifest.json'), docker, sources: collected.sources, platformCpu: platform.chosen }
  writeMergedManifest(result)
  return result
}

/** manifest.json of the merged folder; written again with the image's digests once it is pushed. */
export function writeMergedManifest(result: MergeResult, image?: Record<string, unknown>): void {
  writeFileInside(result.dir, path.basename(result.manifestPath), renderMergedManifest(result.sources, result.plan, result.sums, result.docker, image))
}
