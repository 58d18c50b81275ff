/**
 * Real cross builds through the bundled action, checked the way a release would be:
 * the binary runs (under qemu for foreign architectures), SHA256SUMS verifies with
 * sha256sum -c, a static binary has no interpreter and no DT_NEEDED.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { errors, fixture, readelf, runAction, sh } from '../../support/harness.js'

function stagedBinary(run: ReturnType<typeof runAction>, name: string): string {
  assert.equal(run.code, 0, run.log)
  const binaries = JSON.parse(run.outputs.binaries ?? '[]') as string[]
  const binary = binaries.find((file) => path.basename(file) === name)
  assert.ok(binary, `${name} in ${run.outputs.binaries}`)
  assert.equal(path.dirname(binary), run.outputs.dir)
  assert.equal(run.outputs.manifest, path.join(run.outputs.dir ?? '', 'SHA256SUMS'))
  assert.match(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: run.outputs.dir }), new RegExp(`^${name}: OK$`, 'm'))
  return binary
}

describe('aarch64-unknown-linux-gnu with ring (C and assembly through the cross gcc)', () => {
  test('build: the binary runs under qemu-aarch64, the manifest verifies', () => {
    const workspace = fixture('ring-hello')
    const run = runAction({ target: 'linux/arm64', toolchain: 'system', locked: 'true' }, { workspace })
    const binary = stagedBinary(run, 'ring-hello')
    const elf = readelf(binary)
    assert.match(elf.machine, /AArch64/)
    assert.ok(elf.interpreter, 'a gnu binary is dynamically linked')
    const output = sh('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', binary])
    assert.equal(output.trim(), 'sha256(rust-xbuild)=af9b395b4ecaff16d4f410dd5fb5505e53ba401f598c8aa681004e15b8512c7b arch=aarch64')
    assert.match(run.log, /Linker: aarch64-linux-gnu-gcc/)
    const manifest = JSON.parse(fs.readFileSync(path.join(run.outputs.dir ?? '', 'manifest.json'), 'utf8'))
    assert.equal(manifest.target, 'aarch64-unknown-linux-gnu')
    assert.equal(manifest.files[0].name, 'ring-hello')
    assert.equal(manifest.files[0].sha256, sh('sha256sum', [binary]).split(' ')[0])
    assert.match(run.summary, /\| `ring-hello` \| .* \| `[0-9a-f]{64}` \|/)
    // Packaged by default: a tar.gz named {bin}-{version}-{target}, covered by SHA256SUMS.
    const archive = path.join(run.outputs.dir ?? '', 'ring-hello-0.1.0-aarch64-unknown-linux-gnu.tar.gz')
    assert.deepEqual(JSON.parse(run.outputs.archives ?? '[]'), [archive])
    assert.match(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: run.outputs.dir }), /ring-hello-0\.1\.0-aarch64-unknown-linux-gnu\.tar\.gz: OK/)
    assert.match(sh('tar', ['-tvzf', archive]), /-rwxr-xr-x 0\/0 .* ring-hello\n/)
    assert.match(run.summary, /\| `ring-hello-0\.1\.0-aarch64-unknown-linux-gnu\.tar\.gz` \|/)
    assert.deepEqual(errors(run), [])
  })
})

describe('tests of a foreign target run under the qemu runner', () => {
  // libtest runs each test in a thread: with the cross loader and the multiarch libc.so.6
  // mixed, the first thread hangs. The runner gives qemu one loader and its own libc.
  test('command both: cargo test runs the unit test through qemu-aarch64, dynamically linked', () => {
    const workspace = fixture('ring-hello')
    const run = runAction({ target: 'aarch64-unknown-linux-gnu', toolchain: 'system', locked: 'true', command: 'both' }, { workspace })
    const binary = stagedBinary(run, 'ring-hello')
    assert.match(run.log, /Running unittests src\/main\.rs/)
    assert.match(run.log, /test tests::digest_is_sha256 \.\.\. ok/)
    assert.match(run.log, /test result: ok\. 1 passed/)
    const elf = readelf(binary)
    assert.equal(elf.interpreter, true)
    assert.ok(elf.needed.includes('libc.so.6'), elf.needed.join(' '))
    const runner = fs.existsSync('/lib/aarch64-linux-gnu/libc.so.6') ? /runner = \[ "qemu-aarch64", "-L", "\/" \]/ : /"LD_LIBRARY_PATH=\/usr\/aarch64-linux-gnu\/lib"/
    assert.match(run.log, runner)
  })
})

// x86_64 musl through zig with build-std (static, RUSTC_BOOTSTRAP, the remaps' order): the
// registry cases of __tests__/e2e/targets/registry.test.ts, which build it from today's crates.

describe('a glibc floor through zig', () => {
  test('aarch64 with glibc 2.17: needs at most GLIBC_2.17 and runs under qemu', () => {
    const workspace = fixture('ring-hello')
    const run = runAction({ target: 'aarch64-unknown-linux-gnu', glibc: '2.17', toolchain: 'system', locked: 'true' }, { workspace })
    const binary = stagedBinary(run, 'ring-hello')
    assert.match(run.log, /Linker: zig cc -target aarch64-linux-gnu\.2\.17/)
    const glibc = readelf(binary).glibc ?? '0'
    const [major, minor] = glibc.split('.').map(Number)
    assert.ok((major ?? 0) === 2 && (minor ?? 99) <= 17, `needs GLIBC_${glibc}`)
    assert.match(sh('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', binary]), /arch=aarch64/)
  })
})
