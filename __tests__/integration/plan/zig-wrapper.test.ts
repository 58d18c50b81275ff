/**
 * The zig wrapper against the real zig the action pins (0.13.0): the arguments the cc crate
 * and rustc pass for each target go through the rendered wrapper (rules from planLinker,
 * the CPU from zigCpu), and zig's output shows the rewrite was needed and is right: the
 * objects' ARM attributes (readelf -A), the compiler's feature macros, and binaries that
 * link and run.
 */
import { beforeAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { zigCpu, type Baseline } from '../../../src/common/cpu.js'
import { targetFacts } from '../../../src/common/target.js'
import { renderCompilerWrapper } from '../../../src/plan/wrappers.js'
import { planLinker } from '../../../src/setup/linker.js'
import { ZIG_DIR } from '../../support/harness.js'

const ZIG = path.join(ZIG_DIR, 'zig')
const HOST = { triple: 'x86_64-unknown-linux-gnu', family: 'x86_64', os: 'linux' as const }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zig-wrapper-'))
const env = { ...process.env, ZIG_GLOBAL_CACHE_DIR: path.join(dir, 'zig-cache'), ZIG_LOCAL_CACHE_DIR: path.join(dir, 'zig-local') }
const source = path.join(dir, 'scale.c')

/** The cc wrapper the plan writes for a target, around the real zig. */
function wrapperFor(triple: string, baseline: Baseline = { features: [] }): string {
  const facts = targetFacts(triple)
  const linker = planLinker('zig', facts, HOST)
  const file = path.join(dir, `cc-${triple}-${baseline.cpu ?? 'default'}`)
  const content = renderCompilerWrapper({
    command: [ZIG, 'cc', '-target', linker.zigTarget ?? ''],
    baselineFlags: [],
    logFile: path.join(dir, 'native-flags.log'),
    dropArgs: linker.dropArgs,
    renameArgs: linker.renameArgs,
    trailingFlags: [`-mcpu=${zigCpu(facts, baseline)}`],
  })
  fs.writeFileSync(file, content, { mode: 0o755 })
  return file
}

function zig(args: string[]): { code: number; output: string } {
  const result = spawnSync(ZIG, ['cc', ...args], { env, encoding: 'utf8' })
  return { code: result.status ?? -1, output: result.stdout + result.stderr }
}

const attributes = (object: string): string => execFileSync('readelf', ['-A', object], { encoding: 'utf8' })
const macros = (compiler: string, args: string[]): string => execFileSync(compiler, [...args, '-dM', '-E', '-x', 'c', '/dev/null'], { env, encoding: 'utf8' })

beforeAll(() => {
  fs.writeFileSync(source, 'double scale(double x) { return x * 1.5; }\n')
})

describe('zig 0.13 rejects what the wrapper drops', () => {
  // What the cc crate (1.0.73 and 1.2) passes, and what rustc passes to the linker.
  test.each([
    ['arm-linux-musleabihf', ['-march=armv7-a', '-mfpu=vfpv3-d16'], /unknown CPU: 'armv7'/],
    ['arm-linux-musleabihf', ['-march=armv6', '-marm', '-mfpu=vfp'], /unknown CPU: 'armv6'/],
    ['riscv64-linux-musl', ['-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany'], /unknown CPU: 'rv64gc'/],
    ['x86_64-linux-musl', ['--target=x86_64-unknown-linux-musl'], /UnknownOperatingSystem/],
  ])('%s %j', (target, args, message) => {
    const result = zig(['-target', target, ...args, '-c', source, '-o', path.join(dir, 'rejected.o')])
    assert.notEqual(result.code, 0)
    assert.match(result.output, message)
  })
  test('s390x has no default CPU clang accepts: zig needs one named', () => {
    const result = zig(['-target', 's390x-linux-gnu', '-c', source, '-o', path.join(dir, 's390x.o')])
    assert.notEqual(result.code, 0)
    assert.match(result.output, /unknown target CPU 'generic'/)
  })
  test('-march=i686 is accepted but is a CPU without SSE2 (Rust’s i686 is a Pentium 4)', () => {
    assert.doesNotMatch(macros(ZIG, ['cc', '-target', 'x86-linux-musl', '-march=i686']), /__SSE2__/)
  })
  test('the last CPU flag wins, whatever its name: -mtune=generic after -mcpu=cortex_a7 gives ARMv4', () => {
    const object = path.join(dir, 'last.o')
    assert.equal(zig(['-target', 'arm-linux-musleabihf', '-mcpu=cortex_a7', '-mtune=generic', '-c', source, '-o', object]).code, 0)
    assert.match(attributes(object), /Tag_CPU_arch: v4\n/)
  })
})

describe('through the wrapper, the same arguments give Rust’s baseline', () => {
  test.each([
    ['armv7-unknown-linux-musleabihf', ['-march=armv7-a', '-mfpu=vfpv3-d16'], [/Tag_CPU_arch: v7\n/, /Tag_THUMB_ISA_use: Thumb-2/, /Tag_FP_arch: VFPv3-D16/], /Advanced_SIMD/],
    ['armv7-unknown-linux-gnueabihf', ['-march=armv7-a', '-mfpu=vfpv3-d16'], [/Tag_CPU_arch: v7\n/, /Tag_FP_arch: VFPv3-D16/], /Advanced_SIMD/],
    ['arm-unknown-linux-musleabihf', ['-march=armv6', '-marm', '-mfpu=vfp'], [/Tag_CPU_arch: v6\n/, /Tag_THUMB_ISA_use: Thumb-1/, /Tag_FP_arch: VFPv2/], /Thumb-2/],
    ['arm-unknown-linux-gnueabihf', ['-march=armv6', '-marm', '-mfpu=vfp', '-march=native'], [/Tag_CPU_arch: v6\n/, /Tag_FP_arch: VFPv2/], /Thumb-2/],
    ['thumbv7neon-unknown-linux-gnueabihf', ['-march=armv7-a', '-mfpu=neon'], [/Tag_CPU_arch: v7\n/, /Tag_Advanced_SIMD_arch: NEONv1/], /VFPv3-D16/],
  ])('%s: %j', (triple, args, present, absent) => {
    const object = path.join(dir, `${triple}.o`)
    execFileSync(wrapperFor(triple), [...args, '-O2', '-c', source, '-o', object], { env })
    const text = attributes(object)
    for (const pattern of present) assert.match(text, pattern)
    assert.doesNotMatch(text, absent)
  })
  test.each([
    ['i686-unknown-linux-musl', ['-m32', '-march=i686'], [/__SSE2__/]],
    ['riscv64gc-unknown-linux-musl', ['-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany'], [/__riscv_mul/, /__riscv_atomic/, /__riscv_flen 64/, /__riscv_float_abi_double/, /__riscv_compressed/]],
    ['s390x-unknown-linux-gnu', [], [/__ARCH__ 8/]],
    ['powerpc64le-unknown-linux-gnu', ['-m64'], [/_ARCH_PWR8/]],
  ])('%s: %j', (triple, args, present) => {
    const text = macros(wrapperFor(triple), args)
    for (const pattern of present) assert.match(text, pattern)
  })
  test('the user’s target-cpu and target-features win over the build script’s -march=native', () => {
    const text = macros(wrapperFor('x86_64-unknown-linux-musl', { cpu: 'x86-64-v3', features: ['-avx2'] }), ['-march=native'])
    assert.match(text, /__FMA__/)
    assert.doesNotMatch(text, /__AVX2__|__AVX512F__/)
  })
})

describe('links what rustc asks for and runs', () => {
  // rustc 1.96's link line for a bin on musl with -Clink-self-contained=no, plus what cdylibs
  // and crates with -crt-static add (-lgcc_s, --exclude-libs, --no-undefined-version).
  const linkArgs = (bits: string, emulation: string[]): string[] => [
    bits,
    ...emulation,
    '-Wl,--as-needed',
    '-Wl,-Bstatic',
    '-lunwind',
    '-lc',
    '-Wl,-Bdynamic',
    '-lgcc_s',
    '-Wl,--eh-frame-hdr',
    '-Wl,-z,noexecstack',
    '-Wl,--gc-sections',
    '-static-pie',
    '-Wl,-z,relro,-z,now',
    '-Wl,-O1',
    '-Wl,--strip-debug',
    '-Wl,--exclude-libs,ALL',
    '-Wl,--no-undefined-version',
    '-nodefaultlibs',
  ]
  const main = path.join(dir, 'main.c')
  test.each([
    ['x86_64-unknown-linux-musl', linkArgs('-m64', []), []],
    ['i686-unknown-linux-musl', linkArgs('-m32', ['-Wl,-melf_i386']), ['qemu-i386']],
  ])('%s', (triple, args, runner) => {
    fs.writeFileSync(main, '#include <stdio.h>\nint main(void) { printf("hello %d\\n", (int)sizeof(void *)); return 0; }\n')
    const cc = wrapperFor(triple)
    const object = path.join(dir, `${triple}-main.o`)
    const binary = path.join(dir, `${triple}-main`)
    execFileSync(cc, ['-O2', '-c', main, '-o', object], { env })
    execFileSync(cc, [object, '-o', binary, ...args], { env, stdio: 'pipe' })
    // zig gives a static executable: -static-pie is accepted but the result is not position-independent.
    const headers = execFileSync('readelf', ['-h', '-l', binary], { encoding: 'utf8' })
    assert.match(headers, /Type:\s+EXEC/)
    assert.doesNotMatch(headers, /INTERP/)
    const [program = '', ...rest] = [...runner, binary]
    assert.equal(execFileSync(program, rest, { encoding: 'utf8' }), `hello ${triple.startsWith('i686') ? 4 : 8}\n`)
  })
  test('without the wrapper the same link fails on the arguments it drops and renames', () => {
    const object = path.join(dir, 'x86_64-unknown-linux-musl-main.o')
    for (const [arg, message] of [
      ['-lgcc_s', /unable to find dynamic system library 'gcc_s'/],
      ['-Wl,--exclude-libs,ALL', /unsupported linker arg: --exclude-libs/],
      ['-Wl,-melf_x86_64', /unsupported linker arg: -melf_x86_64/],
    ] as const) {
      const result = zig(['-target', 'x86_64-linux-musl', object, '-o', path.join(dir, 'unwrapped'), arg])
      assert.notEqual(result.code, 0, arg)
      assert.match(result.output, message)
    }
  })
})
