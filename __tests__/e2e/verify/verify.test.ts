/**
 * Verification through the bundled action: header facts in the summary agree with
 * readelf, max-glibc fails or warns naming the binary and the version, and the smoke
 * test runs each binary on the declared CPU baseline, so a leaked AVX2 build fails.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { errors, fixture, readelf, runAction } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'

const hostHasAvx2 = fs.readFileSync('/proc/cpuinfo', 'utf8').includes(' avx2')

describe('verification of an aarch64 gnu binary', () => {
  const workspace = fixture('hello')
  const inputs = { target: 'aarch64-unknown-linux-gnu', toolchain: 'system', locked: 'true', 'smoke-test': '--version', 'max-glibc': '2.17' }

  test('verify: warn: the summary row agrees with readelf, the smoke test passes under qemu-aarch64 on a generic core', () => {
    const run = runAction({ ...inputs, verify: 'warn' }, { workspace })
    assert.equal(run.code, 0, run.log)
    const binary = (JSON.parse(run.outputs.binaries ?? '[]') as string[])[0] ?? ''
    const elf = readelf(binary)
    assert.match(elf.machine, /AArch64/)
    assert.ok(elf.glibc && elf.needed.length)
    // One loader with its own libc: the multiarch root when libc6:arm64 is installed (as here), else the cross sysroot.
    const libraries = fs.existsSync('/lib/aarch64-linux-gnu/libc.so.6') ? '-L / ' : '-L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib '
    assert.ok(run.log.includes(`hello: qemu-aarch64 -cpu cortex-a53 ${libraries}${binary} --version`), run.log)
    assert.match(run.log, /hello: smoke test passed \(qemu-aarch64 -cpu cortex-a53\): hello from aarch64/)
    const row = `| \`hello\` | aarch64 (ELF 64-bit) | ${elf.needed.join(', ')} | ${elf.glibc} | ✅ passed (qemu-aarch64 -cpu cortex-a53) | ⚠️ hello needs GLIBC_${elf.glibc}, newer than max-glibc 2.17`
    assert.ok(run.summary.includes(row), `${row}\nnot in\n${run.summary}`)
    assert.match(run.stdout, new RegExp(`::warning::hello needs GLIBC_${elf.glibc?.replace('.', '\\.')}, newer than max-glibc 2\\.17`))
    assert.deepEqual(errors(run), [])
  })

  test('verify: error (the default): the step fails, naming the binary and the glibc it needs', () => {
    const run = runAction(inputs, { workspace })
    assert.equal(run.code, 1, run.log)
    const [first, last] = [errors(run)[0] ?? '', errors(run).at(-1) ?? '']
    assert.match(first, /::error::hello needs GLIBC_2\.\d+, newer than max-glibc 2\.17: it will not start on older systems\. Set the glibc input to 2\.17/)
    assert.match(last, /Verification failed for hello/)
    assert.match(run.summary, /### Verification/)
  })
})

requires(!hostHasAvx2 && 'the build machine has no AVX2, so native builds cannot show the leak')('smoke test on the baseline CPU', () => {
  // native-cpu asks for target-cpu=native in its config and builds C with -march=native.
  const workspace = fixture('native-cpu')

  test('without a baseline the binary carries AVX2 and dies with SIGILL on qemu64: the step fails', () => {
    const run = runAction({ target: 'x86_64-unknown-linux-gnu', toolchain: 'system', locked: 'true', 'smoke-test': 'run' }, { workspace })
    assert.equal(run.code, 1, run.log)
    assert.match(run.log, /qemu-x86_64 -cpu qemu64 .*native-cpu run/)
    assert.match(errors(run)[0] ?? '', /::error::native-cpu failed its smoke test \(qemu-x86_64 -cpu qemu64 \(x86-64, as target-cpu=native is not a baseline\)\): SIGILL \(illegal instruction\)/)
    assert.match(run.summary, /❌ failed/)
  })

  test('with target-cpu x86-64-v2 and -avx512 it runs on Nehalem', () => {
    const run = runAction({ target: 'x86_64-unknown-linux-gnu', toolchain: 'system', locked: 'true', 'smoke-test': 'run', 'target-cpu': 'x86-64-v2', 'target-features': '-avx512' }, { workspace })
    assert.equal(run.code, 0, run.log)
    assert.match(run.log, /native-cpu: smoke test passed \(qemu-x86_64 -cpu Nehalem \(x86-64-v2\)\): c=baseline rust=baseline sum=396 c_sum=396/)
    assert.match(run.summary, /\| `native-cpu` \| x86_64 \(ELF 64-bit\) \| .*libc\.so\.6.* \| 2\.\d+ \| ✅ passed/)
  })
})
