import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { InputError } from '../../../src/errors.js'
import type { LinkerChoice } from '../../../src/inputs/parse.js'
import { planLinker, zigCannotLink } from '../../../src/setup/linker.js'
import { mingwEnv } from '../../../src/setup/mingw.js'
import { targetFacts, type Host } from '../../../src/common/target.js'

const LINUX_X64: Host = { triple: 'x86_64-unknown-linux-gnu', family: 'x86_64', os: 'linux' }
const LINUX_ARM64: Host = { triple: 'aarch64-unknown-linux-gnu', family: 'aarch64', os: 'linux' }
const MACOS_ARM64: Host = { triple: 'aarch64-apple-darwin', family: 'aarch64', os: 'macos' }
const WINDOWS: Host = { triple: 'x86_64-pc-windows-msvc', family: 'x86_64', os: 'windows' }

describe('which linker each host/target/choice gets', () => {
  const cases: [string, Host, LinkerChoice, string | undefined, string, string][] = [
    ['aarch64-unknown-linux-gnu', LINUX_X64, 'auto', undefined, 'gcc', 'aarch64-linux-gnu-gcc'],
    ['armv7-unknown-linux-gnueabihf', LINUX_X64, 'auto', undefined, 'gcc', 'arm-linux-gnueabihf-gcc'],
    ['i686-unknown-linux-gnu', LINUX_X64, 'auto', undefined, 'gcc', 'i686-linux-gnu-gcc'],
    ['x86_64-unknown-linux-gnu', LINUX_ARM64, 'auto', undefined, 'gcc', 'x86_64-linux-gnu-gcc'],
    ['x86_64-unknown-linux-gnu', LINUX_X64, 'auto', undefined, 'host', 'the runner’s cc'],
    // musl on the runner's own architecture too: musl-gcc has no C++ compiler (zig c++ has).
    ['x86_64-unknown-linux-musl', LINUX_X64, 'auto', undefined, 'zig', 'zig cc -target x86_64-linux-musl'],
    ['x86_64-unknown-linux-musl', LINUX_X64, 'gcc', undefined, 'musl-gcc', 'musl-gcc'],
    ['aarch64-unknown-linux-musl', LINUX_X64, 'auto', undefined, 'zig', 'zig cc -target aarch64-linux-musl'],
    ['aarch64-unknown-linux-musl', LINUX_ARM64, 'auto', undefined, 'zig', 'zig cc -target aarch64-linux-musl'],
    ['aarch64-unknown-linux-musl', LINUX_ARM64, 'gcc', undefined, 'musl-gcc', 'musl-gcc'],
    ['aarch64-unknown-linux-gnu', LINUX_X64, 'auto', '2.17', 'zig', 'zig cc -target aarch64-linux-gnu.2.17'],
    ['x86_64-unknown-linux-gnu', LINUX_X64, 'auto', '2.28', 'zig', 'zig cc -target x86_64-linux-gnu.2.28'],
    ['x86_64-unknown-linux-musl', LINUX_X64, 'zig', undefined, 'zig', 'zig cc -target x86_64-linux-musl'],
    ['aarch64-unknown-linux-gnu', LINUX_X64, 'none', undefined, 'none', 'configured by the project'],
    ['aarch64-unknown-linux-gnu', MACOS_ARM64, 'auto', undefined, 'zig', 'zig cc -target aarch64-linux-gnu'],
    ['x86_64-apple-darwin', MACOS_ARM64, 'auto', undefined, 'native', 'the macos runner’s own toolchain'],
    ['aarch64-pc-windows-msvc', WINDOWS, 'auto', undefined, 'native', 'the windows runner’s own toolchain'],
    ['x86_64-pc-windows-gnu', WINDOWS, 'auto', undefined, 'native', 'the windows runner’s own toolchain'],
    ['x86_64-pc-windows-gnu', LINUX_X64, 'auto', undefined, 'gcc', 'x86_64-w64-mingw32-gcc-win32'],
    ['i686-pc-windows-gnu', LINUX_X64, 'auto', undefined, 'gcc', 'i686-w64-mingw32-gcc-win32'],
    ['x86_64-pc-windows-gnu', LINUX_ARM64, 'gcc', undefined, 'gcc', 'x86_64-w64-mingw32-gcc-win32'],
    // ARMv6: the distribution's armhf gcc and libc are ARMv7 + Thumb-2; zig builds for ARM1176.
    ['arm-unknown-linux-gnueabihf', LINUX_X64, 'auto', undefined, 'zig', 'zig cc -target arm-linux-gnueabihf'],
    ['arm-unknown-linux-gnueabi', LINUX_X64, 'auto', undefined, 'zig', 'zig cc -target arm-linux-gnueabi'],
    ['arm-unknown-linux-musleabihf', LINUX_X64, 'auto', undefined, 'zig', 'zig cc -target arm-linux-musleabihf'],
    ['armv7-unknown-linux-musleabihf', LINUX_X64, 'auto', undefined, 'zig', 'zig cc -target arm-linux-musleabihf'],
    ['i686-unknown-linux-musl', LINUX_X64, 'auto', undefined, 'zig', 'zig cc -target x86-linux-musl'],
  ]
  for (const [triple, host, choice, glibc, kind, description] of cases) {
    test(`${triple} on ${host.triple}, linker ${choice}${glibc ? `, glibc ${glibc}` : ''} → ${kind}`, () => {
      const plan = planLinker(choice, targetFacts(triple), host, glibc)
      assert.equal(plan.kind, kind)
      assert.equal(plan.description, description)
    })
  }

  test.each([
    ['aarch64-unknown-linux-gnu', '2.16', '2.17'],
    ['x86_64-unknown-linux-gnu', '2.2', '2.3'],
    ['armv7-unknown-linux-gnueabihf', '2.3', '2.4'],
    ['powerpc64le-unknown-linux-gnu', '2.18', '2.19'],
    ['riscv64gc-unknown-linux-gnu', '2.26', '2.27'],
  ])('%s: a glibc floor of %s is older than the architecture’s first glibc (%s)', (triple, below, lowest) => {
    assert.throws(
      () => planLinker('auto', targetFacts(triple), LINUX_X64, below),
      (error: unknown) => error instanceof InputError && error.input === 'glibc' && error.message.includes(`use glibc: ${lowest} or higher`),
    )
    assert.equal(planLinker('auto', targetFacts(triple), LINUX_X64, lowest).zigTarget, `${targetFacts(triple).zigTarget}.${lowest}`)
  })
  test('i686 has glibc from 2.0', () => assert.equal(planLinker('zig', targetFacts('i686-unknown-linux-gnu'), LINUX_X64, '2.0').zigTarget, 'x86-linux-gnu.2.0'))

  test('musl: zig has a C++ compiler for every musl target; musl-gcc (linker: gcc) has none', () => {
    for (const host of [LINUX_X64, LINUX_ARM64]) {
      const triple = `${host.family}-unknown-linux-musl`
      assert.deepEqual(planLinker('auto', targetFacts(triple), host).cxx, { program: 'zig', args: ['c++', '-target', `${host.family}-linux-musl`] })
      assert.equal(planLinker('gcc', targetFacts(triple), host).cxx, undefined)
    }
  })
  test('gcc installs the cross compiler and libc packages', () => {
    const plan = planLinker('auto', targetFacts('x86_64-unknown-linux-gnu'), LINUX_ARM64)
    assert.deepEqual(plan.requirements, [
      { command: 'x86_64-linux-gnu-gcc', packages: ['gcc-x86-64-linux-gnu', 'libc6-dev-amd64-cross'] },
      { command: 'x86_64-linux-gnu-g++', packages: ['g++-x86-64-linux-gnu'] },
    ])
  })
  test('zig for musl does not use rustc’s self-contained start files', () => {
    assert.deepEqual(planLinker('zig', targetFacts('aarch64-unknown-linux-musl'), LINUX_X64).linkFlags, ['-Clink-self-contained=no'])
    assert.deepEqual(planLinker('zig', targetFacts('aarch64-unknown-linux-gnu'), LINUX_X64).linkFlags, [])
  })

  test('mingw-w64 from the distribution, -win32 flavour, C++ too', () => {
    const plan = planLinker('auto', targetFacts('x86_64-pc-windows-gnu'), LINUX_X64)
    assert.deepEqual([plan.cc?.program, plan.cxx?.program, plan.ar?.program, plan.setsLinker], ['x86_64-w64-mingw32-gcc-win32', 'x86_64-w64-mingw32-g++-win32', 'x86_64-w64-mingw32-ar', true])
    assert.deepEqual(plan.requirements, [
      { command: 'x86_64-w64-mingw32-gcc-win32', packages: ['gcc-mingw-w64-x86-64-win32'] },
      { command: 'x86_64-w64-mingw32-g++-win32', packages: ['g++-mingw-w64-x86-64-win32'] },
    ])
    assert.deepEqual(planLinker('auto', targetFacts('i686-pc-windows-gnu'), LINUX_X64).requirements[0], { command: 'i686-w64-mingw32-gcc-win32', packages: ['gcc-mingw-w64-i686-win32'] })
  })
  test("mingw's environment: winapi links mingw's import libraries, C++ links libstdc++ statically", () => {
    assert.deepEqual(mingwEnv(targetFacts('x86_64-pc-windows-gnu')), { WINAPI_NO_BUNDLED_LIBRARIES: '1', CXXSTDLIB_x86_64_pc_windows_gnu: 'static=stdc++' })
  })

  const refused: [string, Host, LinkerChoice, string][] = [
    ['aarch64-pc-windows-gnullvm', LINUX_X64, 'auto', 'target'],
    ['x86_64-pc-windows-msvc', LINUX_X64, 'gcc', 'target'],
    ['aarch64-unknown-linux-musl', LINUX_X64, 'gcc', 'linker'],
    ['x86_64-pc-windows-msvc', LINUX_X64, 'auto', 'target'],
    ['x86_64-pc-windows-msvc', LINUX_X64, 'zig', 'linker'],
    ['aarch64-unknown-linux-gnu', WINDOWS, 'auto', 'target'],
    ['arm-unknown-linux-gnueabihf', LINUX_X64, 'gcc', 'linker'],
  ]
  for (const [triple, host, choice, input] of refused) {
    test(`${triple} with linker ${choice} on ${host.triple} is refused`, () => {
      assert.throws(
        () => planLinker(choice, targetFacts(triple), host),
        (error: unknown) => error instanceof InputError && error.input === input,
      )
    })
  }
})

describe('targets a zig release is known not to link', () => {
  // Measured linking a C hello world with zig 0.13.0, 0.14.1 and 0.15.2 (docs/offline-testing.md §8).
  const cases: [string, string, RegExp | undefined][] = [
    ['s390x-unknown-linux-gnu', '0.13.0', /compiler_rt for s390x fails .*zig 0\.14 links it/],
    ['s390x-unknown-linux-gnu', '0.14.1', undefined],
    ['loongarch64-unknown-linux-gnu', '0.13.0\n', /^zig 0\.13\.0 cannot link loongarch64-unknown-linux-gnu/],
    ['loongarch64-unknown-linux-musl', '0.15.2', undefined],
    ['riscv64gc-unknown-linux-gnu', '0.13.0', /cannot build glibc for riscv64 .*gnu\/stubs-lp64d\.h/],
    ['riscv64gc-unknown-linux-gnu', '0.14.0-dev.2271+f845fa04a', undefined],
    ['riscv64gc-unknown-linux-musl', '0.13.0', undefined],
    ['armv5te-unknown-linux-musleabi', '0.15.2', /__sync_lock_test_and_set_4/],
    ['armv5te-unknown-linux-gnueabi', '0.13.0', /linker: gcc without a glibc floor/],
    ['aarch64-unknown-linux-musl', '0.13.0', undefined],
    ['arm-unknown-linux-musleabihf', '0.13.0', undefined],
    ['s390x-unknown-linux-gnu', 'unreadable', undefined],
  ]
  test.each(cases)('%s with zig %j', (triple, version, expected) => {
    const message = zigCannotLink(targetFacts(triple), version)
    if (expected) assert.match(message ?? '', expected)
    else assert.equal(message, undefined)
  })
})
