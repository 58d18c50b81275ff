/**
 * cache-save and cache-on-failure, against the results service with the real @actions/cache in
 * dist/: the post step (post-if: always()) saves only when cache-save is true, after a failed
 * build only with cache-on-failure, never fails the job when the service refuses the save, and
 * says in the job summary what it saved, how big, and what it pruned. Each run has its own
 * cache-key, so no run hits another's entry exactly.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { errors, finishJob, fixture, runAction, type ActionRun } from '../../support/harness.js'
import { startResultsService, type LoggedRequest, type ResultsService } from '../../support/results-server.js'

const INPUTS = { target: 'x86_64-unknown-linux-gnu', toolchain: 'system' }

let service: ResultsService
beforeAll(async () => {
  service = await startResultsService()
})
afterAll(() => service?.stop())

/** The run and the requests the service saw during it. */
async function observed(body: () => ActionRun): Promise<{ run: ActionRun; requests: LoggedRequest[] }> {
  const mark = (await service.requests()).length
  const run = body()
  return { run, requests: (await service.requests()).slice(mark) }
}
const creates = (requests: readonly LoggedRequest[]): string[] => requests.filter((r) => r.call === 'CacheService.CreateCacheEntry').map((r) => `${r.fields.key} ${r.status}`)

/** The hello fixture with a type error: cargo starts, compiles, and fails. */
function broken(): string {
  const workspace = fixture('hello')
  fs.writeFileSync(path.join(workspace, 'src', 'main.rs'), 'fn main() {\n    let answer: u32 = "forty-two";\n    println!("{answer}");\n}\n')
  return workspace
}

describe('cache controls', () => {
  test('cache-save: false restores but saves nothing: no CreateCacheEntry', async () => {
    const { run, requests } = await observed(() => runAction({ ...INPUTS, 'cache-save': 'false', 'cache-key': 'no-save' }, { workspace: fixture('hello'), env: service.env }))
    assert.equal(run.code, 0, run.log)
    assert.ok(
      requests.some((r) => r.call === 'CacheService.GetCacheEntryDownloadURL'),
      'the main step still restores',
    )
    assert.equal(run.post?.code, 0, run.post?.log)
    assert.deepEqual(creates(requests), [])
    assert.match(run.post?.log ?? '', /Not saving the cache: cache-save is false for this run\./)
    assert.match(run.post?.summary ?? '', /### rust-xbuild cache\n\nNot saved: cache-save is false for this run\./)
  })

  test('cache-save: true saves the target directory; the summary shows the entries, their sizes and what was pruned', async () => {
    const { run, requests } = await observed(() => runAction({ ...INPUTS, 'cache-save': 'true', 'cache-key': 'save' }, { workspace: fixture('hello'), env: service.env }))
    assert.equal(run.code, 0, run.log)
    assert.equal(run.post?.code, 0, run.post?.log)
    const key = /target: saved (\S+) /.exec(run.post?.log ?? '')?.[1] ?? ''
    assert.deepEqual(creates(requests), [`${key} 200`])
    console.log(`post step summary (cache-save: true):\n${run.post?.summary}`)
    assert.match(run.post?.summary ?? '', new RegExp(`\\| target \\| \`${key}\` \\| \\d+(\\.\\d)? [KM]iB \\|`))
    assert.match(run.post?.summary ?? '', /\| registry \| `[^`]+` \| nothing to save \|/)
    assert.match(run.post?.summary ?? '', /Pruned before saving: \d+(\.\d)? [KM]iB \(the workspace's own crates/)
  })

  test('a failed build with cache-on-failure: true is saved, and the summary says so', async () => {
    const { run, requests } = await observed(() => runAction({ ...INPUTS, 'cache-on-failure': 'true', 'cache-key': 'on-failure' }, { workspace: broken(), env: service.env }))
    assert.equal(run.code, 1, run.log)
    assert.match(run.log, /mismatched types/)
    assert.ok(run.post, 'post-if: always() runs the post step after a failed main')
    assert.equal(run.post.code, 0, run.post.log)
    assert.match(run.post.log, /The build failed; saving the cache anyway \(cache-on-failure: true\)/)
    const key = /target: saved (\S+) /.exec(run.post.log)?.[1] ?? ''
    assert.deepEqual(creates(requests), [`${key} 200`])
    assert.match(run.post.summary, /Saved after a failed build \(cache-on-failure: true\)\./)
  })

  test('a results service that fails the save leaves the job green, with a warning', async () => {
    const workspace = fixture('hello')
    const run = runAction({ ...INPUTS, 'cache-key': 'service-down' }, { workspace, env: service.env, post: false })
    assert.equal(run.code, 0, run.log)
    await service.fail({ cache: true })
    let post: ActionRun | undefined
    try {
      post = finishJob(run)
    } finally {
      await service.fail({})
    }
    assert.equal(post?.code, 0, post?.log)
    assert.deepEqual(errors(post as ActionRun), [])
    assert.match(post?.stdout ?? '', /::warning::The target cache was not saved under \S+: the cache service declined .* The job goes on\./)
    assert.match(post?.summary ?? '', /\| target \| `[^`]+` \| not saved \(see the warning\) \|/)
  })
})
