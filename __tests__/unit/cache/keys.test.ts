import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { fingerprint, judgeStamp, registryCacheKeys, relevantEnv, stampText, targetCacheKeys, zigCacheKeys, type FingerprintParts } from '../../../src/cache/keys.js'

const BASE: FingerprintParts = {
  rustflags: ['-Ctarget-cpu=x86-64-v2'],
  cCompilers: ['/usr/bin/aarch64-linux-gnu-gcc', '/usr/bin/aarch64-linux-gnu-g++', '/usr/bin/aarch64-linux-gnu-ar'],
  cFlags: ['-march=x86-64-v2'],
  linker: 'aarch64-linux-gnu-gcc',
  linkerVersion: 'aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0',
  targetFeatures: [],
  buildStd: false,
  profile: 'release',
  cargoArgs: ['build', '--locked'],
  env: {},
  userKey: '',
}

describe('the configuration fingerprint', () => {
  const changes: [string, Partial<FingerprintParts>][] = [
    ['rustflags', { rustflags: ['-Ctarget-cpu=x86-64-v3'] }],
    ['C compiler', { cCompilers: ['/opt/zig/zig cc -target aarch64-linux-gnu'] }],
    ['C baseline flags', { cFlags: ['-march=x86-64-v3'] }],
    ['linker kind', { linker: 'zig cc -target aarch64-linux-gnu' }],
    ['linker version', { linkerVersion: 'aarch64-linux-gnu-gcc (Debian 13.1.0) 13.1.0' }],
    ['glibc floor', { glibc: '2.17' }],
    ['target-cpu', { targetCpu: 'x86-64-v2' }],
    ['target-features', { targetFeatures: ['-avx512f'] }],
    ['build-std', { buildStd: true }],
    ['profile', { profile: 'dev' }],
    ['features', { cargoArgs: ['build', '--locked', '--features', 'simd'] }],
    ['an environment variable that build scripts read', { env: { CFLAGS_aarch64_unknown_linux_gnu: '-O3' } }],
    ['the cache-key input', { userKey: 'v2' }],
  ]
  for (const [name, change] of changes) {
    test(`changes with ${name}`, () => assert.notEqual(fingerprint({ ...BASE, ...change }), fingerprint(BASE)))
  }
  test('is stable', () => assert.equal(fingerprint({ ...BASE }), fingerprint(BASE)))
})

describe('which environment variables count', () => {
  const env = {
    RUST_BACKTRACE: '1',
    RUST_LOG: 'debug',
    GITHUB_JOB: 'build',
    GITHUB_RUN_ID: '42',
    RUNNER_NAME: 'x',
    HOME: '/home/runner',
    PATH: '/usr/bin',
    CARGO_TERM_COLOR: 'always',
    CARGO_INCREMENTAL: '0',
    CARGO_HOME: '/x',
    RUSTFLAGS: '-Dwarnings',
    CARGO_PROFILE_RELEASE_LTO: 'true',
    CC: 'clang',
    CFLAGS: '-O2',
    CXX_aarch64_unknown_linux_gnu: 'g++',
    TARGET_CC: 'cc',
    PKG_CONFIG_PATH: '/p',
    OPENSSL_STATIC: '1',
    OPENSSL_DIR: '/ssl',
    ZSTD_SYS_USE_PKG_CONFIG: '1',
    PROTOC: '/usr/bin/protoc',
    CMAKE_GENERATOR: 'Ninja',
    RUSTC_WRAPPER: 'sccache',
  }
  const picked = relevantEnv(env)
  const cases: [string, boolean][] = [
    ['RUST_BACKTRACE', false],
    ['RUST_LOG', false],
    ['GITHUB_JOB', false],
    ['GITHUB_RUN_ID', false],
    ['RUNNER_NAME', false],
    ['HOME', false],
    ['PATH', false],
    ['CARGO_TERM_COLOR', false],
    ['CARGO_INCREMENTAL', false],
    ['CARGO_HOME', false],
    ['RUSTFLAGS', true],
    ['CARGO_PROFILE_RELEASE_LTO', true],
    ['CC', true],
    ['CFLAGS', true],
    ['CXX_aarch64_unknown_linux_gnu', true],
    ['TARGET_CC', true],
    ['PKG_CONFIG_PATH', true],
    ['OPENSSL_STATIC', true],
    ['OPENSSL_DIR', true],
    ['ZSTD_SYS_USE_PKG_CONFIG', true],
    ['PROTOC', true],
    ['CMAKE_GENERATOR', true],
    ['RUSTC_WRAPPER', true],
  ]
  for (const [name, counts] of cases) test(`${name} ${counts ? 'counts' : 'does not count'}`, () => assert.equal(name in picked, counts))
})

describe('key layers', () => {
  const request = { runnerOs: 'Linux', runnerArch: 'X64', triple: 'aarch64-unknown-linux-gnu', rustcVersion: 'rustc 1.95.0\nhost: x', fingerprint: 'f'.repeat(20), lockAndManifests: 'lock' }
  test('in order, printed as parts', () => {
    const keys = targetCacheKeys(request)
    assert.deepEqual(
      keys.parts.map((p) => p.name),
      ['version', 'runner', 'target', 'toolchain', 'configuration', 'lockfile'],
    )
    assert.ok(keys.key.startsWith('rust-xbuild-v1-Linux-X64-aarch64-unknown-linux-gnu-'))
  })
  test('restore keys drop the lockfile, never the fingerprint', () => {
    const keys = targetCacheKeys(request)
    assert.equal(keys.restoreKeys.length, 1)
    assert.ok(keys.restoreKeys[0]?.endsWith(`${'f'.repeat(20)}-`))
    assert.ok(keys.key.startsWith(keys.restoreKeys[0] ?? 'x'))
    const other = targetCacheKeys({ ...request, fingerprint: 'e'.repeat(20) })
    assert.ok(!keys.key.startsWith(other.restoreKeys[0] ?? ''))
  })
  test('a lockfile change changes the key but keeps the restore prefix', () => {
    const a = targetCacheKeys(request)
    const b = targetCacheKeys({ ...request, lockAndManifests: 'lock2' })
    assert.notEqual(a.key, b.key)
    assert.deepEqual(a.restoreKeys, b.restoreKeys)
  })
  test('toolchain and target change the prefix', () => {
    const a = targetCacheKeys(request)
    assert.notDeepEqual(targetCacheKeys({ ...request, rustcVersion: 'rustc 1.96.0' }).restoreKeys, a.restoreKeys)
    assert.notDeepEqual(targetCacheKeys({ ...request, triple: 'x86_64-unknown-linux-gnu' }).restoreKeys, a.restoreKeys)
  })
  test('the registry key depends on the lockfile only', () => {
    assert.equal(registryCacheKeys('Linux', 'a').key, registryCacheKeys('Linux', 'a').key)
    assert.notEqual(registryCacheKeys('Linux', 'a').key, registryCacheKeys('Linux', 'b').key)
    assert.deepEqual(registryCacheKeys('Linux', 'a').restoreKeys, ['rust-xbuild-v1-registry-Linux-'])
  })
})

describe('the stamp rule', () => {
  const cases: [boolean, string | undefined, string][] = [
    [false, undefined, 'fresh'],
    [true, undefined, 'unknown'],
    [true, stampText('abc'), 'same'],
    [true, stampText('xyz'), 'other'],
  ]
  for (const [exists, stamp, verdict] of cases)
    test(`${exists ? 'a directory' : 'no directory'} with ${stamp ? JSON.stringify(stamp) : 'no stamp'} → ${verdict}`, () => assert.equal(judgeStamp(exists, stamp, 'abc'), verdict))
})

describe("zig's cache key", () => {
  test('zig version, target and CPU, each a part; no prefix restore', () => {
    const keys = zigCacheKeys('Linux', 'X64', '0.11.0\n', 'arm-linux-musleabihf', 'arm1176jzf_s')
    assert.equal(keys.key, 'rust-xbuild-v1-zig-Linux-X64-0.11.0-arm-linux-musleabihf-arm1176jzf_s')
    assert.deepEqual(keys.restoreKeys, [])
    assert.deepEqual(
      keys.parts.map((p) => p.name),
      ['zig', 'zig target', 'zig cpu'],
    )
  })
  test('another CPU, target or zig is another entry', () => {
    const base = zigCacheKeys('Linux', 'X64', '0.11.0', 'arm-linux-musleabihf', 'arm1176jzf_s').key
    assert.notEqual(zigCacheKeys('Linux', 'X64', '0.11.0', 'arm-linux-musleabihf', 'cortex_a8-neon-d32').key, base)
    assert.notEqual(zigCacheKeys('Linux', 'X64', '0.12.0', 'arm-linux-musleabihf', 'arm1176jzf_s').key, base)
    assert.notEqual(zigCacheKeys('Linux', 'X64', '0.11.0', 'arm-linux-gnueabihf', 'arm1176jzf_s').key, base)
  })
})
