import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { ActionError } from '../../../src/errors.js'
import { restReleaseClient } from '../../../src/publish/github-clients.js'
import { HttpError, isRetryable, renderArtifactName, uploadArtifact, uploadReleaseAssets, withRetry } from '../../../src/publish/upload.js'
import { InputError } from '../../../src/errors.js'
import { FakeArtifacts, FakeReleases, instantRetry } from '../../support/fakes.js'
import { resolveRelease } from '../../../src/inputs/release.js'

function staged(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'))
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), text)
  }
  return dir
}

const networkError = (): Error => Object.assign(new Error('socket hang up'), { name: 'NetworkError' })

describe('retries: only what can succeed on retry, a bounded number of times', () => {
  const cases: [string, unknown, boolean][] = [
    ['503', new HttpError(503, 'Service Unavailable'), true],
    ['429', new HttpError(429, 'Too Many Requests'), true],
    ['403 rate limit', new HttpError(403, 'API rate limit exceeded', 30, true), true],
    ['403 forbidden', new HttpError(403, 'Resource not accessible by integration'), false],
    ['401', new HttpError(401, 'Bad credentials'), false],
    ['422', new HttpError(422, 'Validation Failed'), false],
    ['network', networkError(), true],
    ['fetch failed', new TypeError('fetch failed'), true],
    ['409 conflict', new Error('(409) Conflict: an artifact with this name already exists'), false],
  ]
  for (const [name, error, retryable] of cases) test(`${name} → ${retryable ? 'retry' : 'fail'}`, () => assert.equal(isRetryable(error), retryable))

  test('backoff doubles, and gives up after the attempts with the last error', async () => {
    const waits: number[] = []
    let calls = 0
    await assert.rejects(
      withRetry(
        'Uploading x',
        async () => {
          calls++
          throw new HttpError(502, 'Bad Gateway')
        },
        instantRetry(waits),
      ),
      (error: unknown) => error instanceof ActionError && /Uploading x failed after 4 attempts: Bad Gateway/.test(error.message),
    )
    assert.equal(calls, 4)
    assert.deepEqual(waits, [2, 4, 8])
  })
  test('a rate limit that resets soon is waited for', async () => {
    const waits: number[] = []
    let calls = 0
    const value = await withRetry(
      'Listing',
      async () => {
        if (++calls === 1) throw new HttpError(403, 'API rate limit exceeded', 30, true)
        return 'ok'
      },
      instantRetry(waits),
    )
    assert.equal(value, 'ok')
    assert.deepEqual(waits, [30])
  })
  test('a rate limit that resets in an hour is a clear error at once', async () => {
    const waits: number[] = []
    await assert.rejects(
      withRetry(
        'Listing',
        async () => {
          throw new HttpError(403, 'API rate limit exceeded', 3600, true)
        },
        instantRetry(waits),
      ),
      /rate limit resets in 3600 s, longer than the action waits \(90 s\)\. Re-run the job later/,
    )
    assert.deepEqual(waits, [])
  })
})

describe('workflow artifacts', () => {
  test('the name is per target', () => assert.equal(renderArtifactName('rust-xbuild-{target}', 'aarch64-unknown-linux-gnu'), 'rust-xbuild-aarch64-unknown-linux-gnu'))
  test('uploads every file of the staging folder, relative names', async () => {
    const client = new FakeArtifacts()
    const dir = staged({ app: 'bin', 'app.sha256': 'h  app\n', SHA256SUMS: 'h  app\n', 'manifest.json': '{}' })
    const result = await uploadArtifact(client, 'rust-xbuild-x', dir, instantRetry())
    assert.deepEqual(client.calls, [
      ['delete', 'rust-xbuild-x'],
      ['upload', 'rust-xbuild-x', ['SHA256SUMS', 'app', 'app.sha256', 'manifest.json']],
    ])
    assert.equal(result.id, 1)
    assert.equal(client.stored.get('rust-xbuild-x')?.files.get('app')?.toString(), 'bin')
  })
  test('a re-run replaces the artifact instead of failing on the name', async () => {
    const client = new FakeArtifacts()
    await uploadArtifact(client, 'a', staged({ app: 'v1' }), instantRetry())
    await uploadArtifact(client, 'a', staged({ app: 'v2' }), instantRetry())
    assert.equal(client.stored.size, 1)
    assert.equal(client.stored.get('a')?.files.get('app')?.toString(), 'v2')
  })
  test('a dropped connection is retried', async () => {
    const client = new FakeArtifacts()
    client.failures.push({ method: 'upload', count: 2, error: networkError })
    const waits: number[] = []
    await uploadArtifact(client, 'a', staged({ app: 'x' }), instantRetry(waits))
    assert.deepEqual(waits, [2, 4])
    assert.equal(client.calls.filter((c) => c[0] === 'upload').length, 3)
  })
  test('a failure retrying cannot fix is reported at once', async () => {
    const client = new FakeArtifacts()
    client.failures.push({ method: 'upload', count: 1, error: () => new Error('Artifact storage quota has been hit. Unable to upload any new artifacts.') })
    await assert.rejects(uploadArtifact(client, 'a', staged({ app: 'x' }), instantRetry()), /Uploading the artifact a failed: Artifact storage quota/)
    assert.equal(client.calls.filter((c) => c[0] === 'upload').length, 1)
  })
  test('an empty folder is an error', async () => {
    await assert.rejects(uploadArtifact(new FakeArtifacts(), 'a', staged({}), instantRetry()), /Nothing to upload/)
  })
})

describe('where upload: release goes, checked before the build', () => {
  const env = { GITHUB_REPOSITORY: 'o/r', GITHUB_REF: 'refs/tags/v2.0.0' }
  test('the release-tag input wins over the tag of the run', () => assert.deepEqual(resolveRelease('v1.0.0', 't', env), { tag: 'v1.0.0', token: 't', repository: 'o/r' }))
  test('else the tag the workflow runs for', () => assert.equal(resolveRelease(undefined, 't', env).tag, 'v2.0.0'))
  const bad: [string | undefined, string | undefined, Record<string, string>, RegExp][] = [
    [undefined, 't', { GITHUB_REPOSITORY: 'o/r', GITHUB_REF: 'refs/heads/main' }, /Input 'release-tag' has the value '': .*GITHUB_REF is refs\/heads\/main/],
    ['v1', undefined, env, /Input 'token' has the value '': .*contents: write/],
    ['v1', 't', { GITHUB_REPOSITORY: 'nope' }, /GITHUB_REPOSITORY as owner\/name \(it is nope\)/],
  ]
  for (const [tag, token, environment, message] of bad) {
    test(`refused: ${message.source.slice(0, 40)}`, () =>
      assert.throws(
        () => resolveRelease(tag, token, environment),
        (error: unknown) => (error instanceof InputError || error instanceof ActionError) && message.test(error.message),
      ))
  }
})

describe('release assets', () => {
  const files = (dir: string, names: string[]) => names.map((name) => ({ path: path.join(dir, name), name }))
  test('a missing release is created as a draft, then the files are uploaded', async () => {
    const client = new FakeReleases()
    const dir = staged({ 'app.tar.gz': 'A', 'app.tar.gz.sha256': 'h' })
    const { release, replaced } = await uploadReleaseAssets(client, 'v1.0.0', files(dir, ['app.tar.gz', 'app.tar.gz.sha256']), instantRetry())
    assert.equal(release.draft, true)
    assert.deepEqual(replaced, [])
    assert.deepEqual(
      client.calls.map((c) => c[0]),
      ['findReleases', 'createDraft', 'findReleases', 'listAssets', 'uploadAsset', 'uploadAsset'],
    )
    assert.deepEqual(
      client.releases[0]?.assets.map((a) => a.name),
      ['app.tar.gz', 'app.tar.gz.sha256'],
    )
  })
  test('an existing (published) release is used as it is', async () => {
    const client = new FakeReleases()
    const id = client.addRelease('v1.0.0', false)
    const { release } = await uploadReleaseAssets(client, 'v1.0.0', files(staged({ a: 'A' }), ['a']), instantRetry())
    assert.equal(release.id, id)
    assert.ok(!client.calls.some((c) => c[0] === 'createDraft'))
  })
  test('re-running replaces same-named assets and never duplicates them', async () => {
    const client = new FakeReleases()
    await uploadReleaseAssets(client, 'v1', files(staged({ a: 'old', b: 'B' }), ['a', 'b']), instantRetry())
    const { replaced } = await uploadReleaseAssets(client, 'v1', files(staged({ a: 'new' }), ['a']), instantRetry())
    assert.deepEqual(replaced, ['a'])
    assert.equal(client.releases.length, 1)
    const assets = client.releases[0]?.assets ?? []
    assert.deepEqual(assets.map((a) => a.name).sort(), ['a', 'b'])
    assert.equal(assets.find((a) => a.name === 'a')?.data.toString(), 'new')
  })
  test('an asset uploaded by a racing job meanwhile (422 already_exists) is replaced', async () => {
    const client = new FakeReleases()
    const id = client.addRelease('v1')
    const original = client.listAssets.bind(client)
    let first = true
    // After the action lists the (empty) assets, another job uploads the same name.
    client.listAssets = async (releaseId) => {
      const result = await original(releaseId)
      if (first) {
        first = false
        client.releases[0]?.assets.push({ id: 999, name: 'a', data: Buffer.from('theirs') })
      }
      return result
    }
    const { replaced } = await uploadReleaseAssets(client, 'v1', files(staged({ a: 'ours' }), ['a']), instantRetry())
    assert.deepEqual(replaced, ['a'])
    assert.deepEqual(
      client.releases.find((r) => r.id === id)?.assets.map((a) => [a.name, a.data.toString()]),
      [['a', 'ours']],
    )
  })
  test('two jobs creating the draft at once end on one release', async () => {
    const client = new FakeReleases()
    client.onCreate = (tag) => {
      client.onCreate = undefined
      client.addRelease(tag, true) // the other job's draft, created first
    }
    const { release } = await uploadReleaseAssets(client, 'v2', files(staged({ a: 'A' }), ['a']), instantRetry())
    assert.equal(client.releases.length, 1)
    assert.equal(client.releases[0]?.id, release.id)
    assert.ok(client.calls.some((c) => c[0] === 'deleteRelease'))
  })
  test('rate limited once while uploading: waits and succeeds', async () => {
    const client = new FakeReleases()
    client.failures.push({ method: 'uploadAsset', count: 1, error: () => new HttpError(403, 'You have exceeded a secondary rate limit', 60, true) })
    const waits: number[] = []
    await uploadReleaseAssets(client, 'v1', files(staged({ a: 'A' }), ['a']), instantRetry(waits))
    assert.deepEqual(waits, [60])
    assert.equal(client.releases[0]?.assets.length, 1)
  })
  test('bad credentials: one attempt and a clear error', async () => {
    const client = new FakeReleases()
    client.failures.push({ method: 'findReleases', count: 1, error: () => new HttpError(401, 'GET /repos/o/r/releases: 401 Bad credentials') })
    await assert.rejects(uploadReleaseAssets(client, 'v1', files(staged({ a: 'A' }), ['a']), instantRetry()), /Looking up the release v1 failed: .*401 Bad credentials/)
    assert.equal(client.calls.length, 1)
  })
  test('two files with one asset name are refused before any call', async () => {
    const client = new FakeReleases()
    const dir = staged({ a: 'A' })
    await assert.rejects(uploadReleaseAssets(client, 'v1', [...files(dir, ['a']), ...files(dir, ['a'])], instantRetry()), /Two files would become the release asset a/)
    assert.deepEqual(client.calls, [])
  })
})

describe('the REST client against a local server that answers like api.github.com', () => {
  async function server(handler: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void): Promise<{ url: string; close: () => void }> {
    const srv = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => handler(req, Buffer.concat(chunks), res))
    })
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, close: () => srv.close() }
  }
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  test('creates a draft, uploads to its upload_url, replaces a same-named asset', async () => {
    const seen: string[] = []
    const assets: { id: number; name: string }[] = [{ id: 7, name: 'app.tar.gz' }]
    let base = ''
    const srv = await server((req, body, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`)
      if (req.method === 'GET' && req.url?.startsWith('/repos/o/r/releases?')) return json(res, 200, [{ id: 1, tag_name: 'v0.9', draft: false, upload_url: 'x' }])
      if (req.method === 'POST' && req.url === '/repos/o/r/releases') {
        const request = JSON.parse(body.toString())
        assert.deepEqual(request, { tag_name: 'v1.0.0', name: 'v1.0.0', draft: true, target_commitish: 'abc123' })
        return json(res, 201, { id: 5, tag_name: 'v1.0.0', draft: true, upload_url: `${base}/uploads/repos/o/r/releases/5/assets{?name,label}` })
      }
      if (req.method === 'GET' && req.url?.startsWith('/repos/o/r/releases/5/assets?')) return json(res, 200, assets)
      if (req.method === 'DELETE' && req.url === '/repos/o/r/releases/assets/7') {
        assets.splice(0, 1)
        res.writeHead(204).end()
        return
      }
      if (req.method === 'POST' && req.url === '/uploads/repos/o/r/releases/5/assets?name=app.tar.gz') {
        assert.equal(req.headers['content-type'], 'application/octet-stream')
        assert.equal(body.toString(), 'ARCHIVE')
        return json(res, 201, { id: 8, name: 'app.tar.gz' })
      }
      json(res, 404, { message: 'Not Found' })
    })
    base = srv.url
    try {
      const client = restReleaseClient({ token: 't0k3n', repository: 'o/r', apiUrl: srv.url, commit: 'abc123' })
      const dir = staged({ 'app.tar.gz': 'ARCHIVE' })
      // The first lookup finds no v1.0.0; after creating, the listing is mocked to show it.
      let lookups = 0
      const find = client.findReleases.bind(client)
      client.findReleases = async (tag) => (++lookups === 1 ? find(tag) : [{ id: 5, tag, draft: true }])
      const { release, replaced } = await uploadReleaseAssets(client, 'v1.0.0', [{ path: path.join(dir, 'app.tar.gz'), name: 'app.tar.gz' }], instantRetry())
      assert.equal(release.id, 5)
      assert.deepEqual(replaced, ['app.tar.gz'])
      assert.ok(seen.every((line) => line.endsWith('Bearer t0k3n')))
      assert.ok(seen.some((line) => line.startsWith('POST /uploads/repos/o/r/releases/5/assets?name=app.tar.gz')))
    } finally {
      srv.close()
    }
  })
  test('a 403 with x-ratelimit-remaining 0 becomes a rate-limit error with the reset time', async () => {
    const reset = Math.floor(Date.now() / 1000) + 42
    const srv = await server((_req, _body, res) => json(res, 403, { message: 'API rate limit exceeded for installation' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }))
    try {
      const client = restReleaseClient({ token: 't', repository: 'o/r', apiUrl: srv.url })
      await assert.rejects(client.findReleases('v1'), (error: unknown) => {
        assert.ok(error instanceof HttpError)
        assert.equal(error.status, 403)
        assert.equal(error.rateLimited, true)
        assert.ok((error.retryAfter ?? 0) > 30 && (error.retryAfter ?? 0) <= 43, String(error.retryAfter))
        assert.match(error.message, /API rate limit exceeded/)
        return true
      })
    } finally {
      srv.close()
    }
  })
})
