/**
 * The real @actions/cache 6.3 (cache service v2) and @actions/artifact 6.2 (artifact service
 * v4) against the results service of __tests__/support/results-server.ts, through the action's
 * own backend (src/cache/store.ts) and artifact client (src/publish/artifact-client.ts). The
 * clients read the runner's variables from process.env at each call: each suite sets them
 * and puts the old ones back.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BlobClient } from '@azure/storage-blob'
import * as cache from '@actions/cache'
import { actionsCacheBackend, restoreEntry, saveEntry, type CacheEntry } from '../../../src/cache/store.js'
import { ActionError } from '../../../src/errors.js'
import { actionsArtifactClient } from '../../../src/publish/artifact-client.js'
import { uploadArtifact } from '../../../src/publish/upload.js'
import { instantRetry, stdoutOf } from '../../support/fakes.js'
import { filesIn, logLines, startResultsService, zipOf, type LoggedRequest, type ResultsService } from '../../support/results-server.js'
import { CACHE_SERVICE_CASES, NOT_A_URL } from '../../support/results-server-env.js'

const RUNNER_VARIABLES = ['ACTIONS_RESULTS_URL', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_CACHE_SERVICE_V2', 'ACTIONS_CACHE_URL', 'GITHUB_SERVER_URL', 'GITHUB_WORKSPACE', 'RUNNER_TEMP']
const saved = Object.fromEntries(RUNNER_VARIABLES.map((name) => [name, process.env[name]]))

/** Set the runner's variables (others of RUNNER_VARIABLES unset). */
function runnerEnv(env: Record<string, string>): void {
  for (const name of RUNNER_VARIABLES) delete process.env[name]
  Object.assign(process.env, env)
}
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

const scratch = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))
/** The clients' log (::debug:: lines and progress) kept out of jest's output. */
const quiet = async <T>(body: () => Promise<T>): Promise<T> => (await stdoutOf(body)).result
const calls = (requests: readonly LoggedRequest[]): string[] => requests.map((r) => `${r.call} ${r.status}`)

describe('@actions/cache decides as src/common/runner.ts does', () => {
  test.each(CACHE_SERVICE_CASES)('%s', (_, env, _version, available) => {
    runnerEnv(env)
    assert.equal(cache.isFeatureAvailable(), available)
  })
  test('a GITHUB_SERVER_URL that is no URL makes the library throw: the action never asks it', async () => {
    runnerEnv(NOT_A_URL)
    assert.throws(() => cache.isFeatureAvailable(), /Invalid URL/)
    assert.equal(await actionsCacheBackend.available(), false)
  })
})

describe('the cache service v2 through actionsCacheBackend', () => {
  let service: ResultsService
  let workspace: string
  beforeAll(async () => {
    service = await startResultsService()
    workspace = scratch('cache-ws-')
  })
  afterAll(() => service.stop())

  /** A folder of the workspace with the given files, replacing what was there. */
  const folder = (name: string, files: Record<string, string>): string => {
    const dir = path.join(workspace, name)
    fs.rmSync(dir, { recursive: true, force: true })
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      fs.writeFileSync(path.join(dir, file), text)
    }
    return dir
  }
  const read = (dir: string): Record<string, string> => Object.fromEntries(filesIn(dir).map((file) => [file, fs.readFileSync(path.join(dir, file), 'utf8')]))
  const since = async (mark: number): Promise<LoggedRequest[]> => (await service.requests()).slice(mark)

  test('available with the runner’s variables, and not without the flag', async () => {
    runnerEnv({ ...service.env, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: scratch('cache-temp-') })
    assert.equal(await actionsCacheBackend.available(), true)
    runnerEnv({ ...service.env, ACTIONS_CACHE_SERVICE_V2: '' })
    assert.equal(await actionsCacheBackend.available(), false)
    runnerEnv({ ...service.env, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: scratch('cache-temp-') })
  })

  test('save, then restore by the exact key: the files come back', async () => {
    const dir = folder('exact', { 'a.txt': 'alpha', 'sub/b.txt': 'beta' })
    const mark = (await service.requests()).length
    assert.equal(await quiet(() => actionsCacheBackend.save([dir], 'exact-1')), true)
    const saving = await since(mark)
    assert.deepEqual(calls(saving), ['CacheService.CreateCacheEntry 200', 'Put Blob 201', 'CacheService.FinalizeCacheEntryUpload 200'])
    // The archive went up whole (one Put Blob) and the finalize declared its size.
    assert.equal(saving[1]?.fields.bytes, saving[2]?.fields.bytes)
    fs.rmSync(dir, { recursive: true })

    const restoring = (await service.requests()).length
    assert.equal(await quiet(() => actionsCacheBackend.restore([dir], 'exact-1', ['exact-'])), 'exact-1')
    assert.deepEqual(read(dir), { 'a.txt': 'alpha', 'sub/b.txt': 'beta' })
    const restored = await since(restoring)
    assert.deepEqual(calls(restored), ['CacheService.GetCacheEntryDownloadURL 200', 'Get Blob 200'])
    assert.equal(restored[0]?.fields.matched, 'exact-1')
    assert.deepEqual(
      (await service.caches()).filter((c) => c.key === 'exact-1').map((c) => [c.finalized, c.scope]),
      [[true, 'refs/heads/main']],
    )
  })

  test('restore keys match by prefix, newest first; the key itself matches by prefix too', async () => {
    const dir = folder('prefix', { 'v.txt': 'one' })
    assert.equal(await quiet(() => actionsCacheBackend.save([dir], 'prefix-lock-1')), true)
    folder('prefix', { 'v.txt': 'two' })
    assert.equal(await quiet(() => actionsCacheBackend.save([dir], 'prefix-lock-2')), true)
    fs.rmSync(dir, { recursive: true })
    assert.equal(await quiet(() => actionsCacheBackend.restore([dir], 'prefix-lock-3', ['prefix-lock-', 'prefix-'])), 'prefix-lock-2')
    assert.deepEqual(read(dir), { 'v.txt': 'two' })
    assert.equal(await quiet(() => actionsCacheBackend.restore([dir], 'prefix-lock', [])), 'prefix-lock-2')
    assert.equal(await quiet(() => actionsCacheBackend.restore([dir], 'other-lock-1', ['other-'])), undefined)
  })

  test('entries are scoped by version: other paths are another version and miss', async () => {
    folder('exact', { 'a.txt': 'alpha' })
    const elsewhere = folder('elsewhere', {})
    const mark = (await service.requests()).length
    assert.equal(await quiet(() => actionsCacheBackend.restore([elsewhere], 'exact-1', ['exact-'])), undefined)
    assert.deepEqual(calls(await since(mark)), ['CacheService.GetCacheEntryDownloadURL 200'])
  })

  test('a key already saved cannot be created again: the client skips the save', async () => {
    const dir = folder('exact', { 'a.txt': 'changed' })
    const mark = (await service.requests()).length
    const { result, output } = await stdoutOf(() => actionsCacheBackend.save([dir], 'exact-1'))
    assert.equal(result, false)
    assert.deepEqual(calls(await since(mark)), ['CacheService.CreateCacheEntry 409'])
    assert.match(output, /Failed to save: Unable to reserve cache with key exact-1, another job may be creating this cache/)
    assert.equal((await service.caches()).filter((c) => c.key === 'exact-1').length, 1)
  })

  test('the action’s restoreEntry and saveEntry: an exact hit is not saved again', async () => {
    const dir = folder('entry', { 'x.txt': 'x' })
    const entry: CacheEntry = { name: 'target', paths: [dir], keys: { key: 'entry-2', restoreKeys: ['entry-'], parts: [] } }
    const { result: first } = await stdoutOf(() => restoreEntry(actionsCacheBackend, entry))
    assert.equal(first.matched, undefined)
    const { result: bytes } = await stdoutOf(() => saveEntry(actionsCacheBackend, first))
    assert.equal(bytes, 1)
    fs.rmSync(dir, { recursive: true })
    const { result: again, output } = await stdoutOf(() => restoreEntry(actionsCacheBackend, entry))
    assert.equal(again.matched, 'entry-2')
    assert.equal(again.restoredBytes, 1)
    assert.match(output, /target: restored entry-2 \(exact\)/)
    const mark = (await service.requests()).length
    assert.equal((await stdoutOf(() => saveEntry(actionsCacheBackend, again))).result, undefined)
    assert.deepEqual(await since(mark), [])
  })

  test('a failing service: restore warns and misses, save declines, nothing throws', async () => {
    const dir = folder('exact', { 'a.txt': 'alpha' })
    await service.fail({ cache: true })
    try {
      const restore = await stdoutOf(() => actionsCacheBackend.restore([dir], 'exact-1', []))
      assert.equal(restore.result, undefined)
      assert.match(restore.output, /::warning::Failed to restore: Failed to GetCacheEntryDownloadURL: Unable to make request: ECONNRESET/)
      const save = await stdoutOf(() => actionsCacheBackend.save([dir], 'fault-1'))
      assert.equal(save.result, false)
    } finally {
      await service.fail({})
    }
    assert.equal(
      (await service.caches()).some((c) => c.key === 'fault-1'),
      false,
    )
  })
})

describe('the artifact service v4 through the action’s artifact client', () => {
  let service: ResultsService
  beforeAll(async () => {
    service = await startResultsService()
    runnerEnv({ ...service.env, GITHUB_WORKSPACE: scratch('artifact-ws-'), RUNNER_TEMP: scratch('artifact-temp-') })
  })
  afterAll(() => service.stop())

  const staged = (files: Record<string, string | Buffer>): string => {
    const dir = scratch('staged-')
    for (const [name, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
      fs.writeFileSync(path.join(dir, name), data)
    }
    return dir
  }
  const sha256 = (data: Buffer): string => crypto.createHash('sha256').update(data).digest('hex')

  test('upload in blocks, list, download, delete', async () => {
    const client = actionsArtifactClient()
    // Incompressible, over the client's 8 MiB chunk: the zip goes up in several blocks.
    const big = crypto.randomBytes(9 * 1024 * 1024)
    const dir = staged({ tool: 'binary', 'docs/README': 'read me', 'big.bin': big })
    const mark = (await service.requests()).length
    const uploaded = await stdoutOf(() =>
      client.upload(
        'rust-xbuild-x',
        filesIn(dir).map((file) => path.join(dir, file)),
        dir,
      ),
    )
    const log = (await service.requests()).slice(mark)
    const blocks = log.filter((r) => r.call === 'Put Block')
    assert.ok(blocks.length >= 2, logLines(log).join('\n'))
    assert.deepEqual(calls(log.filter((r) => r.call !== 'Put Block')), ['ArtifactService.CreateArtifact 200', 'Put Block List 201', 'ArtifactService.FinalizeArtifact 200'])
    assert.ok(!log.some((r) => r.call === 'Put Blob'), 'artifacts always go up in blocks')
    const [record] = await service.artifacts()
    assert.equal(record?.id, uploaded.result.id)
    assert.deepEqual(record?.entries.filter((name) => !name.endsWith('/')).sort(), ['big.bin', 'docs/README', 'tool'])
    // The digest the client declared is the stored blob's.
    assert.equal(record?.digest, `sha256:${record?.sha256}`)
    assert.equal(record?.job, service.jobId('build'))

    assert.deepEqual(await quiet(() => client.list()), [{ id: record?.id, name: 'rust-xbuild-x' }])
    const out = scratch('download-')
    await stdoutOf(() => client.download({ id: record?.id ?? 0, name: 'rust-xbuild-x' }, out))
    assert.deepEqual(filesIn(out), ['big.bin', 'docs/README', 'tool'])
    assert.ok(fs.readFileSync(path.join(out, 'big.bin')).equals(big))

    assert.equal((await stdoutOf(() => client.delete('rust-xbuild-x'))).result, true)
    assert.equal((await stdoutOf(() => client.delete('rust-xbuild-x'))).result, false)
    assert.deepEqual(await quiet(() => client.list()), [])
  })

  test('names are unique per run: a second upload of one name is refused, uploadArtifact replaces it', async () => {
    const client = actionsArtifactClient()
    const first = staged({ 'a.txt': 'first' })
    await stdoutOf(() => uploadArtifact(client, 'rust-xbuild-y', first, instantRetry()))
    const before = (await service.artifacts()).find((a) => a.name === 'rust-xbuild-y')
    const second = staged({ 'b.txt': 'second' })
    await assert.rejects(
      stdoutOf(() => client.upload('rust-xbuild-y', [path.join(second, 'b.txt')], second)),
      /\(409\) Conflict: an artifact with this name already exists on the workflow run/,
    )
    const { output } = await stdoutOf(() => uploadArtifact(client, 'rust-xbuild-y', second, instantRetry()))
    assert.match(output, /Replaced the earlier artifact rust-xbuild-y/)
    const after = (await service.artifacts()).filter((a) => a.name === 'rust-xbuild-y')
    assert.equal(after.length, 1)
    assert.notEqual(after[0]?.id, before?.id)
    assert.deepEqual(after[0]?.entries, ['b.txt'])
  })

  test('another job of the run lists and downloads what a job uploaded', async () => {
    const put = await service.putArtifact('crafted', { files: { 'bin/tool': { data: 'ELF', mode: 0o755 }, 'manifest.json': '{}' } }, { job: 'matrix-1' })
    assert.equal(put.job, service.jobId('matrix-1'))
    runnerEnv({ ...service.envFor('merge'), GITHUB_WORKSPACE: scratch('merge-ws-'), RUNNER_TEMP: scratch('merge-temp-') })
    try {
      const client = actionsArtifactClient()
      const listed = await quiet(() => client.list())
      assert.ok(listed.some((a) => a.name === 'crafted' && a.id === put.id))
      const out = scratch('crafted-')
      await stdoutOf(() => client.download({ id: put.id, name: 'crafted' }, out))
      assert.deepEqual(filesIn(out), ['bin/tool', 'manifest.json'])
      assert.equal(fs.readFileSync(path.join(out, 'bin/tool'), 'utf8'), 'ELF')
    } finally {
      runnerEnv({ ...service.env, GITHUB_WORKSPACE: scratch('artifact-ws-'), RUNNER_TEMP: scratch('artifact-temp-') })
    }
  })

  test('each run has its own artifacts', async () => {
    await service.putArtifact('elsewhere', { files: { 'x.txt': 'x' } }, { run: 'other' })
    assert.ok(!(await quiet(() => actionsArtifactClient().list())).some((a) => a.name === 'elsewhere'))
    runnerEnv({ ...service.envFor('build', { run: 'other' }), GITHUB_WORKSPACE: scratch('other-ws-'), RUNNER_TEMP: scratch('other-temp-') })
    try {
      assert.deepEqual(
        (await quiet(() => actionsArtifactClient().list())).map((a) => a.name),
        ['elsewhere'],
      )
    } finally {
      runnerEnv({ ...service.env, GITHUB_WORKSPACE: scratch('artifact-ws-'), RUNNER_TEMP: scratch('artifact-temp-') })
    }
  })

  test('an upload that failed after CreateArtifact holds its name for the run: not listed, not deletable, refused again', async () => {
    // What the hosted service does (a record that never becomes visible, then 409): a retry under the same name cannot succeed.
    const client = actionsArtifactClient()
    const dir = staged({ 'a.txt': 'a' })
    await service.fail({ upload: true })
    try {
      await assert.rejects(quiet(() => client.upload('burnt', [path.join(dir, 'a.txt')], dir)))
    } finally {
      await service.fail({})
    }
    assert.ok(!(await quiet(() => client.list())).some((a) => a.name === 'burnt'))
    assert.equal(await quiet(() => client.delete('burnt')), false)
    await assert.rejects(
      quiet(() => client.upload('burnt', [path.join(dir, 'a.txt')], dir)),
      /\(409\) Conflict: an artifact with this name already exists on the workflow run/,
    )
  })

  test('a raw zip is served as given', async () => {
    const zip = await zipOf({ files: { 'one.txt': '1' } })
    const put = await service.putArtifact('raw', { zip })
    assert.equal(put.sha256, sha256(zip))
    assert.deepEqual(put.entries, ['one.txt'])
  })

  test('blob reads as the Azure SDK does them: properties, ranges, a bad signature refused', async () => {
    const zip = await zipOf({ files: { 'r.txt': 'range me' } })
    await service.putArtifact('ranged', { zip })
    const { ACTIONS_RESULTS_URL: url = '', ACTIONS_RUNTIME_TOKEN: token = '' } = service.env
    const response = await fetch(`${url}twirp/github.actions.results.api.v1.ArtifactService/GetSignedArtifactURL`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workflow_run_backend_id: service.run, workflow_job_run_backend_id: service.jobId('build'), name: 'ranged' }),
    })
    const { signed_url: signed } = (await response.json()) as { signed_url: string }
    const blob = new BlobClient(signed)
    const properties = await blob.getProperties()
    assert.equal(properties.contentLength, zip.length)
    assert.equal(properties.contentType, 'application/zip')
    assert.ok((await blob.downloadToBuffer(10, 20)).equals(zip.subarray(10, 30)))
    assert.ok((await blob.downloadToBuffer()).equals(zip))
    // A read-only URL does not write, and a forged signature does not read.
    await assert.rejects(blob.getBlockBlobClient().upload('x', 1), (error: { statusCode?: number; code?: string }) => error.statusCode === 403 && error.code === 'AuthorizationPermissionMismatch')
    const forged = new URL(signed)
    forged.searchParams.set('sig', 'forged')
    await assert.rejects(new BlobClient(forged.toString()).getProperties(), (error: { statusCode?: number }) => error.statusCode === 403)
  })

  test('a failing blob store: the upload fails once, clearly, without retries that cannot help', async () => {
    const client = actionsArtifactClient()
    const dir = staged({ 'a.txt': 'a' })
    await service.fail({ upload: true })
    try {
      const waits: number[] = []
      await assert.rejects(
        stdoutOf(() => uploadArtifact(client, 'rust-xbuild-z', dir, instantRetry(waits))),
        (error: unknown) => error instanceof ActionError && /^Uploading the artifact rust-xbuild-z failed: .*Injected fault/s.test(error.message),
      )
      assert.deepEqual(waits, [])
    } finally {
      await service.fail({})
    }
    assert.ok(!(await service.artifacts()).some((a) => a.name === 'rust-xbuild-z' && a.finalized))
  })
})
