/**
 * In-memory GitHub for the tables of publish/upload.ts's rules (replace-don't-duplicate,
 * bounded retries): an artifact client and a releases API with the behaviour the action
 * relies on (409 on a duplicate artifact name, 422 already_exists on a duplicate asset name,
 * drafts listed but not found by tag), plus scripted failures. What runs the real clients
 * uses results-server.ts (artifacts, cache) and github-server.ts (releases) instead.
 */
import fs from 'node:fs'
import path from 'node:path'
import { HttpError, type ArtifactClient, type ArtifactInfo, type AssetInfo, type ReleaseClient, type ReleaseInfo, type RetryPolicy } from '../../src/publish/upload.js'

export type Call = [string, ...unknown[]]

/** Fails the next `count` calls of `method` with `error`. */
export interface ScriptedFailure {
  method: string
  count: number
  error: () => Error
}

function failIfScripted(failures: ScriptedFailure[], method: string): void {
  const failure = failures.find((f) => f.method === method && f.count > 0)
  if (!failure) return
  failure.count--
  throw failure.error()
}

export class FakeArtifacts implements ArtifactClient {
  readonly calls: Call[] = []
  readonly failures: ScriptedFailure[] = []
  /** name → (relative file name → contents) */
  readonly stored = new Map<string, { id: number; files: Map<string, Buffer> }>()
  private nextId = 1

  async upload(name: string, files: readonly string[], rootDirectory: string): Promise<{ id: number; size: number }> {
    this.calls.push(['upload', name, Array.from(files, (file) => path.relative(rootDirectory, file))])
    failIfScripted(this.failures, 'upload')
    if (this.stored.has(name)) throw new Error(`Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run`)
    const contents = new Map<string, Buffer>()
    for (const file of files) {
      const relative = path.relative(rootDirectory, file)
      if (relative.startsWith('..')) throw new Error(`${file} is not under ${rootDirectory}`)
      contents.set(relative.split(path.sep).join('/'), fs.readFileSync(file))
    }
    const id = this.nextId++
    this.stored.set(name, { id, files: contents })
    return { id, size: [...contents.values()].reduce((sum, data) => sum + data.length, 0) }
  }

  async delete(name: string): Promise<boolean> {
    this.calls.push(['delete', name])
    failIfScripted(this.failures, 'delete')
    return this.stored.delete(name)
  }

  async list(): Promise<ArtifactInfo[]> {
    this.calls.push(['list'])
    failIfScripted(this.failures, 'list')
    return [...this.stored].map(([name, artifact]) => ({ id: artifact.id, name }))
  }

  async download(artifact: ArtifactInfo, dir: string): Promise<void> {
    this.calls.push(['download', artifact.name, dir])
    failIfScripted(this.failures, 'download')
    const stored = this.stored.get(artifact.name)
    if (!stored) throw new Error(`no artifact ${artifact.name}`)
    for (const [name, data] of stored.files) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
      fs.writeFileSync(path.join(dir, name), data)
    }
  }
}

export class FakeReleases implements ReleaseClient {
  readonly calls: Call[] = []
  readonly failures: ScriptedFailure[] = []
  readonly releases: (ReleaseInfo & { assets: (AssetInfo & { data: Buffer })[] })[] = []
  private nextId = 100
  /** Called after createDraft returns: lets a test simulate a racing job */
  onCreate?: (tag: string) => void

  async findReleases(tag: string): Promise<ReleaseInfo[]> {
    this.calls.push(['findReleases', tag])
    failIfScripted(this.failures, 'findReleases')
    return this.releases.filter((r) => r.tag === tag).map(({ id, tag, draft }) => ({ id, tag, draft }))
  }

  async createDraft(tag: string): Promise<ReleaseInfo> {
    this.calls.push(['createDraft', tag])
    failIfScripted(this.failures, 'createDraft')
    this.onCreate?.(tag)
    const release = { id: this.nextId++, tag, draft: true, assets: [] }
    this.releases.push(release)
    return { id: release.id, tag, draft: true }
  }

  addRelease(tag: string, draft = false): number {
    const id = this.nextId++
    this.releases.push({ id, tag, draft, assets: [] })
    return id
  }

  async deleteRelease(id: number): Promise<void> {
    this.calls.push(['deleteRelease', id])
    const index = this.releases.findIndex((r) => r.id === id)
    if (index === -1) throw new HttpError(404, 'Not Found')
    this.releases.splice(index, 1)
  }

  private release(id: number): FakeReleases['releases'][number] {
    const release = this.releases.find((r) => r.id === id)
    if (!release) throw new HttpError(404, 'Not Found')
    return release
  }

  async listAssets(releaseId: number): Promise<AssetInfo[]> {
    this.calls.push(['listAssets', releaseId])
    failIfScripted(this.failures, 'listAssets')
    return this.release(releaseId).assets.map(({ id, name }) => ({ id, name }))
  }

  async deleteAsset(assetId: number): Promise<void> {
    this.calls.push(['deleteAsset', assetId])
    failIfScripted(this.failures, 'deleteAsset')
    for (const release of this.releases) {
      const index = release.assets.findIndex((a) => a.id === assetId)
      if (index !== -1) {
        release.assets.splice(index, 1)
        return
      }
    }
    throw new HttpError(404, 'Not Found')
  }

  async uploadAsset(releaseId: number, name: string, file: string): Promise<AssetInfo> {
    this.calls.push(['uploadAsset', releaseId, name])
    failIfScripted(this.failures, 'uploadAsset')
    const release = this.release(releaseId)
    if (release.assets.some((a) => a.name === name)) throw new HttpError(422, 'Validation Failed: already_exists')
    const asset = { id: this.nextId++, name, data: fs.readFileSync(file) }
    release.assets.push(asset)
    return { id: asset.id, name }
  }
}

/** Retries without waiting; records the waits. */
export function instantRetry(waits: number[] = []): RetryPolicy {
  return { attempts: 4, baseSeconds: 2, sleep: async (seconds) => void waits.push(seconds) }
}

/** What `body` wrote to stdout, where @actions/core writes its `::warning::` and `::error::` commands. */
export async function stdoutOf<T>(body: () => Promise<T>): Promise<{ result: T; output: string }> {
  const write = process.stdout.write
  let output = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    output += String(chunk)
    return true
  }) as typeof process.stdout.write
  try {
    return { result: await body(), output }
  } finally {
    process.stdout.write = write
  }
}
