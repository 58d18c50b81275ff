/**
 * A local server that answers GitHub's release endpoints as api.github.com does (JSON
 * shapes, pagination with Link headers, 204 on delete, 422 already_exists), keeping its
 * releases and assets in memory and recording every request for the tests to assert on.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

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

/**
 * A local server that answers the release endpoints as api.github.com does, keeping its
 * releases and assets in memory. `fail` answers the next matching requests with an error.
 */
export async function githubServer(): Promise<{
  url: string
  seen: Seen[]
  releases: { id: number; tag_name: string; draft: boolean; target_commitish?: string; assets: { id: number; name: string; data: string }[] }[]
  fail: Scripted[]
  close: () => void
}> {
  const seen: Seen[] = []
  const fail: Scripted[] = []
  const releases: Awaited<ReturnType<typeof githubServer>>['releases'] = []
  let nextId = 100
  let base = ''
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(body))
  }
  const shape = (r: (typeof releases)[number]) => ({ id: r.id, tag_name: r.tag_name, draft: r.draft, upload_url: `${base}/uploads/repos/o/r/releases/${r.id}/assets{?name,label}` })
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
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base)
      const body = Buffer.concat(chunks).toString()
      const method = req.method ?? ''
      seen.push({ method, path: `${url.pathname}${url.search}`, authorization: req.headers.authorization ?? '', contentType: req.headers['content-type'] ?? '', body })
      const scripted = fail.findIndex((f) => `${method} ${url.pathname}`.startsWith(f.route))
      if (scripted !== -1) {
        const [f] = fail.splice(scripted, 1)
        return json(res, f!.status, { message: f!.message, documentation_url: 'https://docs.github.com/rest' }, f!.headers)
      }
      let m: RegExpMatchArray | null
      if (method === 'GET' && url.pathname === '/repos/o/r/releases') return json(res, 200, page(releases.map(shape), url), link(releases.length, url))
      if (method === 'POST' && url.pathname === '/repos/o/r/releases') {
        const request = JSON.parse(body) as { tag_name: string; draft: boolean; target_commitish?: string }
        const release = { id: nextId++, tag_name: request.tag_name, draft: request.draft, target_commitish: request.target_commitish, assets: [] }
        releases.push(release)
        return json(res, 201, shape(release))
      }
      if (method === 'DELETE' && (m = url.pathname.match(/^\/repos\/o\/r\/releases\/(\d+)$/))) {
        releases.splice(
          releases.findIndex((r) => r.id === Number(m![1])),
          1,
        )
        return void res.writeHead(204).end()
      }
      if (method === 'GET' && (m = url.pathname.match(/^\/repos\/o\/r\/releases\/(\d+)\/assets$/))) {
        const assets = releases.find((r) => r.id === Number(m![1]))?.assets.map(({ id, name }) => ({ id, name })) ?? []
        return json(res, 200, page(assets, url), link(assets.length, url))
      }
      if (method === 'DELETE' && (m = url.pathname.match(/^\/repos\/o\/r\/releases\/assets\/(\d+)$/))) {
        for (const release of releases) release.assets = release.assets.filter((a) => a.id !== Number(m![1]))
        return void res.writeHead(204).end()
      }
      if (method === 'POST' && (m = url.pathname.match(/^\/uploads\/repos\/o\/r\/releases\/(\d+)\/assets$/))) {
        const release = releases.find((r) => r.id === Number(m![1]))
        const name = url.searchParams.get('name') ?? ''
        if (!release) return json(res, 404, { message: 'Not Found' })
        if (release.assets.some((a) => a.name === name)) return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] })
        const asset = { id: nextId++, name, data: body }
        release.assets.push(asset)
        return json(res, 201, { id: asset.id, name })
      }
      json(res, 404, { message: 'Not Found' })
    })
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
  return { url: base, seen, releases, fail, close: () => srv.close() }
}
