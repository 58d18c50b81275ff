import { afterEach, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ActionError } from '../../../src/errors.js'
import { octokitReleaseClient } from '../../../src/publish/release-client.js'
import { HttpError, isRetryable, renderArtifactName, uploadArtifact, uploadReleaseAssets, withRetry } from '../../../src/publish/upload.js'
import { InputError } from '../../../src/errors.js'
import { FakeArtifacts, FakeReleases, instantRetry } from '../../support/fakes.js'
import { resolveRelease } from '../../../src/inputs/release.js'
import { assertHonest, githubServer, type GithubServer } from '../../support/github-server.js'

function staged(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'))
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), text)
  }
  return dir
}

const networkError = (): Error => Object.assign(new Error('socket hang up'), { name: 'NetworkError' })

describe('artifact retries: only what can succeed on retry, a bounded number of times', () => {
  const cases: [string, unknown, boolean][] = [
    ['503', new HttpError(503, 'Service Unavailable'), true],
    ['429', new HttpError(429, 'Too Many Requests'), true],
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
  test('an upload that broke is reported at once with its cause, not retried into a 409 on the name the service still holds', async () => {
    const client = new FakeArtifacts()
    client.failures.push({ method: 'upload', count: 1, error: networkError })
    const waits: number[] = []
    await assert.rejects(uploadArtifact(client, 'a', staged({ app: 'x' }), instantRetry(waits)), /Uploading the artifact a failed: socket hang up/)
    assert.deepEqual(waits, [])
    assert.equal(client.calls.filter((c) => c[0] === 'upload').length, 1)
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
    const { release, replaced } = await uploadReleaseAssets(client, 'v1.0.0', files(dir, ['app.tar.gz', 'app.tar.gz.sha256']))
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
    const { release } = await uploadReleaseAssets(client, 'v1.0.0', files(staged({ a: 'A' }), ['a']))
    assert.equal(release.id, id)
    assert.ok(!client.calls.some((c) => c[0] === 'createDraft'))
  })
  test('re-running replaces same-named assets and never duplicates them', async () => {
    const client = new FakeReleases()
    await uploadReleaseAssets(client, 'v1', files(staged({ a: 'old', b: 'B' }), ['a', 'b']))
    const { replaced } = await uploadReleaseAssets(client, 'v1', files(staged({ a: 'new' }), ['a']))
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
    const { replaced } = await uploadReleaseAssets(client, 'v1', files(staged({ a: 'ours' }), ['a']))
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
    const { release } = await uploadReleaseAssets(client, 'v2', files(staged({ a: 'A' }), ['a']))
    assert.equal(client.releases.length, 1)
    assert.equal(client.releases[0]?.id, release.id)
    assert.ok(client.calls.some((c) => c[0] === 'deleteRelease'))
  })
  test('a failure stops the upload with the step named', async () => {
    const client = new FakeReleases()
    client.failures.push({ method: 'findReleases', count: 1, error: () => new HttpError(401, 'GET /repos/o/r/releases: 401 Bad credentials') })
    await assert.rejects(uploadReleaseAssets(client, 'v1', files(staged({ a: 'A' }), ['a'])), /Looking up the release v1 failed: .*401 Bad credentials/)
    assert.equal(client.calls.length, 1)
  })
  test('two files with one asset name are refused before any call', async () => {
    const client = new FakeReleases()
    const dir = staged({ a: 'A' })
    await assert.rejects(uploadReleaseAssets(client, 'v1', [...files(dir, ['a']), ...files(dir, ['a'])]), /Two files would become the release asset a/)
    assert.deepEqual(client.calls, [])
  })
})

describe('the Octokit release client against a local server that answers like api.github.com', () => {
  const one = (dir: string, name: string) => [{ path: path.join(dir, name), name }]
  const servers: GithubServer[] = []
  const serve = async (): Promise<GithubServer> => {
    const gh = await githubServer()
    servers.push(gh)
    return gh
  }
  // What each test sent and got, against GitHub's OpenAPI description.
  afterEach(() => {
    for (const gh of servers.splice(0)) assertHonest(gh.problems)
  })

  test('creates a missing draft, uploads to its upload_url; a re-run replaces the same-named asset', async () => {
    const gh = await serve()
    try {
      const client = octokitReleaseClient({ token: 't0k3n', repository: 'o/r', apiUrl: gh.url, commit: 'abc123' })
      const first = await uploadReleaseAssets(client, 'v1.0.0', one(staged({ 'app.tar.gz': 'OLD' }), 'app.tar.gz'))
      const second = await uploadReleaseAssets(octokitReleaseClient({ token: 't0k3n', repository: 'o/r', apiUrl: gh.url }), 'v1.0.0', one(staged({ 'app.tar.gz': 'NEW' }), 'app.tar.gz'))
      assert.equal(first.release.draft, true)
      assert.deepEqual(first.replaced, [])
      assert.deepEqual(second.replaced, ['app.tar.gz'])
      assert.equal(second.release.id, first.release.id)
      assert.equal(gh.releases.length, 1)
      assert.deepEqual(
        gh.releases[0]?.assets.map((a) => [a.name, a.data]),
        [['app.tar.gz', 'NEW']],
      )
      const creates = gh.seen.filter((r) => r.method === 'POST' && r.path === '/repos/o/r/releases')
      assert.deepEqual(
        creates.map((r) => JSON.parse(r.body)),
        [{ tag_name: 'v1.0.0', name: 'v1.0.0', draft: true, target_commitish: 'abc123' }],
      )
      const uploads = gh.seen.filter((r) => r.path.startsWith('/uploads/'))
      assert.deepEqual(
        uploads.map((r) => {
          const url = new URL(r.path, gh.url)
          return [r.method, url.pathname, url.searchParams.get('name'), r.contentType, r.body]
        }),
        [
          ['POST', `/uploads/repos/o/r/releases/${first.release.id}/assets`, 'app.tar.gz', 'application/octet-stream', 'OLD'],
          ['POST', `/uploads/repos/o/r/releases/${first.release.id}/assets`, 'app.tar.gz', 'application/octet-stream', 'NEW'],
        ],
      )
      assert.ok(gh.seen.some((r) => r.method === 'DELETE' && /^\/repos\/o\/r\/releases\/assets\/\d+$/.test(r.path)))
      assert.deepEqual([...new Set(gh.seen.map((r) => r.authorization))], ['token t0k3n'])
    } finally {
      gh.close()
    }
  }, 30_000)

  test('a release on the second page of the listing is found and used as it is', async () => {
    const gh = await serve()
    try {
      for (let i = 0; i < 120; i++) gh.releases.push({ id: i + 1, tag_name: `v0.${i}`, draft: false, assets: [] })
      const { release } = await uploadReleaseAssets(octokitReleaseClient({ token: 't', repository: 'o/r', apiUrl: gh.url }), 'v0.110', one(staged({ a: 'A' }), 'a'))
      assert.deepEqual(release, { id: 111, tag: 'v0.110', draft: false })
      assert.ok(!gh.seen.some((r) => r.method === 'POST' && r.path === '/repos/o/r/releases'))
      assert.equal(gh.seen.filter((r) => r.method === 'GET' && r.path.startsWith('/repos/o/r/releases?')).length, 2)
    } finally {
      gh.close()
    }
  }, 30_000)

  test('a 502 is retried and the call succeeds', async () => {
    const gh = await serve()
    try {
      gh.fail.push({ route: 'GET /repos/o/r/releases', status: 502, message: 'Server Error' })
      const releases = await octokitReleaseClient({ token: 't', repository: 'o/r', apiUrl: gh.url }).findReleases('v1')
      assert.deepEqual(releases, [])
      assert.equal(gh.seen.filter((r) => r.path.startsWith('/repos/o/r/releases?')).length, 2)
      assert.equal(gh.fail.length, 0)
    } finally {
      gh.close()
    }
  }, 30_000)

  test('a 403 secondary rate limit with retry-after is waited for, then the upload succeeds', async () => {
    const gh = await serve()
    try {
      gh.releases.push({ id: 1, tag_name: 'v1', draft: false, assets: [] })
      gh.fail.push({ route: 'POST /uploads/', status: 403, message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', headers: { 'retry-after': '2' } })
      const start = performance.now()
      await uploadReleaseAssets(octokitReleaseClient({ token: 't', repository: 'o/r', apiUrl: gh.url }), 'v1', one(staged({ a: 'A' }), 'a'))
      const seconds = (performance.now() - start) / 1000
      const uploads = gh.seen.filter((r) => r.path.startsWith('/uploads/'))
      assert.equal(uploads.length, 2)
      assert.ok(seconds >= 1.9, `waited ${seconds} s for a retry-after of 2 s`)
      assert.deepEqual(
        gh.releases[0]?.assets.map((a) => a.name),
        ['a'],
      )
    } finally {
      gh.close()
    }
  }, 30_000)

  test('a rate limit that resets in an hour is a clear error at once, not a wait', async () => {
    const gh = await serve()
    try {
      const reset = String(Math.floor(Date.now() / 1000) + 3600)
      gh.fail.push({ route: 'GET /repos/o/r/releases', status: 403, message: 'API rate limit exceeded for installation ID 1.', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } })
      let error: unknown
      await uploadReleaseAssets(octokitReleaseClient({ token: 't', repository: 'o/r', apiUrl: gh.url }), 'v1', one(staged({ a: 'A' }), 'a')).catch((e: unknown) => (error = e))
      assert.ok(error instanceof ActionError, String(error))
      assert.match(error.message, /^Looking up the release v1: GitHub's API rate limit was hit \(resets in 3[56]\d\d s\)\. Re-run the job later\.$/)
      assert.equal(gh.seen.length, 1)
    } finally {
      gh.close()
    }
  }, 30_000)

  test('bad credentials: one request and an error naming the step and the status', async () => {
    const gh = await serve()
    try {
      gh.fail.push({ route: 'GET /repos/o/r/releases', status: 401, message: 'Bad credentials' })
      let error: unknown
      await uploadReleaseAssets(octokitReleaseClient({ token: 'bad', repository: 'o/r', apiUrl: gh.url }), 'v1', one(staged({ a: 'A' }), 'a')).catch((e: unknown) => (error = e))
      assert.ok(error instanceof ActionError, String(error))
      assert.match(error.message, /^Looking up the release v1 failed: Looking up the release v1: 401 Bad credentials/)
      assert.equal(gh.seen.length, 1)
    } finally {
      gh.close()
    }
  }, 30_000)

  test('an asset uploaded by a racing job meanwhile (422 already_exists) is replaced', async () => {
    const gh = await serve()
    try {
      gh.releases.push({ id: 1, tag_name: 'v1', draft: true, assets: [] })
      const client = octokitReleaseClient({ token: 't', repository: 'o/r', apiUrl: gh.url })
      // The other job's upload lands between our listing and our upload.
      const listAssets = client.listAssets.bind(client)
      let raced = false
      client.listAssets = async (id) => {
        const assets = await listAssets(id)
        if (!raced) gh.releases[0]?.assets.push({ id: 50, name: 'a', data: 'theirs' })
        raced = true
        return assets
      }
      const { replaced } = await uploadReleaseAssets(client, 'v1', one(staged({ a: 'ours' }), 'a'))
      assert.deepEqual(replaced, ['a'])
      assert.deepEqual(
        gh.releases[0]?.assets.map((a) => [a.name, a.data]),
        [['a', 'ours']],
      )
      assert.deepEqual(gh.seen.filter((r) => r.path.startsWith('/uploads/')).length, 2)
    } finally {
      gh.close()
    }
  }, 30_000)
})
