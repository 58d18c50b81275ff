/**
 * A local server that answers GitHub's release endpoints as api.github.com does (the
 * objects the description requires, pagination with Link headers, 204 on delete, 422
 * already_exists), keeping its releases and assets in memory and recording every request
 * for the tests to assert on. Every request and every reply is checked against GitHub's
 * OpenAPI description (github-server-openapi.ts); what does not match is collected in
 * `problems`, which each test asserts empty (assertHonest) once it is done.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkReply, checkRequest, match, SERVED, type Matched, type OperationId } from './github-server-openapi.js'

/** A request as the local server saw it; tests assert on these after the run. */
export interface Seen {
  method: string
  path: string
  authorization: string
  contentType: string
  body: string
}

export interface Scripted {
  /** `METHOD /path` prefix the failure answers */
  route: string
  status: number
  message: string
  headers?: Record<string, string>
}

/** A release as the server keeps it; what a reply needs beyond these is derived. */
export interface StoredRelease {
  id: number
  tag_name: string
  draft: boolean
  name?: string
  target_commitish?: string
  assets: StoredAsset[]
}

export interface StoredAsset {
  id: number
  name: string
  /** The uploaded bytes as text */
  data: string
  content_type?: string
  /** Of the uploaded bytes (data is their text, which need not have the same length) */
  size?: number
  digest?: string
}

export interface GithubServer {
  url: string
  seen: Seen[]
  releases: StoredRelease[]
  fail: Scripted[]
  /** Requests and replies that GitHub's OpenAPI description does not allow, one line each */
  problems: string[]
  close: () => void
}

/** Fails with every problem the server collected, each naming the operation and the schema error. */
export function assertHonest(problems: readonly string[]): void {
  if (problems.length > 0) assert.fail(`The local GitHub server saw or sent what GitHub's OpenAPI description does not allow:\n${problems.join('\n')}`)
}

type Reply = (status: number, body?: unknown, headers?: Record<string, string>) => void
interface Call {
  params: Record<string, string>
  url: URL
  body: Buffer
  contentType: string
  reply: Reply
}

/** The one repository the server holds. */
const OWNER = 'o'
const REPO = 'r'

/**
 * A local server that answers the release endpoints as api.github.com does, keeping its
 * releases and assets in memory; uploads go to `/uploads/...` on the same port, the
 * upload_url its releases carry. `fail` answers the next matching requests with an error.
 */
export async function githubServer(): Promise<GithubServer> {
  const seen: Seen[] = []
  const fail: Scripted[] = []
  const problems: string[] = []
  const releases: StoredRelease[] = []
  let nextId = 100
  let base = ''
  // GitHub's timestamps have whole seconds.
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  const nodeId = (prefix: string, id: number) => `${prefix}_${Buffer.from(`${prefix}${id}`).toString('base64url')}`

  // Releases made with a workflow's GITHUB_TOKEN are authored by github-actions[bot].
  const author = () => {
    const url = `${base}/users/github-actions%5Bbot%5D`
    return {
      login: 'github-actions[bot]',
      id: 41898282,
      node_id: 'MDM6Qm90NDE4OTgyODI=',
      avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
      gravatar_id: '',
      url,
      html_url: `${base}/apps/github-actions`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: 'Bot',
      user_view_type: 'public',
      site_admin: false,
    }
  }
  const api = () => `${base}/repos/${OWNER}/${REPO}`
  // A draft has no tag yet: GitHub names its pages untagged-..., and it has no source archives.
  const pageTag = (r: StoredRelease) => (r.draft ? `untagged-${r.id}` : r.tag_name)
  const asset = (r: StoredRelease, a: StoredAsset) => ({
    url: `${api()}/releases/assets/${a.id}`,
    browser_download_url: `${base}/${OWNER}/${REPO}/releases/download/${pageTag(r)}/${encodeURIComponent(a.name)}`,
    id: a.id,
    node_id: nodeId('RA', a.id),
    name: a.name,
    label: '',
    state: 'uploaded',
    content_type: a.content_type ?? 'application/octet-stream',
    size: a.size ?? Buffer.byteLength(a.data),
    digest: a.digest ?? `sha256:${createHash('sha256').update(a.data).digest('hex')}`,
    download_count: 0,
    created_at: stamp,
    updated_at: stamp,
    uploader: author(),
  })
  const release = (r: StoredRelease) => ({
    url: `${api()}/releases/${r.id}`,
    html_url: `${base}/${OWNER}/${REPO}/releases/tag/${pageTag(r)}`,
    assets_url: `${api()}/releases/${r.id}/assets`,
    upload_url: `${base}/uploads/repos/${OWNER}/${REPO}/releases/${r.id}/assets{?name,label}`,
    tarball_url: r.draft ? null : `${api()}/tarball/${r.tag_name}`,
    zipball_url: r.draft ? null : `${api()}/zipball/${r.tag_name}`,
    id: r.id,
    node_id: nodeId('RE', r.id),
    tag_name: r.tag_name,
    target_commitish: r.target_commitish ?? 'main',
    name: r.name ?? null,
    body: null,
    draft: r.draft,
    prerelease: false,
    immutable: false,
    created_at: stamp,
    published_at: r.draft ? null : stamp,
    updated_at: stamp,
    author: author(),
    assets: r.assets.map((a) => asset(r, a)),
  })
  const error = (status: number, message: string, extra: Record<string, unknown> = {}) => ({ message, documentation_url: 'https://docs.github.com/rest', status: String(status), ...extra })
  const page = <T>(items: T[], url: URL): T[] => {
    const size = Number(url.searchParams.get('per_page') ?? 30)
    const number = Number(url.searchParams.get('page') ?? 1)
    return items.slice((number - 1) * size, number * size)
  }
  const link = (count: number, url: URL): Record<string, string> => {
    const size = Number(url.searchParams.get('per_page') ?? 30)
    const number = Number(url.searchParams.get('page') ?? 1)
    if (number * size >= count) return {}
    const next = new URL(url)
    next.searchParams.set('page', String(number + 1))
    return { link: `<${base}${next.pathname}${next.search}>; rel="next"` }
  }
  const findRelease = (id: string) => releases.find((r) => r.id === Number(id))

  const handlers: Record<OperationId, (call: Call) => void> = {
    'repos/list-releases': ({ url, reply }) => reply(200, page(releases.map(release), url), link(releases.length, url)),
    'repos/create-release': ({ body, reply }) => {
      const request = JSON.parse(body.toString()) as { tag_name: string; name?: string; draft?: boolean; target_commitish?: string }
      const created: StoredRelease = { id: nextId++, tag_name: request.tag_name, draft: request.draft ?? false, name: request.name, target_commitish: request.target_commitish, assets: [] }
      releases.push(created)
      reply(201, release(created))
    },
    'repos/delete-release': ({ params, reply }) => {
      const index = releases.findIndex((r) => r.id === Number(params.release_id))
      if (index === -1) return reply(404, error(404, 'Not Found'))
      releases.splice(index, 1)
      reply(204)
    },
    'repos/list-release-assets': ({ params, url, reply }) => {
      const found = findRelease(params.release_id ?? '')
      if (!found) return reply(404, error(404, 'Not Found'))
      reply(
        200,
        page(found.assets, url).map((a) => asset(found, a)),
        link(found.assets.length, url),
      )
    },
    'repos/delete-release-asset': ({ params, reply }) => {
      const owner = releases.find((r) => r.assets.some((a) => a.id === Number(params.asset_id)))
      if (!owner) return reply(404, error(404, 'Not Found'))
      owner.assets = owner.assets.filter((a) => a.id !== Number(params.asset_id))
      reply(204)
    },
    'repos/upload-release-asset': ({ params, url, body, contentType, reply }) => {
      const found = findRelease(params.release_id ?? '')
      const name = url.searchParams.get('name') ?? ''
      if (!found) return reply(404, error(404, 'Not Found'))
      if (found.assets.some((a) => a.name === name)) return reply(422, error(422, 'Validation Failed', { errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] }))
      const stored: StoredAsset = {
        id: nextId++,
        name,
        data: body.toString(),
        content_type: contentType,
        size: body.length,
        digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
      }
      found.assets.push(stored)
      reply(201, asset(found, stored))
    },
  }

  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base)
      const raw = Buffer.concat(chunks)
      const body = raw.toString()
      const method = req.method ?? ''
      const contentType = req.headers['content-type'] ?? ''
      const where = `${method} ${url.pathname}${url.search}`
      seen.push({ method, path: `${url.pathname}${url.search}`, authorization: req.headers.authorization ?? '', contentType, body })
      const send = (status: number, payload: unknown, headers: Record<string, string>, matched?: Matched) => {
        const text = payload === undefined ? '' : JSON.stringify(payload)
        const type = payload === undefined ? '' : 'application/json; charset=utf-8'
        if (matched) problems.push(...checkReply(matched.operation, { status, contentType: type, body: text }).map((p) => `${where}: ${p}`))
        res.writeHead(status, { ...(type ? { 'content-type': type } : {}), ...headers })
        res.end(text)
      }
      // Uploads have an origin of their own in the description; here, a path prefix.
      const uploads = url.pathname.startsWith('/uploads/')
      let matched: Matched | undefined
      try {
        matched = match(method, uploads ? 'uploads' : 'api', uploads ? url.pathname.slice('/uploads'.length) : url.pathname)
      } catch (cause) {
        // No description to check against (not installed, or an operation gone from it).
        problems.push(`${where}: ${String(cause)}`)
        return send(500, error(500, 'Server Error'), {})
      }
      if (!matched) {
        problems.push(`${where}: no operation this server answers matches it (${SERVED.join(', ')}; uploads under /uploads/)`)
        return send(404, error(404, 'Not Found'), {})
      }
      problems.push(...checkRequest(matched, { query: url.searchParams, contentType, body }).map((p) => `${where}: ${p}`))
      const reply: Reply = (status, payload, headers = {}) => send(status, payload, headers, matched)
      const scripted = fail.findIndex((f) => `${method} ${url.pathname}`.startsWith(f.route))
      if (scripted !== -1) {
        const [f] = fail.splice(scripted, 1)
        return reply(f!.status, error(f!.status, f!.message), f!.headers)
      }
      if (matched.params.owner !== OWNER || matched.params.repo !== REPO) return reply(404, error(404, 'Not Found'))
      try {
        handlers[matched.operation.id]({ params: matched.params, url, body: raw, contentType, reply })
      } catch {
        // GitHub's answer to a body it cannot read; the request check has said what was wrong.
        reply(400, error(400, 'Problems parsing JSON'))
      }
    })
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
  return { url: base, seen, releases, fail, problems, close: () => srv.close() }
}
