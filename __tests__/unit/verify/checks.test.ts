import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import type { BinaryInfo } from '../../../src/verify/elf.js'
import { targetFacts, type Host } from '../../../src/common/target.js'
import { checkBinary, crtStatic, expectationFor, judgeSmoke, linkage, rustflagsCpu } from '../../../src/verify/checks.js'
import { multiarchLibcPath, smokePlan, smokeRequirements, testRunner } from '../../../src/common/emulator.js'
import { arm64, mac, x64 } from '../../support/hosts.js'

describe('rustflags facts', () => {
  const table: [string[], boolean | undefined, string | undefined][] = [
    [[], undefined, undefined],
    [['-Ctarget-feature=+crt-static'], true, undefined],
    [['-C', 'target-feature=+aes,+crt-static', '-C', 'target-cpu=x86-64-v2'], true, 'x86-64-v2'],
    [['-Ctarget-feature=+crt-static', '--codegen=target-feature=-crt-static'], false, undefined],
    [['-Ctarget-cpu=native', '-Ctarget-cpu=haswell'], undefined, 'haswell'],
  ]
  for (const [flags, crt, cpu] of table) {
    test(flags.join(' ') || '(none)', () => {
      assert.equal(crtStatic(flags), crt)
      assert.equal(rustflagsCpu(flags), cpu)
    })
  }
})

const elf = (over: Partial<BinaryInfo>): BinaryInfo => ({ format: 'elf', arch: 'x86_64', bits: 64, endian: 'little', needed: [], ...over })
const dynamic = { interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'], glibc: '2.34' }

describe('header checks', () => {
  const table: { name: string; triple: string; flags?: string[]; maxGlibc?: string; info: BinaryInfo; problems: RegExp[] }[] = [
    { name: 'gnu dynamic is fine', triple: 'x86_64-unknown-linux-gnu', info: elf(dynamic), problems: [] },
    { name: 'wrong architecture', triple: 'aarch64-unknown-linux-gnu', info: elf(dynamic), problems: [/app is built for x86_64, not aarch64/] },
    {
      name: 'musl must be static',
      triple: 'x86_64-unknown-linux-musl',
      info: elf(dynamic),
      problems: [/program interpreter .* must be static: x86_64-unknown-linux-musl links musl statically/, /needs shared libraries \(libc\.so\.6\)/],
    },
    { name: 'musl with -crt-static may be dynamic', triple: 'x86_64-unknown-linux-musl', flags: ['-Ctarget-feature=-crt-static'], info: elf(dynamic), problems: [] },
    {
      name: '+crt-static on gnu',
      triple: 'aarch64-unknown-linux-gnu',
      flags: ['-C', 'target-feature=+crt-static'],
      info: elf({ arch: 'aarch64', needed: ['libc.so.6'] }),
      problems: [/must be static: the rustflags ask for \+crt-static/],
    },
    { name: 'glibc above the ceiling', triple: 'x86_64-unknown-linux-gnu', maxGlibc: '2.28', info: elf(dynamic), problems: [/app needs GLIBC_2\.34, newer than max-glibc 2\.28/] },
    { name: 'glibc at the ceiling', triple: 'x86_64-unknown-linux-gnu', maxGlibc: '2.34', info: elf(dynamic), problems: [] },
    { name: '32-bit arm', triple: 'armv7-unknown-linux-gnueabihf', info: elf({ arch: 'arm', bits: 32 }), problems: [] },
    { name: 'ARMv6 code on ARMv6', triple: 'arm-unknown-linux-gnueabihf', info: elf({ arch: 'arm', bits: 32, ...dynamic, armArch: 'v6', armThumb: 'thumb1' }), problems: [] },
    { name: 'ARMv6KZ (ARM1176) is ARMv6', triple: 'arm-unknown-linux-musleabihf', info: elf({ arch: 'arm', bits: 32, armArch: 'v6KZ', armThumb: 'thumb1' }), problems: [] },
    {
      name: 'ARMv7 code on an ARMv6 target',
      triple: 'arm-unknown-linux-gnueabihf',
      info: elf({ arch: 'arm', bits: 32, armArch: 'v7', armThumb: 'thumb2' }),
      problems: [/holds ARM v7 Thumb-2 code, which an ARMv6 CPU/],
    },
    { name: 'Thumb-2 on an ARMv6 target', triple: 'arm-unknown-linux-musleabi', info: elf({ arch: 'arm', bits: 32, armArch: 'v6T2', armThumb: 'thumb2' }), problems: [/holds ARM v6T2 Thumb-2 code/] },
    { name: 'ARMv6 target without attributes', triple: 'arm-unknown-linux-gnueabihf', info: elf({ arch: 'arm', bits: 32 }), problems: [/no ARM build attributes/] },
    { name: 'ARMv7 code on armv7', triple: 'armv7-unknown-linux-gnueabihf', info: elf({ arch: 'arm', bits: 32, armArch: 'v7', armThumb: 'thumb2' }), problems: [] },
    { name: 'class mismatch', triple: 'armv7-unknown-linux-gnueabihf', info: elf({ arch: 'arm', bits: 64 }), problems: [/64-bit, expected 32-bit/] },
    { name: 'endianness', triple: 's390x-unknown-linux-gnu', info: elf({ arch: 's390x', endian: 'little' }), problems: [/little-endian, expected big-endian/] },
    { name: 'ppc64le is little', triple: 'powerpc64le-unknown-linux-gnu', info: elf({ arch: 'powerpc64' }), problems: [] },
    { name: 'windows wants PE', triple: 'x86_64-pc-windows-msvc', info: elf({}), problems: [/ELF file, expected PE/] },
    {
      name: 'universal Mach-O holds the arch',
      triple: 'aarch64-apple-darwin',
      info: { format: 'macho', arch: 'x86_64+aarch64', arches: ['x86_64', 'aarch64'], bits: 64, endian: 'little', needed: [] },
      problems: [],
    },
  ]
  for (const row of table) {
    test(row.name, () => {
      const problems = checkBinary('app', row.info, expectationFor(targetFacts(row.triple), row.flags ?? [], row.maxGlibc))
      assert.equal(problems.length, row.problems.length, problems.join('\n'))
      row.problems.forEach((pattern, i) => assert.match(problems[i] ?? '', pattern))
    })
  }
  test('linkage', () => {
    assert.equal(linkage(elf({})), 'static')
    assert.equal(linkage(elf(dynamic)), 'libc.so.6')
  })
})

describe('smoke test command lines on the declared baseline', () => {
  const table: { name: string; triple: string; host: Host; cpu?: string; multiarch?: boolean; expected: string[] | RegExp }[] = [
    { name: 'x86_64 default: qemu64', triple: 'x86_64-unknown-linux-gnu', host: x64, expected: ['qemu-x86_64', '-cpu', 'qemu64', '/b', '--version'] },
    { name: 'x86-64-v2: Nehalem', triple: 'x86_64-unknown-linux-musl', host: x64, cpu: 'x86-64-v2', expected: ['qemu-x86_64', '-cpu', 'Nehalem', '/b', '--version'] },
    { name: 'x86-64-v3: Haswell', triple: 'x86_64-unknown-linux-gnu', host: x64, cpu: 'x86-64-v3', expected: ['qemu-x86_64', '-cpu', 'Haswell', '/b', '--version'] },
    { name: 'native is held to the default', triple: 'x86_64-unknown-linux-gnu', host: x64, cpu: 'native', expected: ['qemu-x86_64', '-cpu', 'qemu64', '/b', '--version'] },
    { name: 'x86-64-v4: natively (no AVX-512 in qemu)', triple: 'x86_64-unknown-linux-gnu', host: x64, cpu: 'x86-64-v4', expected: ['/b', '--version'] },
    {
      name: 'aarch64 gnu on x86_64: a generic core with the cross loader and its own libc',
      triple: 'aarch64-unknown-linux-gnu',
      host: x64,
      expected: ['qemu-aarch64', '-cpu', 'cortex-a53', '-L', '/usr/aarch64-linux-gnu', '-E', 'LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib', '/b', '--version'],
    },
    {
      name: 'aarch64 gnu with the multiarch libc installed: the multiarch root whole',
      triple: 'aarch64-unknown-linux-gnu',
      host: x64,
      multiarch: true,
      expected: ['qemu-aarch64', '-cpu', 'cortex-a53', '-L', '/', '/b', '--version'],
    },
    { name: 'aarch64 neoverse-n1', triple: 'aarch64-unknown-linux-musl', host: x64, cpu: 'neoverse-n1', expected: ['qemu-aarch64', '-cpu', 'neoverse-n1', '/b', '--version'] },
    { name: 'aarch64 on aarch64: natively', triple: 'aarch64-unknown-linux-gnu', host: arm64, cpu: 'generic', expected: ['/b', '--version'] },
    {
      name: 'armv7: qemu-arm on a Cortex-A7',
      triple: 'armv7-unknown-linux-gnueabihf',
      host: x64,
      expected: ['qemu-arm', '-cpu', 'cortex-a7', '-L', '/usr/arm-linux-gnueabihf', '-E', 'LD_LIBRARY_PATH=/usr/arm-linux-gnueabihf/lib', '/b', '--version'],
    },
    { name: 'armv7 musl: static, no library path', triple: 'armv7-unknown-linux-musleabihf', host: x64, expected: ['qemu-arm', '-cpu', 'cortex-a7', '/b', '--version'] },
    { name: 'ARMv6 musl: on an ARM1176', triple: 'arm-unknown-linux-musleabihf', host: x64, expected: ['qemu-arm', '-cpu', 'arm1176', '/b', '--version'] },
    { name: 'ARMv6 gnu: the armhf libc here is ARMv7', triple: 'arm-unknown-linux-gnueabihf', host: x64, multiarch: true, expected: ['qemu-arm', '-cpu', 'cortex-a7', '-L', '/', '/b', '--version'] },
    { name: 'armv7 with target-cpu cortex-a9', triple: 'armv7-unknown-linux-musleabihf', host: x64, cpu: 'cortex-a9', expected: ['qemu-arm', '-cpu', 'cortex-a9', '/b', '--version'] },
    {
      name: 'i686 gnu with the multiarch libc (i386-linux-gnu)',
      triple: 'i686-unknown-linux-gnu',
      host: x64,
      multiarch: true,
      expected: ['qemu-i386', '-L', '/', '/b', '--version'],
    },
    { name: 'macOS on macOS', triple: 'aarch64-apple-darwin', host: mac, expected: ['/b', '--version'] },
    { name: 'Windows gnu on Linux: wine64', triple: 'x86_64-pc-windows-gnu', host: x64, expected: ['/usr/lib/wine/wine64', '/b', '--version'] },
    { name: 'i686 Windows on Linux: skipped, as wine64 would exit 0 without running it', triple: 'i686-pc-windows-gnu', host: x64, expected: /needs 32-bit wine .*wine64 exits 0 without running it/ },
    { name: 'Windows msvc on Linux: skipped', triple: 'x86_64-pc-windows-msvc', host: x64, expected: /cannot run on this linux x86_64 runner/ },
  ]
  for (const row of table) {
    test(row.name, () => {
      const plan = smokePlan('/b', ['--version'], targetFacts(row.triple), row.host, row.cpu, row.multiarch)
      if (row.expected instanceof RegExp) assert.match('skip' in plan ? plan.skip : '', row.expected)
      else assert.deepEqual('command' in plan ? plan.command : plan, row.expected)
    })
  }
  test('the ARMv6 gnu smoke test says what it ran on and why', () => {
    const plan = smokePlan('/b', [], targetFacts('arm-unknown-linux-gnueabihf'), x64, undefined)
    assert.match('how' in plan ? plan.how : '', /^qemu-arm -cpu cortex-a7 \(the runner's armhf C library is ARMv7.*ARMv6 by its ELF attributes\)$/)
  })
  test('the multiarch libc of i686 is found under i386-linux-gnu', () => {
    assert.equal(multiarchLibcPath(targetFacts('i686-unknown-linux-gnu')), '/lib/i386-linux-gnu/libc.so.6')
    assert.equal(multiarchLibcPath(targetFacts('aarch64-unknown-linux-gnu')), '/lib/aarch64-linux-gnu/libc.so.6')
  })
  test('requirements: qemu for x86_64 baselines and foreign targets, the cross libc for gnu', () => {
    assert.deepEqual(smokeRequirements(targetFacts('x86_64-unknown-linux-gnu'), x64), [{ command: 'qemu-x86_64', packages: ['qemu-user'] }])
    assert.deepEqual(smokeRequirements(targetFacts('aarch64-unknown-linux-gnu'), x64), [
      { command: 'qemu-aarch64', packages: ['qemu-user'] },
      { command: 'aarch64-linux-gnu-gcc', packages: ['libc6-arm64-cross'] },
    ])
    assert.deepEqual(smokeRequirements(targetFacts('aarch64-unknown-linux-gnu'), arm64), [])
    assert.deepEqual(smokeRequirements(targetFacts('x86_64-pc-windows-gnu'), x64), [{ path: '/usr/lib/wine/wine64', packages: ['wine64'] }])
    assert.deepEqual(smokeRequirements(targetFacts('i686-pc-windows-gnu'), x64), [])
    assert.deepEqual(smokeRequirements(targetFacts('aarch64-unknown-linux-gnu'), x64, true), [{ command: 'qemu-aarch64', packages: ['qemu-user'] }])
  })
})

describe('smoke outcomes', () => {
  const base = { code: 0, stdout: 'app 1.0\n', stderr: '', timedOut: false }
  const table: { name: string; result: Parameters<typeof judgeSmoke>[0]; passed: boolean; detail: RegExp }[] = [
    { name: 'passes', result: base, passed: true, detail: /^app 1\.0$/ },
    { name: 'SIGILL natively', result: { ...base, code: 128, signal: 'SIGILL' }, passed: false, detail: /^SIGILL \(illegal instruction\) on Nehalem/ },
    { name: 'SIGILL under qemu', result: { ...base, code: 132, stderr: 'qemu: uncaught target signal 4 (Illegal instruction) - core dumped' }, passed: false, detail: /^SIGILL/ },
    { name: 'timeout', result: { ...base, code: 128, timedOut: true }, passed: false, detail: /did not exit within 60 s/ },
    { name: 'exit code', result: { ...base, code: 2, stderr: 'error: unknown flag' }, passed: false, detail: /^exit code 2: error: unknown flag$/ },
  ]
  for (const row of table) {
    test(row.name, () => {
      const judged = judgeSmoke(row.result, 'qemu-x86_64 -cpu Nehalem', 'Nehalem')
      assert.equal(judged.passed, row.passed)
      assert.match(judged.detail, row.detail)
    })
  }
})

describe('cargo test runner under qemu: one loader and its libc', () => {
  const table: { name: string; triple: string; multiarch: boolean; cpu?: string; runner?: string[] }[] = [
    {
      name: 'aarch64, cross sysroot only',
      triple: 'aarch64-unknown-linux-gnu',
      multiarch: false,
      runner: ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu', '-E', 'LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib'],
    },
    { name: 'aarch64, multiarch libc installed', triple: 'aarch64-unknown-linux-gnu', multiarch: true, runner: ['qemu-aarch64', '-L', '/'] },
    { name: 'ARMv6 musl on an ARM1176', triple: 'arm-unknown-linux-musleabihf', multiarch: false, runner: ['qemu-arm', '-cpu', 'arm1176'] },
    // The baseline, not the target's default: ARMv7 code dies on the ARM1176.
    { name: 'ARMv6 musl built for a Cortex-A7 runs its tests on one', triple: 'arm-unknown-linux-musleabihf', multiarch: false, cpu: 'cortex-a7', runner: ['qemu-arm', '-cpu', 'cortex-a7'] },
    { name: 'armv7 musl built for a Cortex-A15', triple: 'armv7-unknown-linux-musleabihf', multiarch: false, cpu: 'cortex-a15', runner: ['qemu-arm', '-cpu', 'cortex-a15'] },
    { name: 'target-cpu=native is no baseline: the target default', triple: 'armv7-unknown-linux-musleabihf', multiarch: false, cpu: 'native', runner: ['qemu-arm', '-cpu', 'cortex-a7'] },
    { name: 'armv7 gnu on a Cortex-A7', triple: 'armv7-unknown-linux-gnueabihf', multiarch: true, runner: ['qemu-arm', '-cpu', 'cortex-a7', '-L', '/'] },
    { name: 'x86_64 on x86_64: no runner', triple: 'x86_64-unknown-linux-musl', multiarch: false },
  ]
  for (const row of table) {
    test(row.name, () => assert.deepEqual(testRunner('both', targetFacts(row.triple), x64, row.multiarch, row.cpu).runner, row.runner))
  }
  test('the cross libc package is required only without the multiarch libc', () => {
    assert.equal(testRunner('test', targetFacts('aarch64-unknown-linux-gnu'), x64, false).requirements.length, 2)
    assert.equal(testRunner('test', targetFacts('aarch64-unknown-linux-gnu'), x64, true).requirements.length, 1)
  })
})
