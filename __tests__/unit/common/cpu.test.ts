import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { cFlagsForBaseline, expandFeatures, parseTargetCpus, parseTargetFeatures, rustFlagsForBaseline, zigCpu } from '../../../src/common/cpu.js'
import { targetFacts } from '../../../src/common/target.js'
import { InputError } from '../../../src/errors.js'

const FEATURES_OUTPUT = `Features supported by rustc for this target:
    aes                             - Enable AES instructions.
    avx                             - Enable AVX instructions.
    avx2                            - Enable AVX2 instructions.
    avx512bw                        - Enable AVX-512 Byte and Word Instructions.
    avx512f                         - Enable AVX-512 instructions.
    avx512vl                        - Enable AVX-512 Vector Length eXtensions.
    crt-static                      - Enables C Run-time Libraries to be statically linked.

Code-generation features supported by LLVM for this target:
    avx512er                        - Enable AVX-512 Exponential and Reciprocal Instructions.
    prefer-256-bit                  - Prefer 256-bit AVX instructions.

Use +feature to enable a feature, or -feature to disable it.
`

describe('target-features output', () => {
  test('rustc and LLVM sections are told apart', () => {
    const known = parseTargetFeatures(FEATURES_OUTPUT)
    assert.deepEqual(known.rust, ['aes', 'avx', 'avx2', 'avx512bw', 'avx512f', 'avx512vl', 'crt-static'])
    assert.deepEqual(known.llvm, ['avx512er', 'prefer-256-bit'])
  })
  test('target-cpus lists names', () => {
    assert.deepEqual(parseTargetCpus('Available CPUs for this target:\n    native                  - Select the CPU of the current host (currently rocketlake).\n    x86-64\n    x86-64-v2\n'), [
      'native',
      'x86-64',
      'x86-64-v2',
    ])
  })
})

describe('feature groups expand over what rustc knows', () => {
  const known = parseTargetFeatures(FEATURES_OUTPUT)
  const cases: [string[], string[]][] = [
    [['-avx512'], ['-avx512bw', '-avx512f', '-avx512vl']],
    [
      ['+aes', '-avx512f'],
      ['+aes', '-avx512f'],
    ],
    [['+avx'], ['+avx']],
    [['+prefer-256-bit'], ['+prefer-256-bit']],
    [
      ['-avx512', '-avx512f'],
      ['-avx512bw', '-avx512f', '-avx512vl'],
    ],
  ]
  for (const [requested, expected] of cases) test(requested.join(','), () => assert.deepEqual(expandFeatures(requested, known), expected))
  test('an unknown feature is refused with a suggestion', () => {
    assert.throws(
      () => expandFeatures(['+avx3'], known),
      (error: unknown) => error instanceof InputError && error.input === 'target-features' && /did you mean .*\+avx2/.test(error.message),
    )
  })
})

describe('C flags for the baseline', () => {
  const cases: [string, string | undefined, string[], string[]][] = [
    ['x86_64', 'x86-64-v2', [], ['-march=x86-64-v2']],
    ['x86_64', 'x86-64-v3', ['-avx512f', '+aes'], ['-march=x86-64-v3', '-mno-avx512f', '-maes']],
    ['x86_64', undefined, ['+pclmulqdq', '+bmi1', '+cmpxchg16b', '+rdrand'], ['-mpclmul', '-mbmi', '-mcx16', '-mrdrnd']],
    ['x86_64', 'generic', [], []],
    ['x86_64', undefined, ['+crt-static'], []],
    ['x86', 'pentium4', [], ['-march=pentium4']],
    ['aarch64', 'neoverse-n1', [], ['-mcpu=neoverse-n1']],
    ['aarch64', 'neoverse-n1', ['-lse', '+neon'], ['-mcpu=neoverse-n1+nolse+simd']],
    ['aarch64', undefined, ['+lse'], ['-march=armv8-a+lse']],
    ['aarch64', 'generic', [], []],
    ['arm', 'cortex-a7', [], ['-mcpu=cortex-a7']],
    ['s390x', 'z14', [], ['-march=z14']],
    ['powerpc64', 'pwr9', [], ['-mcpu=pwr9']],
    ['x86_64', 'native', [], ['-march=native']],
  ]
  for (const [family, cpu, features, expected] of cases) {
    test(`${family} ${cpu ?? '(default)'} ${features.join(',')}`, () => assert.deepEqual(cFlagsForBaseline(family, { cpu, features }), expected))
  }
})

describe('rustc flags for the baseline', () => {
  test('cpu and features', () => assert.deepEqual(rustFlagsForBaseline({ cpu: 'x86-64-v2', features: ['-avx512f', '+aes'] }), ['-Ctarget-cpu=x86-64-v2', '-Ctarget-feature=-avx512f,+aes']))
  test('nothing asked, nothing added', () => assert.deepEqual(rustFlagsForBaseline({ features: [] }), []))
})

describe("zig's CPU: the target's baseline in zig's names", () => {
  const table: [string, string | undefined, string[], string | undefined][] = [
    // Defaults matched to rustc's target specs (measured with zig 0.11: docs/offline-testing.md).
    ['armv7-unknown-linux-musleabihf', undefined, [], 'cortex_a8-neon-d32'],
    ['armv7-unknown-linux-gnueabihf', 'generic', [], 'cortex_a8-neon-d32'],
    ['arm-unknown-linux-gnueabihf', undefined, [], 'arm1176jzf_s'],
    ['arm-unknown-linux-musleabihf', undefined, [], 'arm1176jzf_s'],
    ['arm-unknown-linux-musleabi', undefined, [], 'arm1176jzf_s'],
    ['i686-unknown-linux-musl', undefined, [], 'pentium4'],
    ['riscv64gc-unknown-linux-gnu', undefined, [], 'baseline_rv64'],
    ['x86_64-unknown-linux-musl', undefined, [], 'x86_64'],
    ['aarch64-unknown-linux-musl', undefined, [], 'baseline'],
    ['s390x-unknown-linux-gnu', undefined, [], 'z10'],
    // The user's baseline wins, spelt as zig spells it.
    ['x86_64-unknown-linux-musl', 'x86-64-v2', [], 'x86_64_v2'],
    ['x86_64-unknown-linux-musl', 'x86-64-v3', ['-avx512f', '+sse4.1', '+bmi1', '+crt-static'], 'x86_64_v3-avx512f+sse4_1+bmi'],
    ['armv7-unknown-linux-musleabihf', 'cortex-a7', [], 'cortex_a7'],
    ['arm-unknown-linux-gnueabihf', 'arm1176jzf-s', [], 'arm1176jzf_s'],
    ['aarch64-unknown-linux-musl', 'cortex-a72', ['+aes'], 'cortex_a72+aes'],
    ['x86_64-unknown-linux-musl', 'native', [], 'native'],
    ['loongarch64-unknown-linux-gnu', undefined, [], undefined],
  ]
  for (const [triple, cpu, features, expected] of table) {
    test(`${triple} ${cpu ?? '(default)'} ${features.join(',')}`, () => assert.equal(zigCpu(targetFacts(triple), { cpu, features }), expected))
  }
})
