/**
 * What the pinned zig (0.13.0, on PATH as the harness sets it up) cannot link is refused in
 * the setup phase with what to do, before anything is built; a glibc floor older than the
 * architecture's first glibc is refused as a bad input.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { errors, fixture, runAction } from '../../support/harness.js'

describe('targets zig 0.13 cannot link are refused before the build', () => {
  test.each([
    ['s390x-unknown-linux-gnu', '2.17', /^::error::zig 0\.13\.0 cannot link s390x-unknown-linux-gnu: building its compiler_rt for s390x fails .*Use linker: gcc without a glibc floor/],
    ['riscv64gc-unknown-linux-gnu', '2.27', /^::error::zig 0\.13\.0 cannot build glibc for riscv64 .*Remove the glibc input/],
  ])('%s with glibc %s', (target, glibc, message) => {
    const run = runAction({ target, glibc, toolchain: 'system', 'build-std': 'true' }, { workspace: fixture('hello') })
    assert.equal(run.code, 1, run.log)
    const [error, ...others] = errors(run)
    assert.match(error ?? '', message)
    assert.deepEqual(others, [])
    assert.doesNotMatch(run.log, /Compiling /, 'cargo never ran')
  })
})

describe('a glibc floor below the architecture’s first glibc', () => {
  test('aarch64 with glibc 2.16 is refused as an input, naming 2.17', () => {
    const run = runAction({ target: 'aarch64-unknown-linux-gnu', glibc: '2.16', toolchain: 'system' }, { workspace: fixture('hello') })
    assert.equal(run.code, 1, run.log)
    assert.deepEqual(errors(run), [
      "::error::Input 'glibc' has the value '2.16': glibc for aarch64 starts at 2.17, so there is nothing older to link aarch64-unknown-linux-gnu against; use glibc: 2.17 or higher.",
    ])
  })
})
