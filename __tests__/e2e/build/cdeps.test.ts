/**
 * C dependencies of a cross build: a crate that links the system libzstd through
 * pkg-config (Debian's zstd-sys always does, with bindgen), cross-built for aarch64 with
 * system-packages: libzstd-dev, and run under qemu.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { errors, fixture, readelf, runAction, sh } from '../../support/harness.js'

describe('system-packages: libzstd-dev for aarch64 through multiarch and pkg-config', () => {
  const workspace = fixture('zstd-hello')

  test('installs libzstd-dev:arm64, links it, and the binary runs under qemu-aarch64', () => {
    const run = runAction({ target: 'aarch64-unknown-linux-gnu', toolchain: 'system', locked: 'true', 'system-packages': 'libzstd-dev', 'smoke-test': 'x' }, { workspace })
    assert.equal(run.code, 0, run.log)
    assert.match(run.log, /::group::System packages for arm64\n/)
    assert.match(run.log, /apt-get install libzstd-dev:arm64|Already installed: libzstd-dev:arm64/)
    assert.match(sh('dpkg-query', ['-W', '-f=${Status}', 'libzstd-dev:arm64']), /install ok installed/)
    assert.match(run.log, /cargo gets PKG_CONFIG_ALLOW_CROSS=1\ncargo gets PKG_CONFIG_LIBDIR=\/usr\/lib\/aarch64-linux-gnu\/pkgconfig:\/usr\/share\/pkgconfig/)
    assert.match(run.log, /cargo gets HOST_PKG_CONFIG_LIBDIR=\S*\/usr\/lib\/x86_64-linux-gnu\/pkgconfig/)
    const binary = (JSON.parse(run.outputs.binaries ?? '[]') as string[])[0] ?? ''
    const elf = readelf(binary)
    assert.match(elf.machine, /AArch64/)
    assert.ok(elf.needed.includes('libzstd.so.1'), elf.needed.join(' '))
    const upstream = sh('dpkg-query', ['-W', '-f=${Version}', 'libzstd-dev:arm64']).replace(/\+.*$/, '')
    assert.equal(sh('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', binary]).trim(), `libzstd ${upstream} roundtrip 47->27 bytes arch=aarch64`)
    assert.match(run.summary, /\| `zstd-hello` \| aarch64 \(ELF 64-bit\) \| libzstd\.so\.1, .* \| ✅ passed \(qemu-aarch64 -cpu cortex-a53\) \| ✅ \|/)
    // preflight: zstd-sys is listed with its native steps; libzstd-dev is given, so no advice to add it
    assert.match(run.log, /::group::Preflight: crates with native build steps\n(.*\n)*zstd-sys 2\.0\.1\S* \(links zstd, bindgen, pkg-config\)\n {4}bindgen needs libclang/)
    assert.doesNotMatch(run.log, /add `system-packages: libzstd-dev`/)
    assert.match(run.summary, /<details><summary>Crates with native build steps: \d<\/summary>/)
    assert.deepEqual(errors(run), [])
  })
})

describe('system-packages with zig and a glibc floor', () => {
  test('zig finds the multiarch libzstd; the binary needs at most GLIBC_2.17 and runs', () => {
    const workspace = fixture('zstd-hello')
    const run = runAction(
      { target: 'aarch64-unknown-linux-gnu', glibc: '2.17', 'max-glibc': '2.17', toolchain: 'system', locked: 'true', 'system-packages': 'libzstd-dev', 'smoke-test': 'x' },
      { workspace },
    )
    assert.equal(run.code, 0, run.log)
    assert.match(run.outputs.rustflags ?? '', /-Lnative=\/usr\/lib\/aarch64-linux-gnu/)
    assert.match(run.log, /zstd-hello: smoke test passed \(qemu-aarch64 -cpu cortex-a53\): libzstd \S+ roundtrip 47->27 bytes arch=aarch64/)
    assert.match(run.summary, /\| `zstd-hello` \| aarch64 \(ELF 64-bit\) \| libzstd\.so\.1, .* \| 2\.17 \| ✅ passed .* \| ✅ \|/)
  })
})

describe('protoc for a prost-build build script while cross-compiling', () => {
  const workspace = fixture('proto-hello')

  test('protoc: 3.21 takes Debian protoc from PATH, cargo gets PROTOC, the aarch64 binary runs', () => {
    const run = runAction({ target: 'aarch64-unknown-linux-gnu', toolchain: 'system', locked: 'true', protoc: '3.21', 'smoke-test': 'x' }, { workspace })
    assert.equal(run.code, 0, run.log)
    assert.match(run.log, /protoc: \/usr\/bin\/protoc \(libprotoc 3\.21\.\d+\)/)
    const binary = (JSON.parse(run.outputs.binaries ?? '[]') as string[])[0] ?? ''
    assert.equal(sh('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', binary]).trim(), 'proto rust-xbuild x3 in 15 bytes arch=aarch64')
  })

  test('without the protoc input, a build script that cannot run protoc ends with what to set', () => {
    // The build script reruns when the .proto changes (its rerun-if-changed), not when PROTOC does.
    const later = new Date(Date.now() + 5000)
    fs.utimesSync(path.join(workspace, 'src', 'hello.proto'), later, later)
    const run = runAction({ target: 'aarch64-unknown-linux-gnu', toolchain: 'system', locked: 'true' }, { workspace, env: { PROTOC: '/nonexistent/protoc' } })
    assert.equal(run.code, 1, run.log)
    assert.match(errors(run).at(-1) ?? '', /failed \(exit 101\): A build script needs protoc \(the Protocol Buffers compiler\) on the build host: set the input protoc: true/)
  })

  test('a minimum newer than PATH and the pinned release is refused before building', () => {
    const run = runAction({ target: 'aarch64-unknown-linux-gnu', toolchain: 'system', protoc: '99.0' }, { workspace })
    assert.equal(run.code, 1, run.log)
    assert.match(
      errors(run)[0] ?? '',
      /protoc 99\.0 is required, the protoc on PATH is 21\.\d+, and the release this action can download is 25\.1\. Install protoc 99\.0 or newer on PATH before this step\./,
    )
    assert.doesNotMatch(run.log, /cargo build/)
  })
})
