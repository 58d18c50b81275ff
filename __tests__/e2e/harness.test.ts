/**
 * The harness itself runs the action as GitHub's runner does: every action.yml input set,
 * the Node major of runs.using, the unprivileged runner user, and the post step as post-if says.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { actionYaml, runnerInputs } from '../support/action-inputs.js'
import { fixture, postRuns, runAction, runnerNode, RUNNER_USER } from '../support/harness.js'
import { startResultsService } from '../support/results-server.js'

describe('the runner harness', () => {
  test('sets every input action.yml declares with a default, and refuses an undeclared one', () => {
    const inputs = runnerInputs('action.yml', { target: 'x86_64-unknown-linux-musl' })
    const declared = Object.entries(actionYaml('action.yml').inputs ?? {}).filter(([, spec]) => spec.default !== undefined)
    for (const [name] of declared) assert.ok(name in inputs, `${name} is not set`)
    assert.equal(inputs.libc, '', 'libc has no default: a triple names its own libc')
    assert.match(inputs.token ?? '', /^ghs_/, '${{ github.token }} is evaluated')
    assert.throws(() => runnerInputs('action.yml', { 'no-such-input': 'x' }), /declares no input 'no-such-input'/)
  })

  test('runs with the node major of runs.using', () => {
    assert.equal(actionYaml('action.yml').runs.using, 'node24')
    assert.match(execFileSync(runnerNode(), ['--version'], { encoding: 'utf8' }), /^v24\./)
  })

  test('runs main as the runner user, then post after success', () => {
    const workspace = fixture('hello')
    const run = runAction({ target: 'x86_64-unknown-linux-gnu', toolchain: 'system' }, { workspace })
    assert.equal(run.code, 0, run.log)
    const binary = JSON.parse(run.outputs.binaries ?? '[]')[0] as string
    if (process.getuid?.() === 0) assert.equal(fs.statSync(binary).uid, Number(execFileSync('id', ['-u', RUNNER_USER], { encoding: 'utf8' })), 'the staged binary belongs to the runner user')
    assert.ok(run.post, 'the post step ran after a successful main')
    assert.equal(run.post.code, 0, run.post.log)
    assert.match(run.post.log, /Save the build cache/)
  })

  test('runs post after a failed main too (post-if: always()), with the state main saved before failing', async () => {
    assert.equal(actionYaml('action.yml').runs['post-if'], 'always()')
    const service = await startResultsService()
    try {
      const workspace = fixture('hello')
      fs.writeFileSync(path.join(workspace, 'src', 'main.rs'), 'fn main() { let n: u32 = "one"; }\n')
      const mark = (await service.requests()).length
      const run = runAction({ target: 'x86_64-unknown-linux-gnu', toolchain: 'system', 'cache-key': 'harness-failed-main' }, { workspace, env: service.env })
      assert.equal(run.code, 1, run.log)
      assert.ok(run.state['rust-xbuild-cache'], 'the main step saved the cache state before the build failed')
      assert.equal(run.state['rust-xbuild-main'], undefined, 'a main that failed never marks its end')
      assert.ok(run.post, 'the post step ran after the failed main')
      assert.equal(run.post.code, 0, run.post.log)
      // It read that state (STATE_rust-xbuild-cache), and without cache-on-failure saves nothing.
      assert.match(run.post.log, /Not saving the cache: the build failed or did not finish \(cache-on-failure: false\)/)
      assert.ok(!(await service.requests()).slice(mark).some((r) => r.call === 'CacheService.CreateCacheEntry'))
    } finally {
      await service.stop()
    }
  })

  test('post-if: success() runs post only after a successful main; other conditions are refused', () => {
    assert.equal(postRuns('success()', 0), true)
    assert.equal(postRuns(undefined, 1), false)
    assert.equal(postRuns('always()', 1), true)
    assert.throws(() => postRuns("failure() && env.X == '1'", 1), /knows post-if: success\(\) and always\(\)/)
  })
})
