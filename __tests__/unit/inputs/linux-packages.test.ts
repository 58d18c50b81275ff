import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { targetFacts } from '../../../src/common/target.js'
import { InputError } from '../../../src/errors.js'
import {
  checkLinuxPackageTarget,
  debArchitecture,
  debFileName,
  debLibraryDepends,
  debPackageName,
  debVersion,
  parseLinuxPackageFormats,
  rpmArchitecture,
  rpmFileName,
  rpmVersion,
} from '../../../src/inputs/linux-packages.js'

describe('packages input', () => {
  test.each([
    ['', []],
    ['deb', ['deb']],
    ['rpm, deb', ['deb', 'rpm']],
    ['DEB\nrpm\ndeb', ['deb', 'rpm']],
  ])('%j → %j', (value, formats) => assert.deepEqual(parseLinuxPackageFormats(value), formats))
  test('an unknown format names itself', () => {
    assert.throws(
      () => parseLinuxPackageFormats('deb, apk'),
      (error: unknown) => error instanceof InputError && error.input === 'packages' && /unknown package format 'apk'/.test(error.message),
    )
  })
  test.each(['x86_64-pc-windows-gnu', 'aarch64-apple-darwin', 'wasm32-unknown-unknown'])('%s: refused, not Linux', (triple) => {
    assert.throws(() => checkLinuxPackageTarget(['deb'], targetFacts(triple)), /deb and rpm packages are for Linux targets/)
  })
  test('a Linux target without a known architecture is refused', () => {
    assert.throws(() => checkLinuxPackageTarget(['rpm'], targetFacts('mips-unknown-linux-gnu')), /has no rpm architecture name the action knows/)
  })
  test('no formats: any target', () => assert.doesNotThrow(() => checkLinuxPackageTarget([], targetFacts('x86_64-pc-windows-msvc'))))
})

describe("architecture names are the distributions' own", () => {
  test.each([
    ['x86_64-unknown-linux-gnu', 'amd64', 'x86_64'],
    ['x86_64-unknown-linux-musl', 'amd64', 'x86_64'],
    ['aarch64-unknown-linux-gnu', 'arm64', 'aarch64'],
    ['aarch64-unknown-linux-musl', 'arm64', 'aarch64'],
    ['armv7-unknown-linux-gnueabihf', 'armhf', 'armv7hl'],
    ['armv7-unknown-linux-musleabihf', 'armhf', 'armv7hl'],
    ['armv7-unknown-linux-gnueabi', 'armel', 'armv7l'],
    ['arm-unknown-linux-gnueabihf', 'armhf', 'armv6hl'],
    ['armv5te-unknown-linux-gnueabi', 'armel', 'armv5tel'],
    ['i686-unknown-linux-gnu', 'i386', 'i686'],
    ['powerpc64le-unknown-linux-gnu', 'ppc64el', 'ppc64le'],
    ['s390x-unknown-linux-gnu', 's390x', 's390x'],
    ['riscv64gc-unknown-linux-gnu', 'riscv64', 'riscv64'],
  ])('%s: deb %s, rpm %s', (triple, deb, rpm) => {
    assert.equal(debArchitecture(targetFacts(triple)), deb)
    assert.equal(rpmArchitecture(targetFacts(triple)), rpm)
  })
})

describe('versions sort as the crate versions do', () => {
  test.each([
    ['1.2.3', '1', '1.2.3-1', '1.2.3'],
    ['1.2.3-rc.1', '1', '1.2.3~rc.1-1', '1.2.3~rc.1'],
    ['1.2.3-beta', '2', '1.2.3~beta-2', '1.2.3~beta'],
    ['1.2.3-alpha-1', '1', '1.2.3~alpha-1-1', '1.2.3~alpha_1'],
    ['1.2.3+build.5', '1', '1.2.3+build.5-1', '1.2.3+build.5'],
    ['1.2.3-rc.1+g1234', '', '1.2.3~rc.1+g1234', '1.2.3~rc.1+g1234'],
    ['0.1.0', '0', '0.1.0', '0.1.0'],
  ])('%s (revision %j): deb %s, rpm %s', (crate, revision, deb, rpm) => {
    assert.equal(debVersion(crate, revision), deb)
    assert.equal(rpmVersion(crate), rpm)
  })
  test('file names', () => {
    assert.equal(debFileName('pkg-hello', '1:1.2.3~rc.1-1', 'arm64'), 'pkg-hello_1.2.3~rc.1-1_arm64.deb')
    assert.equal(rpmFileName('pkg_hello', '1.2.3~rc.1', '1', 'aarch64'), 'pkg_hello-1.2.3~rc.1-1.aarch64.rpm')
    assert.equal(debPackageName('My_Tool'), 'my-tool')
  })
})

describe('Depends from what the binaries link', () => {
  test.each([
    ['static musl binaries: nothing', [{ dynamic: false, needed: [] }], [], []],
    [
      'a gnu binary: libc6 at its highest GLIBC_ and libgcc-s1',
      [{ dynamic: true, glibc: '2.34', needed: ['libgcc_s.so.1', 'libc.so.6', 'ld-linux-x86-64.so.2'] }],
      ['libc6 (>= 2.34)', 'libgcc-s1'],
      [],
    ],
    [
      'two binaries: the highest glibc of both',
      [
        { dynamic: true, glibc: '2.17', needed: ['libc.so.6'] },
        { dynamic: true, glibc: '2.28', needed: ['libc.so.6', 'libm.so.6'] },
      ],
      ['libc6 (>= 2.28)'],
      [],
    ],
    ['an unknown library is reported', [{ dynamic: true, glibc: '2.9', needed: ['libc.so.6', 'libssl.so.3'] }], ['libc6 (>= 2.9)'], ['libssl.so.3']],
  ])('%s', (_name, binaries, depends, unknown) => assert.deepEqual(debLibraryDepends(binaries), { depends, unknown }))
})
