import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { closest, dockerPlatforms, targetFacts, tripleForDockerPlatform } from '../../../src/common/target.js'

describe('Docker platforms map to triples', () => {
  const cases: [string, 'gnu' | 'musl', string][] = [
    ['linux/amd64', 'gnu', 'x86_64-unknown-linux-gnu'],
    ['linux/amd64', 'musl', 'x86_64-unknown-linux-musl'],
    ['linux/arm64', 'gnu', 'aarch64-unknown-linux-gnu'],
    ['linux/arm64', 'musl', 'aarch64-unknown-linux-musl'],
    ['linux/arm/v7', 'gnu', 'armv7-unknown-linux-gnueabihf'],
    ['linux/arm/v7', 'musl', 'armv7-unknown-linux-musleabihf'],
    ['linux/arm/v6', 'gnu', 'arm-unknown-linux-gnueabihf'],
    ['linux/arm/v6', 'musl', 'arm-unknown-linux-musleabihf'],
    ['linux/386', 'gnu', 'i686-unknown-linux-gnu'],
    ['linux/ppc64le', 'gnu', 'powerpc64le-unknown-linux-gnu'],
    ['linux/s390x', 'gnu', 's390x-unknown-linux-gnu'],
    ['linux/riscv64', 'gnu', 'riscv64gc-unknown-linux-gnu'],
  ]
  for (const [platform, libc, triple] of cases) {
    test(`${platform} + ${libc} → ${triple}`, () => assert.equal(tripleForDockerPlatform(platform, libc), triple))
  }
  test('unknown platforms map to nothing', () => assert.equal(tripleForDockerPlatform('linux/mips', 'gnu'), undefined))
  test('every platform maps back to itself through its triples', () => {
    for (const platform of dockerPlatforms().filter((p) => p !== 'linux/arm64/v8')) {
      for (const libc of ['gnu', 'musl'] as const) {
        assert.equal(targetFacts(tripleForDockerPlatform(platform, libc) ?? '').dockerPlatform, platform)
      }
    }
  })
})

describe('target facts', () => {
  const cases: [string, Partial<ReturnType<typeof targetFacts>>][] = [
    [
      'aarch64-unknown-linux-gnu',
      {
        family: 'aarch64',
        libc: 'gnu',
        gnuTriple: 'aarch64-linux-gnu',
        debianArch: 'arm64',
        zigTarget: 'aarch64-linux-gnu',
        qemu: 'qemu-aarch64',
        underscored: 'aarch64_unknown_linux_gnu',
        cargoEnvName: 'AARCH64_UNKNOWN_LINUX_GNU',
      },
    ],
    ['x86_64-unknown-linux-musl', { family: 'x86_64', libc: 'musl', zigTarget: 'x86_64-linux-musl', qemu: 'qemu-x86_64', debianArch: 'amd64' }],
    ['armv7-unknown-linux-gnueabihf', { family: 'arm', libc: 'gnu', gnuTriple: 'arm-linux-gnueabihf', debianArch: 'armhf', zigTarget: 'arm-linux-gnueabihf', qemu: 'qemu-arm' }],
    ['armv7-unknown-linux-musleabihf', { family: 'arm', libc: 'musl', zigTarget: 'arm-linux-musleabihf' }],
    ['arm-unknown-linux-gnueabi', { family: 'arm', gnuTriple: 'arm-linux-gnueabi', debianArch: 'armel' }],
    ['i686-unknown-linux-gnu', { family: 'x86', gnuTriple: 'i686-linux-gnu', zigTarget: 'x86-linux-gnu', qemu: 'qemu-i386' }],
    ['riscv64gc-unknown-linux-gnu', { family: 'riscv64', gnuTriple: 'riscv64-linux-gnu', debianArch: 'riscv64' }],
    ['powerpc64le-unknown-linux-gnu', { family: 'powerpc64', gnuTriple: 'powerpc64le-linux-gnu', debianArch: 'ppc64el' }],
    ['x86_64-pc-windows-msvc', { os: 'windows', libc: 'other', gnuTriple: undefined, zigTarget: undefined }],
    ['aarch64-apple-darwin', { os: 'macos', family: 'aarch64', libc: 'other', env: '' }],
  ]
  for (const [triple, expected] of cases) {
    test(triple, () => {
      const facts = targetFacts(triple)
      for (const [key, value] of Object.entries(expected)) assert.equal(facts[key as keyof typeof facts], value, key)
    })
  }
})

describe('suggestions for misspelt names', () => {
  const list = ['aarch64-unknown-linux-gnu', 'aarch64-unknown-linux-musl', 'x86_64-unknown-linux-gnu', 'armv7-unknown-linux-gnueabihf']
  test('a typo finds the intended triple first', () => assert.equal(closest('aarch64-unknonw-linux-gnu', list)[0], 'aarch64-unknown-linux-gnu'))
  test('the wrong libc spelling', () => assert.equal(closest('x86_64-unknown-linux-glibc', list)[0], 'x86_64-unknown-linux-gnu'))
  test('nothing close gives nothing', () => assert.deepEqual(closest('wasm', list), []))
})
