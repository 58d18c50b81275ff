/**
 * Failed builds end with one actionable error: real link failures through the bundled
 * action (a missing library, a missing linker) on the small hello fixture.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { errors, fixture, runAction } from '../../support/harness.js'

describe('diagnostics after a failed cross build', () => {
  const workspace = fixture('hello')
  const inputs = { target: 'aarch64-unknown-linux-gnu', toolchain: 'system', locked: 'true' }

  test('cannot find -l<lib>: names the -dev package for system-packages', () => {
    const run = runAction({ ...inputs, rustflags: '-l zstd-missing-lib' }, { workspace })
    assert.equal(run.code, 1, run.log)
    assert.match(run.log, /cannot find -lzstd-missing-lib/)
    // the rustc problem matcher is registered for cargo's run and removed after it, also on failure
    const matcher = /^::add-matcher::(.+)$/m.exec(run.stdout)?.[1] ?? ''
    assert.equal(JSON.parse(fs.readFileSync(matcher, 'utf8')).problemMatcher[0].owner, 'rust-xbuild-rustc')
    assert.ok(run.stdout.indexOf('::remove-matcher owner=rust-xbuild-rustc::') > run.stdout.indexOf('cannot find -lzstd-missing-lib'))
    assert.match(
      errors(run).at(-1) ?? '',
      /^::error::cargo build for aarch64-unknown-linux-gnu failed \(exit 101\): The linker found no libzstd-missing-lib for aarch64-unknown-linux-gnu: add libzstd-missing-lib-dev to system-packages/,
    )
  })

  test('a linker that is not installed', () => {
    const run = runAction({ ...inputs, rustflags: '-C linker=aarch64-nowhere-gcc' }, { workspace })
    assert.equal(run.code, 1, run.log)
    assert.match(errors(run).at(-1) ?? '', /failed \(exit 101\): The linker aarch64-nowhere-gcc is not installed\. Use linker: auto/)
  })
})
