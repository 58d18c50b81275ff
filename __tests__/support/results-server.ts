/**
 * The results service for tests, in a child process (results-server-main.ts runs
 * results-server-app.ts): `service.env` holds the variables a hosted runner gives a job
 * (ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN, ACTIONS_CACHE_SERVICE_V2, GITHUB_SERVER_URL),
 * so the real @actions/cache and @actions/artifact clients, in dist/ or called directly, talk
 * to it. The service's state, its request log and its scripted faults are reached through a
 * control port the action never sees. Stop it in afterAll.
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import archiver from 'archiver'
import { runtimeToken, type ArtifactRecord, type CacheRecord, type Faults, type LoggedRequest } from './results-server-app.js'

export type { ArtifactRecord, CacheRecord, Fault, Faults, LoggedRequest } from './results-server-app.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const DEFAULT_RUN = 'run'

/** A file of a crafted artifact: contents (mode 0644 unless given), or a symbolic link. */
export type ArtifactFile = string | Buffer | { data: string | Buffer; mode?: number } | { symlink: string }

/** What an artifact holds: named files, a folder's files (modes kept), or a zip exactly as given. */
export type ArtifactContent = { files: Record<string, ArtifactFile> } | { dir: string } | { zip: Buffer }

export interface JobOptions {
  /** Another workflow run (a name of the test's choosing): artifacts are per run */
  run?: string
  /** Cache scopes of the token, [ref, permission bits: 1 read, 2 write]; default the default branch, read and write */
  scopes?: [string, number][]
}

export interface ResultsService {
  /** The variables a hosted runner sets for the job `build` of this service's run */
  env: Record<string, string>
  /** The same for another job (matrix jobs and the merge job share their run's artifacts) */
  envFor(job: string, options?: JobOptions): Record<string, string>
  /** The backend id of the default run, of a named run, of a job (as the artifact records show them) */
  run: string
  runId(run: string): string
  jobId(job: string): string
  /** Every request so far, in order: twirp calls and blob calls with their statuses */
  requests(): Promise<LoggedRequest[]>
  caches(): Promise<CacheRecord[]>
  artifacts(): Promise<ArtifactRecord[]>
  /** Scripted faults from now on (replacing earlier ones); `fail({})` heals the service */
  fail(faults: Faults): Promise<void>
  /** An artifact as job `job` (default `build`) of the run (default: the default run) would have uploaded it, finalized */
  putArtifact(name: string, content: ArtifactContent, where?: { job?: string; run?: string }): Promise<ArtifactRecord>
  stop(): Promise<void>
}

/** A zip of the given files, as archiver (the artifact client's own zip library) writes it. */
export async function zipOf(content: Exclude<ArtifactContent, { zip: Buffer }>): Promise<Buffer> {
  const zip = archiver('zip', { zlib: { level: 6 } })
  const chunks: Buffer[] = []
  zip.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<void>((resolve, reject) => {
    zip.on('end', resolve)
    zip.on('error', reject)
  })
  if ('dir' in content) zip.directory(content.dir, false)
  else
    for (const [name, file] of Object.entries(content.files)) {
      if (typeof file === 'string' || Buffer.isBuffer(file)) zip.append(file, { name, mode: 0o644 })
      else if ('symlink' in file) zip.symlink(name, file.symlink, 0o777)
      else zip.append(file.data, { name, mode: file.mode ?? 0o644 })
    }
  await zip.finalize()
  await done
  return Buffer.concat(chunks)
}

export async function startResultsService(): Promise<ResultsService> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'results-server-main.ts')], { cwd: path.resolve(HERE, '../..'), stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const { url, control } = await new Promise<{ url: string; control: string }>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`the results service did not start: ${stderr}`)), 30_000)
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (!out.includes('\n')) return
      clearTimeout(timer)
      resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as { url: string; control: string })
    })
    void exited.then(() => reject(new Error(`the results service exited: ${stderr}`)))
  })

  const ask = async <T>(route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${control}${route}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    // Parsed here, not by fetch: jest's tests compare with their own realm's arrays and objects.
    const answer = JSON.parse(await response.text()) as T & { error?: string }
    if (!response.ok) throw new Error(`results service ${route}: ${answer.error}`)
    return answer
  }
  const state = (): Promise<{ requests: LoggedRequest[]; caches: CacheRecord[]; artifacts: ArtifactRecord[] }> => ask('/state')

  // Backend ids are UUIDs, as a runner's are; tests name runs and jobs.
  const ids = new Map<string, string>()
  const id = (name: string): string => {
    if (!ids.has(name)) ids.set(name, crypto.randomUUID())
    return ids.get(name) ?? ''
  }
  const runId = (run: string): string => id(`run ${run}`)
  const jobId = (job: string): string => id(`job ${job}`)
  const envFor = (job: string, options: JobOptions = {}): Record<string, string> => ({
    ACTIONS_RESULTS_URL: url,
    ACTIONS_RUNTIME_TOKEN: runtimeToken({ run: runId(options.run ?? DEFAULT_RUN), job: jobId(job), scopes: options.scopes ?? [['refs/heads/main', 3]] }),
    ACTIONS_CACHE_SERVICE_V2: 'True',
    // A github.com URL: anything else counts as GitHub Enterprise Server, where the clients refuse v2 and artifacts v4.
    GITHUB_SERVER_URL: 'https://github.com',
  })

  return {
    env: envFor('build'),
    envFor,
    run: runId(DEFAULT_RUN),
    runId,
    jobId,
    requests: async () => (await state()).requests,
    caches: async () => (await state()).caches,
    artifacts: async () => (await state()).artifacts,
    fail: async (faults) => void (await ask('/fail', faults)),
    async putArtifact(name, content, { job = 'build', run = DEFAULT_RUN } = {}) {
      const zip = 'zip' in content ? content.zip : await zipOf(content)
      return ask('/artifact', { run: runId(run), job: jobId(job), name, zip: zip.toString('base64') })
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** The request log as lines for a report: `CacheService.CreateCacheEntry 200 key=…`, `Put Blob 201 bytes=…`. */
export function logLines(requests: readonly LoggedRequest[]): string[] {
  return requests.map((request) => [request.call, request.status || 'reset', ...Object.entries(request.fields).map(([name, value]) => `${name}=${value}`)].join(' '))
}

/** A folder's files (relative names, sorted): what a download extracted. */
export function filesIn(dir: string): string[] {
  return Array.from(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .sort()
}
