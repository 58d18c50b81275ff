import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { HOST_TOOLS, hostToolNeeds, isLibclang, missingHostTools, prebuiltNasmEnv, type HostTool } from '../../../src/build/host-tools.js'
import { targetFacts } from '../../../src/common/target.js'
import type { NativeCrate } from '../../../src/build/preflight.js'

const crate = (name: string, over: Partial<NativeCrate> = {}): NativeCrate => ({ name, version: '1.0.0', tools: ['cc'], features: [], ...over })
const all = new Set<HostTool>(HOST_TOOLS)
const without = (...tools: HostTool[]): Set<HostTool> => new Set(HOST_TOOLS.filter((tool) => !tools.includes(tool)))

describe('host tools the graph needs, and one error per crate when one is missing', () => {
  const table: { name: string; crates: NativeCrate[]; triple: string; present: Set<HostTool>; errors: RegExp[] }[] = [
    {
      name: 'openssl vendored without perl: the crate, what it runs, the package and the way around',
      crates: [crate('openssl-sys', { version: '0.9.111', features: ['vendored'] })],
      triple: 'aarch64-unknown-linux-musl',
      present: without('perl'),
      errors: [
        /^openssl-sys 0\.9\.111 builds OpenSSL from source \(openssl's `vendored` feature\): openssl-src runs OpenSSL's Perl Configure, then make, and perl is not on this runner\. Install it in a step before this one \(Debian\/Ubuntu: sudo apt-get install -y perl\), or drop the `vendored` feature and link a system OpenSSL \(system-packages: libssl-dev\)\.$/,
      ],
    },
    {
      name: 'openssl vendored without perl and make: one error naming both',
      crates: [crate('openssl-sys', { features: ['vendored'] })],
      triple: 'x86_64-unknown-linux-gnu',
      present: without('perl', 'make'),
      errors: [/perl and make are not on this runner\. Install them .*sudo apt-get install -y perl make\)/],
    },
    { name: 'system openssl needs no perl', crates: [crate('openssl-sys', { tools: ['cc', 'pkg-config'] })], triple: 'x86_64-unknown-linux-gnu', present: without('perl', 'make'), errors: [] },
    {
      name: 'jemalloc without make',
      crates: [crate('tikv-jemalloc-sys', { version: '0.6.1' })],
      triple: 'aarch64-unknown-linux-gnu',
      present: without('make'),
      errors: [/^tikv-jemalloc-sys 0\.6\.1 runs jemalloc's configure script, then make, and make is not on this runner/],
    },
    {
      name: 'a cmake crate without cmake',
      crates: [crate('libz-ng-sys', { version: '1.1.33', tools: ['cc', 'cmake'] })],
      triple: 'armv7-unknown-linux-musleabihf',
      present: without('cmake'),
      errors: [/^libz-ng-sys 1\.1\.33 runs cmake \(the cmake crate\) to build its C library, and cmake is not on this runner.*apt-get install -y cmake\)\.$/],
    },
    {
      name: 'aws-lc-sys builds with cc: no cmake needed',
      crates: [crate('aws-lc-sys', { version: '0.47.0', tools: ['cc', 'cmake'] })],
      triple: 'x86_64-unknown-linux-musl',
      present: without('cmake', 'nasm'),
      errors: [],
    },
    {
      name: "aws-lc-sys's ssl feature builds with CMake",
      crates: [crate('aws-lc-sys', { version: '0.47.0', tools: ['cc', 'cmake'], features: ['ssl'] })],
      triple: 'x86_64-unknown-linux-gnu',
      present: without('cmake'),
      errors: [/^aws-lc-sys 0\.47\.0 builds AWS-LC's libssl \(its `ssl` feature\) with CMake, and cmake is not on this runner/],
    },
    {
      name: 'aws-lc-sys on x86_64 Windows without NASM: prebuilt objects, no error',
      crates: [crate('aws-lc-sys', { tools: ['cc', 'cmake'] })],
      triple: 'x86_64-pc-windows-gnu',
      present: without('nasm'),
      errors: [],
    },
    {
      name: 'aws-lc-sys on i686 Windows without NASM',
      crates: [crate('aws-lc-sys', { version: '0.47.0', tools: ['cc', 'cmake'] })],
      triple: 'i686-pc-windows-gnu',
      present: without('nasm'),
      errors: [/^aws-lc-sys 0\.47\.0 assembles AWS-LC's x86 Windows code with NASM .* nasm is not on this runner.*apt-get install -y nasm\)\.$/],
    },
    {
      name: 'aws-lc FIPS without cmake and go',
      crates: [crate('aws-lc-fips-sys', { tools: ['cc', 'cmake'] })],
      triple: 'x86_64-unknown-linux-gnu',
      present: without('cmake', 'go'),
      errors: [/cmake and go are not on this runner.*apt-get install -y cmake golang-go\), or use aws-lc-rs without its `fips` feature\.$/],
    },
    {
      name: 'bindgen without libclang',
      crates: [crate('foo-sys', { tools: ['bindgen', 'cc'] })],
      triple: 'aarch64-unknown-linux-musl',
      present: without('libclang'),
      errors: [/^foo-sys 1\.0\.0 generates its bindings with bindgen, which loads libclang, and libclang is not on this runner.*apt-get install -y libclang-dev\)\.$/],
    },
    {
      name: 'two crates, two errors',
      crates: [crate('libz-ng-sys', { tools: ['cmake'] }), crate('bar-sys', { tools: ['bindgen', 'cmake'] })],
      triple: 'x86_64-unknown-linux-gnu',
      present: without('cmake', 'libclang'),
      errors: [/^libz-ng-sys/, /^bar-sys .* cmake is not/, /^bar-sys .* libclang is not/],
    },
    {
      name: 'everything installed',
      crates: [crate('openssl-sys', { features: ['vendored'] }), crate('libz-ng-sys', { tools: ['cmake'] }), crate('x-sys', { tools: ['bindgen'] })],
      triple: 'x86_64-unknown-linux-gnu',
      present: all,
      errors: [],
    },
  ]
  for (const row of table) {
    test(row.name, () => {
      const errors = missingHostTools(hostToolNeeds(row.crates, targetFacts(row.triple)), row.present)
      assert.equal(errors.length, row.errors.length, errors.join('\n'))
      row.errors.forEach((pattern, i) => assert.match(errors[i] ?? '', pattern))
    })
  }
})

describe('AWS_LC_SYS_PREBUILT_NASM', () => {
  const awsLc = [crate('aws-lc-sys', { tools: ['cc', 'cmake'] })]
  const table: { name: string; crates: NativeCrate[]; triple: string; nasm: boolean; user?: string[]; env: Record<string, string> }[] = [
    { name: 'x86_64 Windows without NASM', crates: awsLc, triple: 'x86_64-pc-windows-gnu', nasm: false, env: { AWS_LC_SYS_PREBUILT_NASM: '1' } },
    { name: 'msvc too', crates: awsLc, triple: 'x86_64-pc-windows-msvc', nasm: false, env: { AWS_LC_SYS_PREBUILT_NASM: '1' } },
    { name: 'NASM installed: it assembles', crates: awsLc, triple: 'x86_64-pc-windows-gnu', nasm: true, env: {} },
    { name: 'the project decides', crates: awsLc, triple: 'x86_64-pc-windows-gnu', nasm: false, user: ['AWS_LC_SYS_PREBUILT_NASM_x86_64_pc_windows_gnu'], env: {} },
    { name: 'no aws-lc-sys in the graph', crates: [crate('ring')], triple: 'x86_64-pc-windows-gnu', nasm: false, env: {} },
    { name: 'Linux needs no NASM', crates: awsLc, triple: 'x86_64-unknown-linux-gnu', nasm: false, env: {} },
    { name: 'i686 Windows has no prebuilt objects', crates: awsLc, triple: 'i686-pc-windows-gnu', nasm: false, env: {} },
  ]
  for (const row of table) test(row.name, () => assert.deepEqual(prebuiltNasmEnv(row.crates, targetFacts(row.triple), row.nasm, row.user ?? []), row.env))
})

test('libclang file names clang-sys loads', () => {
  const table: [string, boolean][] = [
    ['libclang.so', true],
    ['libclang-14.so.1', true],
    ['libclang-19.1.so', true],
    ['libclang.so.14.0.6', true],
    ['libclang-cpp.so.14', false],
    ['libclangBasic.a', false],
    ['libclang.a', false],
  ]
  for (const [file, expected] of table) assert.equal(isLibclang(file), expected, file)
})
