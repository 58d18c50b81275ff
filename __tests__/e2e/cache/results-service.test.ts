/**
 * dist/ against the results service (__tests__/support/results-server.ts) as on a hosted
 * runner: the real @actions/cache restores in the main step and saves in the post step, the
 * real @actions/artifact uploads. Each fresh runner gets what a hosted runner gives one job
 * after another: the same workspace path, emptied and copied anew, and an empty RUNNER_TEMP at
 * the same path (/home/runner/work/_temp there). RESULTS_LOG=<file> appends the service's
 * request log of each run there.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { errors, FIXTURES, fixture, runAction, type ActionRun } from '../../support/harness.js'
import { filesIn, logLines, startResultsService, type LoggedRequest, type ResultsService } from '../../support/results-server.js'

const TRIPLE = 'x86_64-unknown-linux-gnu'
const INPUTS = { target: TRIPLE, toolchain: 'system', locked: 'true' }

let service: ResultsService
beforeAll(async () => {
  service = await startResultsService()
})
afterAll(() => service?.stop())

/** The requests a body caused, written to RESULTS_LOG under a title when that is set. */
async function logged<T>(title: string, body: () => T): Promise<{ result: T; requests: LoggedRequest[] }> {
  const mark = (await service.requests()).length
  const result = body()
  const requests = (await service.requests()).slice(mark)
  if (process.env.RESULTS_LOG) fs.appendFileSync(process.env.RESULTS_LOG, `## ${title}\n${logLines(requests).join('\n')}\n\n`)
  return { result, requests }
}

/** The crates cargo compiled, from its `Compiling <crate> v<version>` lines. */
const compiled = (run: ActionRun): string[] => [...run.log.matchAll(/^\s*Compiling (\S+) v/gm)].map((match) => match[1] ?? '')
const calls = (requests: readonly LoggedRequest[]): string[] => requests.map((request) => `${request.call} ${request.status}`)

describe('the build cache through the results service', () => {
  const workspace = fixture('ring-hello')
  const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-temp-'))
  /** A fresh runner: the checkout at the same path, emptied, the fixture copied anew (and changed); RUNNER_TEMP emptied. */
  const fresh = (change?: (dir: string) => void): { workspace: string; runnerTemp: string; env: Record<string, string> } => {
    for (const dir of [workspace, runnerTemp]) fs.rmSync(dir, { recursive: true, force: true })
    fs.cpSync(path.join(FIXTURES, 'ring-hello'), workspace, { recursive: true })
    fs.mkdirSync(runnerTemp)
    change?.(workspace)
    return { workspace, runnerTemp, env: service.env }
  }
  let coldKey = ''

  test('a cold run misses, builds every crate, and its post step saves the target directory', async () => {
    const { result: cold, requests } = await logged('cold run (main, then post)', () => runAction(INPUTS, fresh()))
    assert.equal(cold.code, 0, cold.log)
    assert.equal(cold.outputs['cache-hit'], 'false')
    assert.ok(compiled(cold).includes('ring'), cold.log)
    assert.equal(cold.post?.code, 0, cold.post?.log)
    coldKey = /target: saved (\S+) \(\d+ bytes before compression\)/.exec(cold.post?.log ?? '')?.[1] ?? ''
    assert.match(coldKey, /^rust-xbuild-v1-/, cold.post?.log)
    // The main step asks for each entry; the post step creates, uploads and finalizes the target entry.
    assert.ok(requests.filter((r) => r.call === 'CacheService.GetCacheEntryDownloadURL').every((r) => r.status === 200 && r.fields.matched === undefined))
    const saved = requests.filter((r) => r.fields.key === coldKey || r.call === 'Put Blob')
    assert.deepEqual(calls(saved).slice(-3), ['CacheService.CreateCacheEntry 200', 'Put Blob 201', 'CacheService.FinalizeCacheEntryUpload 200'])
    assert.deepEqual(
      (await service.caches()).filter((c) => c.key === coldKey).map((c) => [c.finalized, c.scope]),
      [[true, 'refs/heads/main']],
    )
  })

  test('a fresh runner hits exactly: no dependency is compiled again, nothing is saved again', async () => {
    const { result: warm, requests } = await logged('warm run on a fresh runner (main, then post)', () => runAction(INPUTS, fresh()))
    assert.equal(warm.code, 0, warm.log)
    assert.equal(warm.outputs['cache-hit'], 'true')
    assert.match(warm.log, new RegExp(`target: restored ${coldKey} \\(exact\\)`))
    // Only the workspace's own crate, which the post step pruned before saving.
    assert.deepEqual(compiled(warm), ['ring-hello'])
    assert.match(warm.log, /cargo build: \d+ unit\(s\) compiled, [1-9]\d* fresh/)
    assert.equal(warm.post?.code, 0, warm.post?.log)
    assert.match(warm.post?.log ?? '', new RegExp(`target: exact hit on ${coldKey}, not saving again`))
    assert.ok(!requests.some((r) => r.call === 'CacheService.CreateCacheEntry' && r.fields.key === coldKey))
    assert.deepEqual(calls(requests.filter((r) => r.fields.matched === coldKey || r.call === 'Get Blob')), ['CacheService.GetCacheEntryDownloadURL 200', 'Get Blob 200'])
  })

  test('after a lockfile change the restore key hits: the dependencies stay fresh, the new key is saved', async () => {
    const bump = (dir: string): void => {
      for (const file of ['Cargo.toml', 'Cargo.lock']) {
        const text = fs.readFileSync(path.join(dir, file), 'utf8')
        const changed = text.replace(/(name = "ring-hello"\nversion = )"0\.1\.0"/, '$1"0.1.1"')
        assert.notEqual(changed, text, file)
        fs.writeFileSync(path.join(dir, file), changed)
      }
    }
    const { result: run, requests } = await logged('run after a lockfile change (main, then post)', () => runAction(INPUTS, fresh(bump)))
    assert.equal(run.code, 0, run.log)
    assert.equal(run.outputs['cache-hit'], 'false')
    assert.match(run.log, new RegExp(`target: restored ${coldKey} \\(by prefix\\)`))
    assert.match(run.log, new RegExp(`Cache hit for restore-key: ${coldKey}`))
    assert.deepEqual(compiled(run), ['ring-hello'])
    const newKey = /target: saved (\S+) /.exec(run.post?.log ?? '')?.[1]
    assert.ok(newKey && newKey !== coldKey, run.post?.log)
    assert.ok(requests.some((r) => r.call === 'CacheService.FinalizeCacheEntryUpload' && r.fields.key === newKey && r.status === 200))
  })

  test('a failing cache service warns, and the build goes on', async () => {
    await service.fail({ cache: true })
    let run: ActionRun
    try {
      run = (await logged('run with the cache service failing (main, then post)', () => runAction(INPUTS, fresh()))).result
    } finally {
      await service.fail({})
    }
    assert.equal(run.code, 0, run.log)
    assert.match(run.stdout, /::warning::Failed to restore: Failed to GetCacheEntryDownloadURL: Unable to make request: ECONNRESET/)
    assert.equal(run.outputs['cache-hit'], 'false')
    assert.equal(JSON.parse(run.outputs.binaries ?? '[]').length, 1)
    assert.deepEqual(errors(run), [])
    assert.equal(run.post?.code, 0, run.post?.log)
    assert.deepEqual(errors(run.post as ActionRun), [])
  })
})

describe('upload: artifact through the results service', () => {
  const inputs = { target: TRIPLE, toolchain: 'system', upload: 'artifact', cache: 'false', 'artifact-name': 'replaced-{target}' }
  const name = `replaced-${TRIPLE}`

  test('a re-run replaces the artifact instead of failing on its name', async () => {
    const workspace = fixture('hello')
    const { result: first, requests } = await logged('upload: artifact (main)', () => runAction(inputs, { workspace, env: service.env }))
    assert.equal(first.code, 0, first.log)
    assert.equal(first.outputs['artifact-name'], name)
    assert.deepEqual(calls(requests.filter((r) => r.call !== 'Put Block')), [
      'ArtifactService.ListArtifacts 200',
      'ArtifactService.CreateArtifact 200',
      'Put Block List 201',
      'ArtifactService.FinalizeArtifact 200',
    ])
    const [uploaded] = (await service.artifacts()).filter((a) => a.name === name)
    const staged = filesIn(first.outputs.dir ?? '')
    assert.deepEqual([...(uploaded?.entries ?? [])].filter((entry) => !entry.endsWith('/')).sort(), staged)
    assert.equal(uploaded?.digest, `sha256:${uploaded?.sha256}`)

    const again = runAction(inputs, { workspace, env: service.env })
    assert.equal(again.code, 0, again.log)
    assert.match(again.log, new RegExp(`Replaced the earlier artifact ${name}`))
    const now = (await service.artifacts()).filter((a) => a.name === name)
    assert.equal(now.length, 1)
    assert.notEqual(now[0]?.id, uploaded?.id)
  })

  test('a failed upload is one clear error, and the staged files stay', async () => {
    const workspace = fixture('hello')
    await service.fail({ upload: true })
    let run: ActionRun
    try {
      run = (await logged('upload: artifact with the blob store refusing (main)', () => runAction({ ...inputs, 'artifact-name': 'failing-{target}' }, { workspace, env: service.env }))).result
    } finally {
      await service.fail({})
    }
    assert.equal(run.code, 1, run.log)
    const lines = errors(run)
    assert.equal(lines.length, 1, lines.join('\n'))
    assert.match(lines[0] ?? '', new RegExp(`^::error::Uploading the artifact failing-${TRIPLE} failed: .*Injected fault`))
    // post-if: always() runs the post step after the failure; with cache: false it has nothing to save.
    assert.equal(run.post?.code, 0, run.post?.log)
    assert.match(run.post?.log ?? '', /No cache to save/)
    assert.equal(run.outputs.dir, path.join(workspace, 'target', 'xbuild', TRIPLE))
    assert.ok(filesIn(run.outputs.dir ?? '').includes('hello'), `staged files stay in ${run.outputs.dir}`)
    assert.ok(!(await service.artifacts()).some((a) => a.name === `failing-${TRIPLE}` && a.finalized))
  })
})
