import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { advice, preflightReport, type NativeCrate, type PreflightContext } from '../../../src/build/preflight.js'
import { preflightContext } from '../../support/hosts.js'

describe('known remedies', () => {
  const crate = (name: string, over: Partial<NativeCrate> = {}): NativeCrate => ({ name, version: '1.0.0', tools: ['cc'], features: [], ...over })
  const table: { name: string; crate: NativeCrate; triple: string; over?: Partial<PreflightContext>; expected: RegExp | null }[] = [
    { name: 'openssl-sys on musl', crate: crate('openssl-sys', { tools: ['cc', 'pkg-config'] }), triple: 'x86_64-unknown-linux-musl', expected: /`vendored` feature of openssl, or use rustls/ },
    {
      name: 'openssl-sys vendored',
      crate: crate('openssl-sys', { features: ['vendored'] }),
      triple: 'x86_64-unknown-linux-musl',
      expected: /vendored: OpenSSL is built from source with .*Perl's Configure and make on the build host \(both must be installed\)/,
    },
    { name: 'openssl-sys cross gnu', crate: crate('openssl-sys', { tools: ['pkg-config'] }), triple: 'aarch64-unknown-linux-gnu', expected: /system-packages: libssl-dev/ },
    { name: 'ring 0.16 on s390x', crate: crate('ring', { version: '0.16.20' }), triple: 's390x-unknown-linux-gnu', expected: /ring 0\.16\.20 has no support for s390x; ring 0\.17 added it/ },
    { name: 'ring on aarch64', crate: crate('ring', { version: '0.17.8' }), triple: 'aarch64-unknown-linux-gnu', expected: /^compiles C and assembly for the target with aarch64-linux-gnu-gcc\.$/ },
    { name: 'jemalloc on aarch64', crate: crate('tikv-jemalloc-sys'), triple: 'aarch64-unknown-linux-gnu', expected: /JEMALLOC_SYS_WITH_LG_PAGE=16/ },
    {
      name: 'jemalloc on Windows',
      crate: crate('tikv-jemalloc-sys'),
      triple: 'x86_64-pc-windows-gnu',
      expected: /^jemalloc does not build for Windows targets: depend on tikv-jemallocator only under `\[target\.'cfg\(not\(windows\)\)'\.dependencies\]`/,
    },
    { name: 'jemalloc on x86_64', crate: crate('tikv-jemalloc-sys'), triple: 'x86_64-unknown-linux-gnu', expected: /^C code is compiled/ },
    { name: 'lance without -avx512', crate: crate('lance-linalg'), triple: 'x86_64-unknown-linux-gnu', expected: /AVX-512 kernels.*target-features: -avx512/ },
    { name: 'lance with -avx512', crate: crate('lance-linalg'), triple: 'x86_64-unknown-linux-gnu', over: { avx512Disabled: true }, expected: /^C code is compiled/ },
    {
      name: 'aws-lc-sys',
      crate: crate('aws-lc-sys', { tools: ['cc', 'cmake'] }),
      triple: 'aarch64-unknown-linux-musl',
      expected: /^builds AWS-LC's C and assembly for the target with aarch64-linux-gnu-gcc\.$/,
    },
    {
      name: 'aws-lc-sys with prebuilt NASM objects',
      crate: crate('aws-lc-sys', { tools: ['cc', 'cmake'] }),
      triple: 'x86_64-pc-windows-gnu',
      over: { prebuiltNasm: true },
      expected: /NASM is not installed: the action sets AWS_LC_SYS_PREBUILT_NASM=1, so aws-lc-sys links AWS-LC's prebuilt NASM objects/,
    },
    {
      name: 'zstd-sys bundled (pkg-config a build-dependency, not a feature)',
      crate: crate('zstd-sys', { tools: ['cc', 'pkg-config'] }),
      triple: 'aarch64-unknown-linux-musl',
      expected: /^builds the bundled zstd with aarch64-linux-gnu-gcc\.$/,
    },
    {
      name: "zstd-sys's pkg-config feature",
      crate: crate('zstd-sys', { tools: ['cc', 'pkg-config'], features: ['pkg-config'] }),
      triple: 'aarch64-unknown-linux-gnu',
      expected: /system-packages: libzstd-dev/,
    },
    {
      name: 'libsqlite3-sys bundled needs no target library',
      crate: crate('libsqlite3-sys', { tools: ['cc', 'pkg-config'], features: ['bundled'] }),
      triple: 'aarch64-unknown-linux-gnu',
      expected: /^C code is compiled/,
    },
    {
      name: 'libsqlite3-sys from the system',
      crate: crate('libsqlite3-sys', { tools: ['cc', 'pkg-config'] }),
      triple: 'aarch64-unknown-linux-gnu',
      expected: /pkg-config looks for the target library/,
    },
    {
      name: 'aws-lc-sys: no pkg-config note',
      crate: crate('aws-lc-sys', { tools: ['cc', 'cmake', 'pkg-config'] }),
      triple: 'aarch64-unknown-linux-musl',
      expected: /^builds AWS-LC's C and assembly for the target with aarch64-linux-gnu-gcc\.$/,
    },
    { name: 'cmake', crate: crate('foo-sys', { tools: ['cmake'] }), triple: 'aarch64-unknown-linux-gnu', expected: /needs cmake on the build host/ },
  ]
  for (const row of table) {
    test(row.name, () => {
      const notes = advice(row.crate, preflightContext(row.triple, row.over)).join(' ')
      if (row.expected) assert.match(notes, row.expected)
    })
  }
  test('summary: a collapsible table, empty without native crates', () => {
    assert.equal(preflightReport([], preflightContext('aarch64-unknown-linux-gnu')).markdown, '')
    const { markdown } = preflightReport([crate('ring', { links: 'ring-asm', version: '0.16.20' })], preflightContext('aarch64-unknown-linux-gnu'))
    assert.match(markdown, /^<details><summary>Crates with native build steps: 1<\/summary>/)
    assert.match(markdown, /\| `ring 0\.16\.20` \| links ring-asm, cc \| compiles C and assembly/)
  })
})
