/**
 * Publishing behind two small interfaces, so the rules (names, replace-don't-duplicate,
 * bounded retries, clear errors) are tested with in-memory fakes; artifact-client.ts and
 * release-client.ts are the production clients.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { ActionError, errorMessage } from '../errors.js'
import { DEFAULT_CPU_LABEL } from '../common/cpu.js'

export interface UploadFile {
  /** The file on disk */
  path: string
  /** Its name in the artifact or release (relative, `/` separators) */
  name: string
}

export interface ArtifactInfo {
  id: number
  name: string
}

/** What the action needs from the workflow-run artifact service. */
export interface ArtifactClient {
  /** Files must lie under rootDirectory; their artifact names are relative to it. */
  upload(name: string, files: readonly string[], rootDirectory: string): Promise<{ id?: number; size?: number }>
  /** false when there was no such artifact */
  delete(name: string): Promise<boolean>
  list(): Promise<ArtifactInfo[]>
  /** Extracts the artifact's files into dir */
  download(artifact: ArtifactInfo, dir: string): Promise<void>
}

export interface ReleaseInfo {
  id: number
  tag: string
  draft: boolean
}

export interface AssetInfo {
  id: number
  name: string
}

/** What the action needs from the GitHub releases API. */
export interface ReleaseClient {
  /** Every release (drafts included) whose tag is `tag`, oldest first */
  findReleases(tag: string): Promise<ReleaseInfo[]>
  createDraft(tag: string): Promise<ReleaseInfo>
  deleteRelease(id: number): Promise<void>
  listAssets(releaseId: number): Promise<AssetInfo[]>
  deleteAsset(assetId: number): Promise<void>
  uploadAsset(releaseId: number, name: string, file: string): Promise<AssetInfo>
}

/** An HTTP failure of a client, with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

/**
 * Retries for the artifact service's list, download and delete calls. Octokit retries the
 * release calls itself; a whole upload is never retried (see uploadArtifact).
 */
export interface RetryPolicy {
  attempts: number
  /** Delay before the second attempt; doubles after each */
  baseSeconds: number
  sleep: (seconds: number) => Promise<void>
}

export const defaultRetry: RetryPolicy = {
  attempts: 4,
  baseSeconds: 2,
  sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
}

/** Failures that can succeed on retry: server errors and dropped connections. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpError) return error.status === 429 || error.status >= 500
  if (error instanceof Error) {
    if (error.name === 'NetworkError') return true
    return /ECONNRESET|ETIMEDOUT|ECONNREFUSED|EAI_AGAIN|socket hang up|fetch failed|\b50[234]\b/i.test(error.message)
  }
  return false
}

/** Run `body`, retrying retryable failures a bounded number of times with backoff. */
export async function withRetry<T>(what: string, body: () => Promise<T>, policy: RetryPolicy = defaultRetry): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await body()
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.attempts) throw new ActionError(`${what} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${errorMessage(error)}`)
      const wait = policy.baseSeconds * 2 ** (attempt - 1)
      core.warning(`${what} failed (attempt ${attempt} of ${policy.attempts}): ${errorMessage(error)}; retrying in ${wait} s.`)
      await policy.sleep(wait)
    }
  }
}

/** `rust-xbuild-{target}` → `rust-xbuild-aarch64-unknown-linux-gnu`; `{cpu}`: the target-cpu, or baseline. */
export function renderArtifactName(template: string, target: string, cpu: string = DEFAULT_CPU_LABEL): string {
  return template.replace(/\{target\}/g, target).replace(/\{cpu\}/g, cpu)
}

/** Every file below dir (relative names, sorted), as an artifact holds them. */
export function filesBelow(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .map((name) => name.split(path.sep).join('/'))
    .sort()
}

/**
 * Upload a folder as one artifact. An artifact of the same name (a re-run, or an
 * earlier attempt) is deleted first, so the result replaces it instead of failing.
 */
export async function uploadArtifact(client: ArtifactClient, name: string, dir: string, policy: RetryPolicy = defaultRetry): Promise<{ id?: number; size?: number; files: string[] }> {
  const files = filesBelow(dir)
  if (!files.length) throw new ActionError(`Nothing to upload: ${dir} is empty.`)
  const deleted = await withRetry(`Deleting an earlier artifact ${name}`, () => client.delete(name), policy)
  if (deleted) core.info(`Replaced the earlier artifact ${name}.`)
  // Not retried as a whole: the client retries its own calls and blocks, and the service keeps
  // the name of an upload that broke after CreateArtifact, so a second attempt could only
  // answer 409 Conflict and hide the real cause.
  const result = await step(`Uploading the artifact ${name}`, () =>
    client.upload(
      name,
      files.map((file) => path.join(dir, file)),
      dir,
    ),
  )
  return { ...result, files }
}

/** A client failure as the error the step reports, naming what was being done. */
async function step<T>(what: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body()
  } catch (error) {
    if (error instanceof ActionError) throw error
    throw new ActionError(`${what} failed: ${errorMessage(error)}`)
  }
}

/**
 * The release for `tag`, created as a draft when there is none. Matrix jobs race to
 * create it: after creating, the oldest release with the tag wins and a duplicate draft
 * of ours is deleted, so every job ends up on the same release.
 */
export async function ensureRelease(client: ReleaseClient, tag: string): Promise<ReleaseInfo> {
  const existing = await step(`Looking up the release ${tag}`, () => client.findReleases(tag))
  if (existing[0]) return existing[0]
  const created = await step(`Creating the draft release ${tag}`, () => client.createDraft(tag))
  core.info(`Created the draft release ${tag}.`)
  const all = await step(`Looking up the release ${tag}`, () => client.findReleases(tag))
  const winner = all[0] ?? created
  if (winner.id !== created.id) {
    core.info(`Another job created release ${tag} first; using it.`)
    await step(`Deleting the duplicate draft ${tag}`, () => client.deleteRelease(created.id))
  }
  return winner
}

/**
 * Upload files as release assets. A same-named asset is replaced (deleted, then
 * uploaded), never duplicated; an "already exists" answer from a racing upload is
 * handled the same way. The client retries what can succeed on retry.
 */
export async function uploadReleaseAssets(client: ReleaseClient, tag: string, files: readonly UploadFile[]): Promise<{ release: ReleaseInfo; replaced: string[] }> {
  const names = new Set<string>()
  for (const file of files) {
    if (names.has(file.name)) throw new ActionError(`Two files would become the release asset ${file.name}.`)
    names.add(file.name)
  }
  const release = await ensureRelease(client, tag)
  const replaced: string[] = []
  const remove = async (assets: readonly AssetInfo[], name: string): Promise<void> => {
    for (const asset of assets.filter((a) => a.name === name)) {
      await step(`Deleting the old asset ${name}`, () => client.deleteAsset(asset.id))
      replaced.push(name)
    }
  }
  const listed = (): Promise<AssetInfo[]> => step(`Listing the assets of ${tag}`, () => client.listAssets(release.id))
  const before = await listed()
  for (const file of files) {
    await remove(before, file.name)
    await step(`Uploading ${file.name} to the release ${tag}`, async () => {
      try {
        return await client.uploadAsset(release.id, file.name, file.path)
      } catch (error) {
        // 422 already_exists: another job uploaded the same name meanwhile; replace it once.
        if (error instanceof HttpError && error.status === 422 && /already.exists/i.test(error.message)) {
          await remove(await listed(), file.name)
          return await client.uploadAsset(release.id, file.name, file.path)
        }
        throw error
      }
    })
  }
  return { release, replaced }
}
