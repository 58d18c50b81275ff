/**
 * A build that fails in a crate the preflight flagged: Debian's ring 0.16 has no
 * powerpc64le support, and its build script panics with an unwrap. The step's error names
 * ring and the remedy, and the job summary of the failed step has the phases that ran,
 * the preflight table and the diagnosis.
 */
import { test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { errors, fixture, runAction } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'

const stdSource = '/usr/lib/rustlib/src/rust/library/std'

requires(!fs.existsSync(stdSource) && 'build-std needs rust-web-src')('a failed build names the flagged crate and its fix', () => {
  test('ring 0.16 for powerpc64le-unknown-linux-gnu', () => {
    const workspace = fixture('ring-hello')
    // linker: none, as ring's build script fails before anything is compiled or linked for the target.
    const started = Date.now()
    const run = runAction({ target: 'powerpc64le-unknown-linux-gnu', toolchain: 'system', 'build-std': 'true', linker: 'none', locked: 'true' }, { workspace })
    console.log(`ring 0.16 on powerpc64le fails after ${((Date.now() - started) / 1000).toFixed(1)} s`)
    assert.equal(run.code, 1, run.log)
    assert.match(run.log, /failed to run custom build command for `ring v0\.16\.20/)
    assert.match(
      errors(run).at(-1) ?? '',
      /^::error::cargo build for powerpc64le-unknown-linux-gnu failed \(exit 101\): the build failed in ring 0\.16\.20; the preflight's notes on it for this target: .*ring 0\.16\.20 has no support for powerpc64; ring 0\.17 added it: upgrade/,
    )
    const summary = run.summary
    assert.match(summary, /^## rust-xbuild: failed$/m)
    assert.match(summary, /Target `powerpc64le-unknown-linux-gnu`/)
    assert.match(summary, /^\| Preflight: crates with native build steps \| [\d.]+ \| done \|$/m)
    assert.match(summary, /^\| Build \(cargo build\) \| [\d.]+ \| \*\*failed\*\* \|$/m)
    assert.doesNotMatch(summary, /Stage binaries/, 'no phase after the failed one')
    assert.match(summary, /Crates with native build steps: 1[\s\S]*\| `ring 0\.16\.20` \| links ring-asm, cc \| .*ring 0\.17 added it/)
    assert.match(summary, /### Diagnosis\n\n> cargo build for powerpc64le-unknown-linux-gnu failed \(exit 101\): the build failed in ring 0\.16\.20/)
  })
})
