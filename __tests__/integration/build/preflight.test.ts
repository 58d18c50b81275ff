import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { advice, nativeCrates, type NativeCrate } from '../../../src/build/preflight.js'
import { parseCargoMetadata, type CargoMetadata } from '../../../src/setup/metadata.js'
import { debianPath, FIXTURES, offlineCargoHome } from '../../support/harness.js'
import { preflightContext } from '../../support/hosts.js'

const metadata = (name: string, triple: string): CargoMetadata =>
  parseCargoMetadata(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--locked', '--filter-platform', triple], {
      cwd: path.join(FIXTURES, name),
      env: { ...process.env, PATH: debianPath(), CARGO_HOME: offlineCargoHome() },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  )

describe('native crates from real cargo metadata', () => {
  test('ring-hello: ring (links ring-asm, cc)', () => {
    assert.deepEqual(
      nativeCrates(metadata('ring-hello', 'aarch64-unknown-linux-gnu')).map(({ name, links, tools }) => ({ name, links, tools })),
      [{ name: 'ring', links: 'ring-asm', tools: ['cc'] }],
    )
  })
  test('zstd-hello: zstd-sys (links zstd, bindgen and pkg-config), and the advice to install libzstd-dev', () => {
    const crates = nativeCrates(metadata('zstd-hello', 'aarch64-unknown-linux-gnu'))
    const zstd = crates.find((crate) => crate.name === 'zstd-sys')
    assert.deepEqual(zstd?.tools, ['bindgen', 'pkg-config'])
    assert.equal(zstd?.links, 'zstd')
    const notes = advice(zstd as NativeCrate, preflightContext('aarch64-unknown-linux-gnu')).join(' ')
    assert.match(notes, /add `system-packages: libzstd-dev`/)
    assert.match(notes, /libclang/)
    assert.doesNotMatch(advice(zstd as NativeCrate, preflightContext('aarch64-unknown-linux-gnu', { systemPackages: ['libzstd-dev'] })).join(' '), /system-packages/)
  })
  test('proto-hello: prost-build asks for protoc', () => {
    const crate = nativeCrates(metadata('proto-hello', 'aarch64-unknown-linux-gnu')).find((c) => c.name === 'proto-hello')
    assert.deepEqual(crate?.tools, ['prost-build'])
    assert.match(advice(crate as NativeCrate, preflightContext('aarch64-unknown-linux-gnu')).join(' '), /set `protoc: true`/)
    assert.deepEqual(advice(crate as NativeCrate, preflightContext('aarch64-unknown-linux-gnu', { protoc: true })), [])
  })
  test('hello: nothing native', () => assert.deepEqual(nativeCrates(metadata('hello', 'x86_64-unknown-linux-gnu')), []))
})
