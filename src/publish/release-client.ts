/**
 * The production release client: Octokit (@actions/github, which also honours the
 * runner's proxy settings) with the retry plugin for server errors and the throttling
 * plugin for GitHub's rate limits. Loaded only when uploading to a release.
 */
import fs from 'node:fs'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import * as core from '@actions/core'
import { ActionError, errorMessage } from '../errors.js'
import { HttpError, type ReleaseClient, type ReleaseInfo } from './upload.js'

export interface ReleaseClientOptions {
  token: string
  /** owner/name */
  repository: string
  /** GITHUB_API_URL: https://api.github.com, or https://HOST/api/v3 on GHES */
  apiUrl: string
  /** The commit a new draft release points at (GITHUB_SHA) */
  commit?: string
  /** A rate limit that resets later than this is reported instead of waited for */
  maxWaitSeconds?: number
  /** Retries of one request (server errors, rate limits) */
  retries?: number
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

type Call = <T>(what: string, body: () => Promise<T>) => Promise<T>

/**
 * Octokit with retries and GitHub's rate limits, and `call`, which turns its errors into
 * the HttpError upload.ts knows and a rate limit not waited for into a clear ActionError.
 */
function limitedOctokit(options: ReleaseClientOptions, api: string): { octokit: ReturnType<typeof getOctokit>; call: Call } {
  const maxWait = options.maxWaitSeconds ?? 90
  const retries = options.retries ?? 3
  // The wait the throttling plugin computed for a limit it was told not to wait for.
  let refusedWait: number | undefined
  // Waiting is worth it only for a limit that resets soon; otherwise the error says when.
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    if (retryAfter > maxWait || retryCount >= retries) {
      refusedWait = retryAfter
      return false
    }
    core.warning(`${request.method} ${request.url}: GitHub's ${kind} rate limit; retrying in ${retryAfter} s (attempt ${retryCount + 2} of ${retries + 1}).`)
    return true
  }
  const octokit = getOctokit(
    options.token,
    {
      baseUrl: api,
      userAgent: 'rust-xbuild',
      retry: { retries },
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
    },
    retry,
    throttling,
  )
  const call: Call = async (what, body) => {
    refusedWait = undefined
    try {
      return await body()
    } catch (error) {
      if (refusedWait !== undefined) throw new ActionError(`${what}: GitHub's API rate limit was hit (resets in ${refusedWait} s). Re-run the job later.`)
      const status = statusOf(error)
      if (status === undefined) throw error
      throw new HttpError(status, `${what}: ${status} ${errorMessage(error).slice(0, 300)}`)
    }
  }
  return { octokit, call }
}

export function octokitReleaseClient(options: ReleaseClientOptions): ReleaseClient {
  const [owner = '', repo = ''] = options.repository.split('/')
  const api = options.apiUrl.replace(/\/+$/, '')
  const { octokit, call } = limitedOctokit(options, api)
  const uploadUrls = new Map<number, string>()
  const info = (release: { id: number; tag_name: string; draft: boolean; upload_url: string }): ReleaseInfo => {
    uploadUrls.set(release.id, release.upload_url)
    return { id: release.id, tag: release.tag_name, draft: release.draft }
  }
  return {
    // The tag endpoint does not return drafts, so list and filter.
    findReleases: (tag) =>
      call(`Looking up the release ${tag}`, async () =>
        (await octokit.paginate(octokit.rest.repos.listReleases, { owner, repo, per_page: 100 }))
          .filter((release) => release.tag_name === tag)
          .sort((a, b) => a.id - b.id)
          .map(info),
      ),
    createDraft: (tag) =>
      call(`Creating the draft release ${tag}`, async () =>
        info((await octokit.rest.repos.createRelease({ owner, repo, tag_name: tag, name: tag, draft: true, ...(options.commit ? { target_commitish: options.commit } : {}) })).data),
      ),
    deleteRelease: (id) => call(`Deleting the release ${id}`, async () => void (await octokit.rest.repos.deleteRelease({ owner, repo, release_id: id }))),
    listAssets: (releaseId) =>
      call(`Listing the assets of release ${releaseId}`, async () =>
        (await octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: releaseId, per_page: 100 })).map(({ id, name }) => ({ id, name })),
      ),
    deleteAsset: (assetId) => call(`Deleting the asset ${assetId}`, async () => void (await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: assetId }))),
    uploadAsset: (releaseId, name, file) =>
      call(`Uploading ${name}`, async () => {
        const data = fs.readFileSync(file)
        // The release's own upload_url; else the uploads host that goes with the API host.
        const url =
          uploadUrls.get(releaseId) ??
          `${api.replace('://api.github.com', '://uploads.github.com').replace(/\/api\/v3$/, '/api/uploads')}/repos/${owner}/${repo}/releases/${releaseId}/assets{?name,label}`
        const { data: asset } = await octokit.rest.repos.uploadReleaseAsset({
          owner,
          repo,
          release_id: releaseId,
          name,
          // The endpoint's type says string; Octokit sends a Buffer as the raw body.
          data: data as unknown as string,
          headers: { 'content-type': 'application/octet-stream', 'content-length': data.length },
          url,
        })
        return { id: asset.id, name: asset.name }
      }),
  }
}
