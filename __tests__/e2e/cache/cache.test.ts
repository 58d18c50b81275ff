/**
 * The stamp rule and warm re-runs, for real: a target directory built under another
 * configuration is cleaned (cargo alone would keep C objects built with other flags),
 * and a re-run under the same configuration compiles nothing.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { attempt, debianPath, fixture, offlineCargoHome, ROOT, runAction, sh } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'

const hostHasAvx2 = fs.readFileSync('/proc/cpuinfo', 'utf8').includes(' avx2')
const TRIPLE = 'x86_64-unknown-linux-gnu'

requires(!hostHasAvx2 && 'needs a build machine with AVX2')('the target directory is reused only under the same configuration', () => {
  test('a project-built directory is cleaned, a warm re-run is fresh, a new baseline rebuilds the C objects', () => {
    const workspace = fixture('native-cpu')
    const cargoEnv = { PATH: debianPath(), CARGO_HOME: offlineCargoHome(), CARGO_ENCODED_RUSTFLAGS: '-Ctarget-cpu=x86-64-v2' }
    const binaryOf = (run: ReturnType<typeof runAction>): string => JSON.parse(run.outputs.binaries ?? '[]')[0] as string

    // The project's own build: Rust on the baseline, but its C object built with -march=native.
    sh('cargo', ['build', '--release', '--locked', '--target', TRIPLE], { cwd: workspace, env: cargoEnv })
    // Premise: cargo alone keeps that object when only the C compiler changes (a compiler that
    // would fail if called is never called).
    const unchanged = sh('cargo', ['build', '--release', '--locked', '--target', TRIPLE, '--message-format=json'], { cwd: workspace, env: { ...cargoEnv, CC_x86_64_unknown_linux_gnu: '/bin/false' } })
    assert.doesNotMatch(unchanged, /"fresh":false/)

    const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-temp-'))
    const inputs = { target: TRIPLE, 'target-cpu': 'x86-64-v2', toolchain: 'system', locked: 'true' }
    const first = runAction(inputs, { workspace, runnerTemp })
    assert.equal(first.code, 0, first.log)
    assert.match(first.stdout, /::notice::Cleaned .*x86_64-unknown-linux-gnu: it was built without rust-xbuild \(no stamp\)/)
    const nehalem = attempt('qemu-x86_64', ['-cpu', 'Nehalem', binaryOf(first)])
    assert.equal(nehalem.status, 0, `${nehalem.signal}`)
    assert.match(nehalem.stdout, /c=baseline rust=baseline/)
    assert.equal(first.outputs['cache-hit'], 'false')
    assert.match(first.summary, /\| target \| `rust-xbuild-v1-[^`]+`<br>version `rust-xbuild-v1` · runner .* · configuration `[0-9a-f]+` · lockfile `[0-9a-f]+` \| miss \|/)

    const warm = runAction(inputs, { workspace, runnerTemp })
    assert.equal(warm.code, 0, warm.log)
    assert.match(warm.log, /Target directory .*: same/)
    assert.match(warm.log, /cargo build: 0 unit\(s\) compiled, \d+ fresh/)
    assert.doesNotMatch(warm.stdout, /::notice::Cleaned/)

    const v3 = runAction({ ...inputs, 'target-cpu': 'x86-64-v3' }, { workspace, runnerTemp })
    assert.equal(v3.code, 0, v3.log)
    assert.match(v3.stdout, /::notice::Cleaned .*: it was built under another build configuration/)
    const haswell = attempt('qemu-x86_64', ['-cpu', 'Haswell', binaryOf(v3)])
    assert.match(haswell.stdout, /c=avx2 rust=avx2/)
    assert.equal(attempt('qemu-x86_64', ['-cpu', 'Nehalem', binaryOf(v3)]).signal, 'SIGILL')

    // Back to v2: the v3 objects are not reused either.
    const back = runAction(inputs, { workspace, runnerTemp })
    assert.match(back.stdout, /::notice::Cleaned/)
    assert.equal(attempt('qemu-x86_64', ['-cpu', 'Nehalem', binaryOf(back)]).status, 0)
  })
})

describe('the post step', () => {
  test('prunes what has no value next time, and a failing save only warns', () => {
    const workspace = fixture('ring-hello')
    const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-temp-'))
    const run = runAction({ target: TRIPLE, toolchain: 'system', locked: 'true' }, { workspace, runnerTemp })
    assert.equal(run.code, 0, run.log)
    const tripleDir = path.join(workspace, 'target', TRIPLE)
    const profile = path.join(tripleDir, 'release')
    const deps = (): string[] => Array.from(fs.readdirSync(path.join(profile, 'deps')))
    assert.ok(deps().some((f) => f.startsWith('ring_hello-')))
    assert.ok(deps().some((f) => f.startsWith('libring-')))
    const state = {
      entries: [{ name: 'target', paths: [tripleDir], keys: { key: 'rust-xbuild-test-key', restoreKeys: [], parts: [] } }],
      prune: {
        profileDirs: [profile, path.join(workspace, 'target', 'release')],
        workspaceCrates: ['ring-hello'],
        lockedCrates: ['ring', 'libc', 'cc', 'once_cell', 'spin', 'untrusted'],
        stageDir: run.outputs.dir,
      },
    }
    // The runner hands the main step's saved state to the post step as STATE_<name>.
    const post = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'post', 'index.js')], {
      env: { PATH: process.env.PATH, RUNNER_TEMP: runnerTemp, 'STATE_rust-xbuild-cache': JSON.stringify(state), 'STATE_rust-xbuild-main': 'succeeded' },
      encoding: 'utf8',
    })
    assert.equal(post.status, 0, post.stdout + post.stderr)
    assert.match(post.stdout, /Pruned \d+ bytes/)
    // No cache service here: @actions/cache warns and the step still succeeds.
    assert.match(post.stdout, /::warning::Failed to save/)
    assert.ok(!deps().some((f) => f.startsWith('ring_hello-')), 'the workspace crate is pruned')
    assert.ok(
      deps().some((f) => f.startsWith('libring-')),
      'locked dependencies stay',
    )
    assert.equal(fs.existsSync(run.outputs.dir ?? ''), false, 'staged binaries are pruned')
  })
})
