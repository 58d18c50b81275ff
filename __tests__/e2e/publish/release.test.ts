/**
 * upload: release through the bundled action: dist/index.js loads its Octokit chunk and
 * talks to a local server that answers like api.github.com (GITHUB_API_URL points at it),
 * whose requests and replies are checked against GitHub's OpenAPI description.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { errors, fixture, runAction } from '../../support/harness.js'
import { assertHonest } from '../../support/github-server.js'
import { startGithubServerProcess, type GithubServerState } from '../../support/github-server-process.js'

describe('upload: release through the bundled action', () => {
  test('a missing release is created as a draft on the commit and gets the archive, the SBOM and their checksums', async () => {
    const server = await startGithubServerProcess()
    let state: GithubServerState | undefined
    let run: ReturnType<typeof runAction> | undefined
    try {
      run = runAction(
        { target: 'x86_64-unknown-linux-gnu', toolchain: 'system', upload: 'release', 'release-tag': 'v1.0.0', token: 'e2e-token', name: '{bin}-{target}' },
        { workspace: fixture('hello'), env: { GITHUB_API_URL: server.url, GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'c0ffee' } },
      )
    } finally {
      state = await server.stop()
    }
    assertHonest(state.problems)
    assert.equal(run.code, 0, run.log)
    assert.deepEqual(errors(run), [])
    assert.deepEqual(
      state.releases.map((r) => [r.tag_name, r.draft, r.target_commitish, r.assets.map((a) => a.name).sort()]),
      [
        [
          'v1.0.0',
          true,
          'c0ffee',
          ['hello-x86_64-unknown-linux-gnu.cdx.json', 'hello-x86_64-unknown-linux-gnu.cdx.json.sha256', 'hello-x86_64-unknown-linux-gnu.tar.gz', 'hello-x86_64-unknown-linux-gnu.tar.gz.sha256'],
        ],
      ],
    )
    const sums = state.releases[0]?.assets.find((a) => a.name.endsWith('.sha256'))?.data ?? ''
    assert.match(sums, /^[0-9a-f]{64} {2}hello-x86_64-unknown-linux-gnu\.tar\.gz\n$/)
    assert.deepEqual([...new Set(state.seen.map((r) => r.authorization))], ['token e2e-token'])
    assert.match(run.log, /Uploaded 4 file\(s\) to the draft release v1\.0\.0/)
  })
})
