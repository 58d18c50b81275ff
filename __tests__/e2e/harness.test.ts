/**
 * The harness itself runs the action as GitHub's runner does: every action.yml input set,
 * the Node major of runs.using, the unprivileged runner user, and the post step after main.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { actionYaml, runnerInputs } from '../support/action-inputs.js'
import { fixture, runAction, runnerNode, RUNNER_USER } from '../support/harness.js'

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

  test('skips post after a failed main', () => {
    const run = runAction({ target: 'x86_64-unknown-linux-gnu', toolchain: 'system', bin: 'no-such-bin' }, { workspace: fixture('hello') })
    assert.equal(run.code, 1)
    assert.equal(run.post, undefined)
  })
})
