/**
 * The rustup code path, offline: the toolchain and the host target are installed, so
 * the action must not touch the network (a dead dist server proves it).
 */
import { test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fixture, runAction, sh } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'

/** The host triple of rustup's stable toolchain, asked of rustup itself (a rustc on PATH proves nothing). */
function rustupHost(): string | undefined {
  try {
    return /^host: (.+)$/m.exec(execFileSync('rustup', ['run', 'stable', 'rustc', '-vV'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[1]
  } catch (error) {
    console.log(`rustup run stable rustc -vV failed: ${String(error)}`)
    return undefined
  }
}

const host = rustupHost()

requires(!host && 'rustup with a stable toolchain is not on this machine')('rustup toolchain with an installed target', () => {
  test('builds with no network call, the toolchain from the project file', () => {
    const workspace = fixture('hello')
    sh('sh', ['-c', 'printf "[toolchain]\\nchannel = \\"stable\\"\\n" > rust-toolchain.toml'], { cwd: workspace })
    const run = runAction({ target: host ?? '' }, { workspace, debian: false, env: { RUSTUP_DIST_SERVER: 'http://127.0.0.1:9', RUSTUP_UPDATE_ROOT: 'http://127.0.0.1:9/rustup' } })
    assert.equal(run.code, 0, run.log)
    assert.match(run.log, /Toolchain stable \(.*rust-toolchain\.toml\)/)
    assert.match(run.log, /stable is installed\./)
    assert.match(run.log, new RegExp(`The standard library for ${host} is installed\\.`))
    assert.doesNotMatch(run.log, /Installing|Adding target/)
    const binary = JSON.parse(run.outputs.binaries ?? '[]')[0] as string
    assert.match(sh(binary, []), /^hello from /)
  })
})
