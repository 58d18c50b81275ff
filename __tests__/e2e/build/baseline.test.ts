/**
 * The CPU baseline reaches Rust and C code: a crate whose config asks for
 * target-cpu=native and whose build script compiles C with -march=native, built with
 * target-cpu: x86-64-v2, must run on a Nehalem (x86-64-v2, no AVX) under qemu.
 */
import { test } from '@jest/globals'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { attempt, debianPath, fixture, offlineCargoHome, runAction, sh, splitRemaps } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'

const hostHasAvx2 = fs.readFileSync('/proc/cpuinfo', 'utf8').includes(' avx2')
const hash = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')

requires(!hostHasAvx2 && 'the build machine has no AVX2, so native builds cannot show the leak')('x86-64-v2 baseline for a crate that asks for native', () => {
  test('control: built by hand as the project says, it dies with SIGILL on Nehalem', () => {
    const workspace = fixture('native-cpu')
    sh('cargo', ['build', '--release', '--locked', '--target', 'x86_64-unknown-linux-gnu'], { cwd: workspace, env: { PATH: debianPath(), CARGO_HOME: offlineCargoHome() } })
    const binary = path.join(workspace, 'target/x86_64-unknown-linux-gnu/release/native-cpu')
    assert.match(sh(binary, []), /c=avx2 rust=avx2/)
    const nehalem = attempt('qemu-x86_64', ['-cpu', 'Nehalem', binary])
    assert.equal(nehalem.signal ?? String(nehalem.status), nehalem.signal ? 'SIGILL' : '132')
  })

  test('through the action: both halves on the baseline, runs on Nehalem, project config untouched', () => {
    const workspace = fixture('native-cpu')
    const configFile = path.join(workspace, '.cargo', 'config.toml')
    const before = hash(configFile)
    const run = runAction({ target: 'x86_64-unknown-linux-gnu', 'target-cpu': 'x86-64-v2', 'target-features': '-avx512', toolchain: 'system', locked: 'true' }, { workspace })
    assert.equal(run.code, 0, run.log)
    const binary = JSON.parse(run.outputs.binaries ?? '[]')[0] as string
    const nehalem = attempt('qemu-x86_64', ['-cpu', 'Nehalem', binary])
    assert.equal(nehalem.status, 0, `${nehalem.signal} ${nehalem.stderr}`)
    assert.match(nehalem.stdout, /c=baseline rust=baseline sum=396 c_sum=396/)
    // the project's target-cpu=native was replaced, with a warning naming its file
    assert.match(run.stdout, /::warning::Replaced '-C target-cpu=native' from \[build\] rustflags in .*native-cpu-[^/]+\/\.cargo\/config\.toml with the target-cpu input 'x86-64-v2'/)
    // the build script's -march=native was rewritten by the wrapper, and said so
    assert.match(run.stdout, /::notice::Build scripts passed -march=native to the C compiler 1 time\(s\); the wrapper replaced them with the baseline \(-march=x86-64-v2 -mno-avx512/)
    const { remapsTo, rest } = splitRemaps(run.outputs.rustflags ?? '')
    assert.deepEqual(remapsTo, ['/cargo', '/ws'])
    assert.match(rest, /^-Ctarget-cpu=x86-64-v2 -Ctarget-feature=-avx512bf16,.*-avx512f,/)
    assert.equal(hash(configFile), before)
    assert.deepEqual(Array.from(fs.readdirSync(path.join(workspace, '.cargo'))), ['config.toml'])
  })
})
