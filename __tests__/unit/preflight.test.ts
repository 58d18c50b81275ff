import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { advice, nativeCrates, renderPreflightSummary, type NativeCrate, type PreflightContext } from '../../src/preflight.js'
import { targetFacts } from '../../src/target.js'
import { debianPath, FIXTURES, offlineCargoHome } from '../e2e/harness.js'

const metadata = (name: string, triple: string): string =>
  execFileSync('cargo', ['metadata', '--format-version', '1', '--locked', '--filter-platform', triple], {
    cwd: path.join(FIXTURES, name),
    env: { ...process.env, PATH: debianPath(), CARGO_HOME: offlineCargoHome() },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })

const context = (triple: string, over: Partial<PreflightContext> = {}): PreflightContext => ({
  facts: targetFacts(triple),
  linker: 'aarch64-linux-gnu-gcc',
  cross: true,
  protoc: false,
  systemPackages: [],
  avx512Disabled: false,
  ...over,
})

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
    const notes = advice(zstd as NativeCrate, context('aarch64-unknown-linux-gnu')).join(' ')
    assert.match(notes, /add `system-packages: libzstd-dev`/)
    assert.match(notes, /libclang/)
    assert.doesNotMatch(advice(zstd as NativeCrate, context('aarch64-unknown-linux-gnu', { systemPackages: ['libzstd-dev'] })).join(' '), /system-packages/)
  })
  test('proto-hello: prost-build asks for protoc', () => {
    const crate = nativeCrates(metadata('proto-hello', 'aarch64-unknown-linux-gnu')).find((c) => c.name === 'proto-hello')
    assert.deepEqual(crate?.tools, ['prost-build'])
    assert.match(advice(crate as NativeCrate, context('aarch64-unknown-linux-gnu')).join(' '), /set `protoc: true`/)
    assert.deepEqual(advice(crate as NativeCrate, context('aarch64-unknown-linux-gnu', { protoc: true })), [])
  })
  test('hello: nothing native', () => assert.deepEqual(nativeCrates(metadata('hello', 'x86_64-unknown-linux-gnu')), []))
})

describe('known remedies', () => {
  const crate = (name: string, over: Partial<NativeCrate> = {}): NativeCrate => ({ name, version: '1.0.0', tools: ['cc'], features: [], ...over })
  const table: { name: string; crate: NativeCrate; triple: string; over?: Partial<PreflightContext>; expected: RegExp | null }[] = [
    { name: 'openssl-sys on musl', crate: crate('openssl-sys', { tools: ['cc', 'pkg-config'] }), triple: 'x86_64-unknown-linux-musl', expected: /`vendored` feature of openssl, or use rustls/ },
    { name: 'openssl-sys vendored', crate: crate('openssl-sys', { features: ['vendored'] }), triple: 'x86_64-unknown-linux-musl', expected: /vendored: OpenSSL is built from source/ },
    { name: 'openssl-sys cross gnu', crate: crate('openssl-sys', { tools: ['pkg-config'] }), triple: 'aarch64-unknown-linux-gnu', expected: /system-packages: libssl-dev/ },
    { name: 'ring 0.16 on s390x', crate: crate('ring', { version: '0.16.20' }), triple: 's390x-unknown-linux-gnu', expected: /ring 0\.16\.20 has no support for s390x; ring 0\.17 added it/ },
    { name: 'ring on aarch64', crate: crate('ring', { version: '0.17.8' }), triple: 'aarch64-unknown-linux-gnu', expected: /^compiles C and assembly for the target with aarch64-linux-gnu-gcc\.$/ },
    { name: 'jemalloc on aarch64', crate: crate('tikv-jemalloc-sys'), triple: 'aarch64-unknown-linux-gnu', expected: /JEMALLOC_SYS_WITH_LG_PAGE=16/ },
    { name: 'jemalloc on x86_64', crate: crate('tikv-jemalloc-sys'), triple: 'x86_64-unknown-linux-gnu', expected: /^C code is compiled/ },
    { name: 'lance without -avx512', crate: crate('lance-linalg'), triple: 'x86_64-unknown-linux-gnu', expected: /AVX-512 kernels.*target-features: -avx512/ },
    { name: 'lance with -avx512', crate: crate('lance-linalg'), triple: 'x86_64-unknown-linux-gnu', over: { avx512Disabled: true }, expected: /^C code is compiled/ },
    { name: 'cmake', crate: crate('foo-sys', { tools: ['cmake'] }), triple: 'aarch64-unknown-linux-gnu', expected: /needs cmake on the build host/ },
  ]
  for (const row of table) {
    test(row.name, () => {
      const notes = advice(row.crate, context(row.triple, row.over)).join(' ')
      if (row.expected) assert.match(notes, row.expected)
    })
  }
  test('summary: a collapsible table, empty without native crates', () => {
    assert.equal(renderPreflightSummary([], context('aarch64-unknown-linux-gnu')), '')
    const markdown = renderPreflightSummary([crate('ring', { links: 'ring-asm', version: '0.16.20' })], context('aarch64-unknown-linux-gnu'))
    assert.match(markdown, /^<details><summary>Crates with native build steps: 1<\/summary>/)
    assert.match(markdown, /\| `ring 0\.16\.20` \| links ring-asm, cc \| compiles C and assembly/)
  })
})
