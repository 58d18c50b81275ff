/**
 * What a hosted runner's results service answers, on 127.0.0.1: twirp JSON for the cache
 * service v2 and the artifact service v4 (the methods @actions/cache 6.3 and
 * @actions/artifact 6.2 call, with the fields they send and read), and an Azure block-blob
 * store on a second port for the signed URLs those methods hand out (Put Blob, Put Block,
 * Put Block List, Get Blob with Range, Get Blob Properties). State is in memory; every
 * request is logged. Run it through results-server.ts (a child process), not in the test's
 * own process: the e2e harness's spawnSync blocks that process's event loop.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** true: the kind's usual failure (cache: the connection is reset; upload: 403 from the blob store); a number: that HTTP status; 'reset': the connection is dropped. */
export type Fault = true | number | 'reset'

/** cache: every cache twirp call and cache blob request; upload: writes of artifact blobs. */
export interface Faults {
  cache?: Fault
  upload?: Fault
}

export interface LoggedRequest {
  /** `CacheService.CreateCacheEntry`, `ArtifactService.ListArtifacts`, `Put Block`, `Get Blob`, ... */
  call: string
  method: string
  path: string
  status: number
  /** A few fields of the request: key, name, bytes, range, ... */
  fields: Record<string, string | number>
}

export interface CacheRecord {
  id: number
  key: string
  version: string
  scope: string
  finalized: boolean
  size: number
}

export interface ArtifactRecord {
  id: number
  run: string
  job: string
  name: string
  finalized: boolean
  size: number
  /** What the client declared at finalize (`sha256:<hex>`) */
  digest?: string
  /** The SHA256 of the stored blob */
  sha256?: string
  createdAt?: string
  /** The zip's entry names (from its central directory) */
  entries: string[]
}

export interface ResultsState {
  requests: LoggedRequest[]
  caches: CacheRecord[]
  artifacts: ArtifactRecord[]
}

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.'
const ACCOUNT = 'devstoreaccount1'

/** Claims of the runtime token the runner hands a job. */
export interface TokenClaims {
  run: string
  job: string
  /** Cache scopes: [scope, permission bits (1 read, 2 write)] */
  scopes: [string, number][]
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An unsigned JWT shaped like ACTIONS_RUNTIME_TOKEN: `scp` holds `Actions.Results:<run>:<job>`, `ac` the cache scopes. */
export function runtimeToken({ run, job, scopes }: TokenClaims): string {
  const payload = {
    iss: 'vstoken.actions.githubusercontent.com',
    aud: 'vstoken.actions.githubusercontent.com',
    exp: Math.floor(Date.now() / 1000) + 6 * 3600,
    scp: `Actions.GenericRead:${run} Actions.Results:${run}:${job} Actions.UploadArtifacts:${run}:${job}`,
    ac: JSON.stringify(scopes.map(([Scope, Permission]) => ({ Scope, Permission }))),
  }
  return `${base64url({ typ: 'JWT', alg: 'none' })}.${base64url(payload)}.`
}

export function tokenClaims(token: string): TokenClaims | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { scp?: string; ac?: string }
    const results = (payload.scp ?? '').split(' ').find((scope) => scope.startsWith('Actions.Results:'))
    const [, run, job] = results?.split(':') ?? []
    if (!run || !job) return undefined
    const scopes = (JSON.parse(payload.ac ?? '[]') as { Scope: string; Permission: number }[]).map((s): [string, number] => [s.Scope, s.Permission])
    return { run, job, scopes }
  } catch {
    return undefined
  }
}

/** Entry names from a zip's central directory (enough for the small zips of tests; no zip64). */
export function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0) return []
  const names: string[] = []
  let at = zip.readUInt32LE(end + 16)
  for (let i = 0; i < zip.readUInt16LE(end + 10) && zip.readUInt32LE(at) === 0x02014b50; i++) {
    const nameLength = zip.readUInt16LE(at + 28)
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString())
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
  }
  return names
}

interface Blob {
  data?: Buffer
  contentType: string
  committed: Map<string, Buffer>
  uncommitted: Map<string, Buffer>
  modified: Date
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

class AzureError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const TWIRP_CODES: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'already_exists',
  412: 'failed_precondition',
  429: 'resource_exhausted',
  500: 'internal',
  503: 'unavailable',
}
const AZURE_CODES: Record<number, string> = { 403: 'AuthenticationFailed', 404: 'BlobNotFound', 409: 'BlobAlreadyExists', 500: 'InternalError', 503: 'ServerBusy' }

export interface ResultsServer {
  /** ACTIONS_RESULTS_URL */
  url: string
  blobUrl: string
  state(): ResultsState
  fail(faults: Faults): void
  /** Store a finalized artifact of `run` (as job `job` would have uploaded it) from its zip. */
  putArtifact(run: string, job: string, name: string, zip: Buffer): ArtifactRecord
  close(): Promise<void>
}

export async function resultsServer(): Promise<ResultsServer> {
  const requests: LoggedRequest[] = []
  const blobs = new Map<string, Blob>()
  // SAS signature → the one blob path it grants, and whether it may write.
  const grants = new Map<string, { path: string; write: boolean }>()
  const caches: (CacheRecord & { blob: string; order: number })[] = []
  const artifacts: (Omit<ArtifactRecord, 'entries' | 'sha256'> & { blob: string })[] = []
  let faults: Faults = {}
  let nextId = 1
  let order = 0
  let blobBase = ''

  const signedUrl = (container: string, name: string, write: boolean): string => {
    const path = `/${ACCOUNT}/${container}/${name}`
    const sig = crypto.randomBytes(24).toString('base64')
    grants.set(sig, { path, write })
    const query = new URLSearchParams({ sv: '2024-11-04', sr: 'b', sp: write ? 'cw' : 'r', se: new Date(Date.now() + 6 * 3600_000).toISOString(), sig })
    return `${blobBase}${path}?${query}`
  }
  const blobData = (container: string, name: string): Buffer | undefined => blobs.get(`/${ACCOUNT}/${container}/${name}`)?.data

  // --- twirp ------------------------------------------------------------------------------
  type Body = Record<string, unknown>
  const str = (body: Body, field: string): string => (typeof body[field] === 'string' ? (body[field] as string) : '')

  const cacheService = (method: string, body: Body, claims: TokenClaims, log: LoggedRequest['fields']): Body => {
    const key = str(body, 'key')
    const version = str(body, 'version')
    if (key) log.key = key
    if (!key || !version) throw new TwirpError(400, 'invalid_argument', 'key and version are required')
    const writable = claims.scopes.find(([, permission]) => permission & 2)?.[0]
    if (method === 'CreateCacheEntry') {
      if (!writable) return { ok: false, message: 'cache write denied: token has no writable scopes' }
      if (caches.some((c) => c.key === key && c.version === version && c.scope === writable))
        throw new TwirpError(409, 'already_exists', 'cache entry with the same key, version, and scope already exists')
      const id = nextId++
      caches.push({ id, key, version, scope: writable, finalized: false, size: 0, blob: String(id), order: -1 })
      return { ok: true, signed_upload_url: signedUrl('actions-cache', String(id), true) }
    }
    if (method === 'FinalizeCacheEntryUpload') {
      const entry = caches.find((c) => c.key === key && c.version === version && c.scope === writable && !c.finalized)
      if (!entry) throw new TwirpError(404, 'not_found', `no cache entry ${key} is being created`)
      const data = blobData('actions-cache', entry.blob)
      const size = Number(body.size_bytes ?? 0)
      log.bytes = size
      if (!data || data.length !== size) return { ok: false, message: `the uploaded archive has ${data?.length ?? 0} bytes, not ${size}` }
      Object.assign(entry, { finalized: true, size, order: order++ })
      return { ok: true, entry_id: String(entry.id) }
    }
    if (method === 'GetCacheEntryDownloadURL') {
      const restoreKeys = Array.isArray(body.restore_keys) ? (body.restore_keys as string[]) : []
      if (restoreKeys.length) log.restoreKeys = restoreKeys.join(' | ')
      // The docs' order: in each readable scope (this branch, then the default branch), the key
      // exactly, then as a prefix, then each restore key the same way; the newest of prefix matches.
      for (const [scope] of claims.scopes.filter(([, permission]) => permission & 1)) {
        const found = caches.filter((c) => c.finalized && c.version === version && c.scope === scope).sort((a, b) => b.order - a.order)
        for (const wanted of [key, ...restoreKeys]) {
          const match = found.find((c) => c.key === wanted) ?? found.find((c) => c.key.startsWith(wanted))
          if (match) {
            log.matched = match.key
            return { ok: true, signed_download_url: signedUrl('actions-cache', match.blob, false), matched_key: match.key }
          }
        }
      }
      return { ok: false }
    }
    throw new TwirpError(404, 'bad_route', `no method CacheService/${method}`)
  }

  const artifactService = (method: string, body: Body, claims: TokenClaims, log: LoggedRequest['fields']): Body => {
    const run = str(body, 'workflow_run_backend_id')
    const job = str(body, 'workflow_job_run_backend_id')
    const name = str(body, 'name')
    if (name) log.name = name
    // Any job of the run may list, download and delete; only the job itself creates and finalizes.
    if (run !== claims.run || ((method === 'CreateArtifact' || method === 'FinalizeArtifact') && job !== claims.job))
      throw new TwirpError(403, 'permission_denied', 'the token is not valid for this workflow run or job')
    const finalized = (wanted: string): (typeof artifacts)[number] => {
      const artifact = artifacts.find((a) => a.run === run && a.name === wanted && a.finalized)
      if (!artifact) throw new TwirpError(404, 'not_found', `artifact ${wanted} not found`)
      return artifact
    }
    if (method === 'CreateArtifact') {
      if (!name) throw new TwirpError(400, 'invalid_argument', 'name is required')
      if (artifacts.some((a) => a.run === run && a.name === name)) throw new TwirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run')
      const id = nextId++
      const blob = `${run}/workflow-job-run-${job}/artifacts/${crypto.createHash('sha256').update(name).digest('hex')}.zip`
      artifacts.push({ id, run, job, name, finalized: false, size: 0, blob })
      return { ok: true, signed_upload_url: signedUrl('actions-results', blob, true) }
    }
    if (method === 'FinalizeArtifact') {
      const artifact = artifacts.find((a) => a.run === run && a.name === name && !a.finalized)
      if (!artifact) throw new TwirpError(404, 'not_found', `artifact ${name} is not being uploaded`)
      const data = blobData('actions-results', artifact.blob)
      const size = Number(body.size ?? 0)
      log.bytes = size
      if (!data || data.length !== size) throw new TwirpError(412, 'failed_precondition', `the uploaded blob has ${data?.length ?? 0} bytes, not ${size}`)
      Object.assign(artifact, { finalized: true, size, digest: typeof body.hash === 'string' ? body.hash : undefined, createdAt: new Date().toISOString() })
      return { ok: true, artifact_id: String(artifact.id) }
    }
    if (method === 'ListArtifacts') {
      const nameFilter = typeof body.name_filter === 'string' ? body.name_filter : undefined
      const idFilter = body.id_filter === undefined ? undefined : Number(body.id_filter)
      if (nameFilter) log.name = nameFilter
      if (idFilter) log.id = idFilter
      const listed = artifacts.filter((a) => a.run === run && a.finalized && (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || a.id === idFilter))
      log.listed = listed.length
      return {
        artifacts: listed.map((a) => ({
          workflow_run_backend_id: a.run,
          workflow_job_run_backend_id: a.job,
          database_id: String(a.id),
          name: a.name,
          size: String(a.size),
          created_at: a.createdAt,
          ...(a.digest ? { digest: a.digest } : {}),
        })),
      }
    }
    if (method === 'GetSignedArtifactURL') return { signed_url: signedUrl('actions-results', finalized(name).blob, false) }
    if (method === 'DeleteArtifact') {
      const artifact = finalized(name)
      artifacts.splice(artifacts.indexOf(artifact), 1)
      blobs.delete(`/${ACCOUNT}/actions-results/${artifact.blob}`)
      return { ok: true, artifact_id: String(artifact.id) }
    }
    throw new TwirpError(404, 'bad_route', `no method ArtifactService/${method}`)
  }

  const results = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://results').pathname
      const route = path.startsWith(TWIRP_PREFIX) ? path.slice(TWIRP_PREFIX.length).split('/') : []
      const [service = '', method = ''] = route
      const entry: LoggedRequest = { call: route.length === 2 ? `${service}.${method}` : path, method: req.method ?? '', path, status: 0, fields: {} }
      requests.push(entry)
      const reply = (status: number, body: unknown): void => {
        entry.status = status
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      }
      try {
        if (service === 'CacheService' && faults.cache !== undefined) {
          const fault = faults.cache === true ? 'reset' : faults.cache
          if (fault === 'reset') return void req.socket.destroy()
          throw new TwirpError(fault, TWIRP_CODES[fault] ?? 'internal', 'injected fault')
        }
        if (req.method !== 'POST' || route.length !== 2) throw new TwirpError(404, 'bad_route', `no route ${req.method} ${path}`)
        const claims = tokenClaims((req.headers.authorization ?? '').replace(/^Bearer /, ''))
        if (!claims) throw new TwirpError(401, 'unauthenticated', 'a runtime token with an Actions.Results scope is required')
        if (!String(req.headers['content-type']).startsWith('application/json')) throw new TwirpError(415, 'bad_route', 'only twirp JSON is served here')
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Body
        if (service === 'CacheService') return reply(200, cacheService(method, body, claims, entry.fields))
        if (service === 'ArtifactService') return reply(200, artifactService(method, body, claims, entry.fields))
        throw new TwirpError(404, 'bad_route', `no service ${service}`)
      } catch (error) {
        if (error instanceof TwirpError) return reply(error.status, { code: error.code, msg: error.message })
        reply(500, { code: 'internal', msg: String(error) })
      }
    })
  })

  // --- Azure block blobs ----------------------------------------------------------------
  const azureCall = (method: string, comp: string | null): string =>
    method === 'PUT' ? (comp === 'block' ? 'Put Block' : comp === 'blocklist' ? 'Put Block List' : 'Put Blob') : method === 'HEAD' ? 'Get Blob Properties' : method === 'GET' ? 'Get Blob' : method

  const etag = (blob: Blob): string => `"0x${blob.modified.getTime().toString(16).toUpperCase()}"`

  const storage = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', blobBase)
      const method = req.method ?? ''
      const entry: LoggedRequest = { call: azureCall(method, url.searchParams.get('comp')), method, path: url.pathname, status: 0, fields: {} }
      requests.push(entry)
      const headers = { 'x-ms-request-id': crypto.randomUUID(), 'x-ms-version': String(req.headers['x-ms-version'] ?? '2024-11-04'), date: new Date().toUTCString() }
      try {
        const container = url.pathname.split('/')[2]
        const fault = container === 'actions-cache' ? faults.cache : method === 'PUT' ? faults.upload : undefined
        if (fault !== undefined) {
          const chosen = fault === true ? (container === 'actions-cache' ? 'reset' : 403) : fault
          if (chosen === 'reset') return void req.socket.destroy()
          throw new AzureError(chosen, AZURE_CODES[chosen] ?? 'InternalError', 'Injected fault.')
        }
        const grant = grants.get(url.searchParams.get('sig') ?? '')
        if (grant?.path !== url.pathname)
          throw new AzureError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.')
        if (method === 'PUT' && !grant.write) throw new AzureError(403, 'AuthorizationPermissionMismatch', 'This request is not authorized to perform this operation using this permission.')
        const body = Buffer.concat(chunks)
        const blob: Blob = blobs.get(url.pathname) ?? { contentType: 'application/octet-stream', committed: new Map(), uncommitted: new Map(), modified: new Date() }
        const written = (): void => {
          blob.modified = new Date()
          blobs.set(url.pathname, blob)
          entry.status = 201
          res
            .writeHead(201, {
              ...headers,
              etag: `"0x${blob.modified.getTime().toString(16).toUpperCase()}"`,
              'last-modified': blob.modified.toUTCString(),
              'x-ms-request-server-encrypted': 'true',
              'content-length': '0',
            })
            .end()
        }
        if (entry.call === 'Put Blob') {
          if (req.headers['x-ms-blob-type'] !== 'BlockBlob') throw new AzureError(400, 'InvalidHeaderValue', 'x-ms-blob-type must be BlockBlob.')
          entry.fields.bytes = body.length
          Object.assign(blob, { data: body, contentType: String(req.headers['x-ms-blob-content-type'] ?? 'application/octet-stream'), committed: new Map(), uncommitted: new Map() })
          return written()
        }
        if (entry.call === 'Put Block') {
          const id = url.searchParams.get('blockid')
          if (!id) throw new AzureError(400, 'InvalidQueryParameterValue', 'blockid is required.')
          entry.fields.bytes = body.length
          blob.uncommitted.set(id, body)
          blobs.set(url.pathname, blob)
          entry.status = 201
          return void res.writeHead(201, { ...headers, 'x-ms-request-server-encrypted': 'true', 'content-length': '0' }).end()
        }
        if (entry.call === 'Put Block List') {
          const listed = [...body.toString().matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)]
          const parts = listed.map(([, kind, id = '']) => {
            const data = kind === 'Committed' ? blob.committed.get(id) : kind === 'Uncommitted' ? blob.uncommitted.get(id) : (blob.uncommitted.get(id) ?? blob.committed.get(id))
            if (!data) throw new AzureError(400, 'InvalidBlockList', 'The specified block list is invalid.')
            return [id, data] as const
          })
          entry.fields.blocks = parts.length
          Object.assign(blob, { data: Buffer.concat(parts.map(([, data]) => data)), committed: new Map(parts), uncommitted: new Map() })
          blob.contentType = String(req.headers['x-ms-blob-content-type'] ?? blob.contentType)
          entry.fields.bytes = blob.data?.length ?? 0
          return written()
        }
        if (entry.call === 'Get Blob' || entry.call === 'Get Blob Properties') {
          const data = blob.data
          if (!data) throw new AzureError(404, 'BlobNotFound', 'The specified blob does not exist.')
          const described = { ...headers, etag: etag(blob), 'content-type': blob.contentType, 'last-modified': blob.modified.toUTCString(), 'x-ms-blob-type': 'BlockBlob', 'accept-ranges': 'bytes' }
          const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers['x-ms-range'] ?? req.headers.range ?? ''))
          if (range && method === 'GET') {
            const start = Number(range[1])
            const end = Math.min(range[2] ? Number(range[2]) : data.length - 1, data.length - 1)
            entry.fields.range = `${start}-${end}`
            if (start >= data.length) throw new AzureError(416, 'InvalidRange', 'The range specified is invalid for the current size of the resource.')
            entry.status = 206
            return void res.writeHead(206, { ...described, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${data.length}` }).end(data.subarray(start, end + 1))
          }
          entry.fields.bytes = data.length
          entry.status = 200
          return void res.writeHead(200, { ...described, 'content-length': String(data.length) }).end(method === 'GET' ? data : undefined)
        }
        throw new AzureError(405, 'UnsupportedHttpVerb', `The resource doesn't support ${method}.`)
      } catch (error) {
        const failure = error instanceof AzureError ? error : new AzureError(500, 'InternalError', String(error))
        entry.status = failure.status
        const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${failure.code}</Code><Message>${failure.message}\nRequestId:${headers['x-ms-request-id']}\nTime:${new Date().toISOString()}</Message></Error>`
        res.writeHead(failure.status, { ...headers, 'x-ms-error-code': failure.code, 'content-type': 'application/xml' }).end(method === 'HEAD' ? undefined : xml)
      }
    })
  })

  const listen = async (server: http.Server): Promise<string> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  const url = `${await listen(results)}/`
  blobBase = await listen(storage)

  return {
    url,
    blobUrl: blobBase,
    state: () => ({
      requests,
      caches: caches.map(({ id, key, version, scope, finalized, size }) => ({ id, key, version, scope, finalized, size })),
      artifacts: artifacts.map(({ blob, ...artifact }) => {
        const data = blobData('actions-results', blob)
        return { ...artifact, sha256: data && crypto.createHash('sha256').update(data).digest('hex'), entries: data ? zipEntries(data) : [] }
      }),
    }),
    fail: (wanted) => void (faults = wanted),
    putArtifact(run, job, name, zip) {
      if (artifacts.some((a) => a.run === run && a.name === name)) throw new Error(`an artifact ${name} already exists on run ${run}`)
      const id = nextId++
      const blob = `${run}/workflow-job-run-${job}/artifacts/${id}.zip`
      blobs.set(`/${ACCOUNT}/actions-results/${blob}`, { data: zip, contentType: 'application/zip', committed: new Map(), uncommitted: new Map(), modified: new Date() })
      const digest = `sha256:${crypto.createHash('sha256').update(zip).digest('hex')}`
      artifacts.push({ id, run, job, name, finalized: true, size: zip.length, digest, createdAt: new Date().toISOString(), blob })
      return { id, run, job, name, finalized: true, size: zip.length, digest, sha256: digest.slice(7), createdAt: artifacts.at(-1)?.createdAt, entries: zipEntries(zip) }
    },
    close: async () => {
      for (const server of [results, storage]) server.closeAllConnections()
      await Promise.all([results, storage].map((server) => new Promise((resolve) => server.close(resolve))))
    },
  }
}
