/**
 * Production clients for publish.ts: workflow artifacts through @actions/artifact, and
 * releases through the documented REST API with fetch (no Octokit needed for six calls).
 */
import fs from 'node:fs'
import { ArtifactNotFoundError, DefaultArtifactClient } from '@actions/artifact'
import { ActionError } from '../errors.js'
import { HttpError, type ArtifactClient, type AssetInfo, type ReleaseClient, type ReleaseInfo } from './upload.js'

export function actionsArtifactClient(): ArtifactClient {
  const client = new DefaultArtifactClient()
  return {
    upload: (name, files, rootDirectory) => client.uploadArtifact(name, [...files], rootDirectory),
    async delete(name) {
      try {
        await client.deleteArtifact(name)
        return true
      } catch (error) {
        if (error instanceof ArtifactNotFoundError) return false
        throw error
      }
    },
    list: async () => (await client.listArtifacts({ latest: true })).artifacts.map((artifact) => ({ id: artifact.id, name: artifact.name })),
    async download(artifact, dir) {
      const result = await client.downloadArtifact(artifact.id, { path: dir })
      if (result.digestMismatch) throw new ActionError(`The artifact ${artifact.name} did not match its digest after download.`)
    },
  }
}

/** Seconds to wait from Retry-After or X-RateLimit-Reset, when present. */
function retryAfter(headers: Headers): number | undefined {
  const after = Number(headers.get('retry-after'))
  if (Number.isFinite(after) && after > 0) return after
  const reset = Number(headers.get('x-ratelimit-reset'))
  if (Number.isFinite(reset) && reset > 0 && headers.get('x-ratelimit-remaining') === '0') return Math.max(1, reset - Date.now() / 1000)
  return undefined
}

interface ReleaseJson {
  id: number
  tag_name: string
  draft: boolean
  upload_url: string
}

export interface RestOptions {
  token: string
  /** owner/name */
  repository: string
  /** GITHUB_API_URL: https://api.github.com, or https://HOST/api/v3 on GHES */
  apiUrl: string
  /** The commit a new draft release points at (GITHUB_SHA) */
  commit?: string
}

export function restReleaseClient(options: RestOptions): ReleaseClient {
  const api = options.apiUrl.replace(/\/+$/, '')
  const repo = `${api}/repos/${options.repository}`
  const uploadUrls = new Map<number, string>()
  const headers = { Authorization: `Bearer ${options.token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'rust-xbuild' }

  async function request<T>(method: string, url: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const response = await fetch(url, {
      method,
      headers: { ...headers, ...(body !== undefined && !Buffer.isBuffer(body) ? { 'Content-Type': 'application/json' } : {}), ...extraHeaders },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    })
    if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T
    const text = await response.text()
    let message = text
    try {
      const json = JSON.parse(text) as { message?: string; errors?: { code?: string }[] }
      message = [json.message, ...(json.errors ?? []).map((e) => e.code)].filter(Boolean).join(': ')
    } catch {
      // Not JSON (a proxy's HTML page): keep the text.
    }
    const rateLimited = response.status === 429 || (response.status === 403 && (response.headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(message)))
    throw new HttpError(response.status, `${method} ${url.replace(/\?.*/, '')}: ${response.status} ${message.slice(0, 300)}`, retryAfter(response.headers), rateLimited)
  }

  const info = (release: ReleaseJson): ReleaseInfo => {
    uploadUrls.set(release.id, release.upload_url)
    return { id: release.id, tag: release.tag_name, draft: release.draft }
  }

  async function paged<T>(url: string): Promise<T[]> {
    const items: T[] = []
    for (let page = 1; page <= 10; page++) {
      const batch = await request<T[]>('GET', `${url}${url.includes('?') ? '&' : '?'}per_page=100&page=${page}`)
      items.push(...batch)
      if (batch.length < 100) break
    }
    return items
  }

  return {
    // The tag endpoint does not return drafts, so list and filter.
    findReleases: async (tag) =>
      (await paged<ReleaseJson>(`${repo}/releases`))
        .filter((release) => release.tag_name === tag)
        .sort((a, b) => a.id - b.id)
        .map(info),
    createDraft: async (tag) =>
      info(await request<ReleaseJson>('POST', `${repo}/releases`, { tag_name: tag, name: tag, draft: true, ...(options.commit ? { target_commitish: options.commit } : {}) })),
    deleteRelease: (id) => request<void>('DELETE', `${repo}/releases/${id}`),
    listAssets: async (releaseId) => (await paged<AssetInfo>(`${repo}/releases/${releaseId}/assets`)).map(({ id, name }) => ({ id, name })),
    deleteAsset: (assetId) => request<void>('DELETE', `${repo}/releases/assets/${assetId}`),
    async uploadAsset(releaseId, name, file) {
      const template =
        uploadUrls.get(releaseId) ??
        `${api.replace('://api.github.com', '://uploads.github.com').replace(/\/api\/v3$/, '/api/uploads')}/repos/${options.repository}/releases/${releaseId}/assets{?name,label}`
      const url = `${template.replace(/\{\?[^}]*\}$/, '')}?name=${encodeURIComponent(name)}`
      const asset = await request<AssetInfo>('POST', url, fs.readFileSync(file), { 'Content-Type': 'application/octet-stream' })
      return { id: asset.id, name: asset.name }
    },
  }
}
