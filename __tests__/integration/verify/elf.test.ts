/**
 * The header reader against real binaries compiled here (gcc, the aarch64 cross gcc,
 * musl-gcc, zig for Mach-O), each checked against readelf's view of the same file.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { binaryFormat, readBinary } from '../../../src/verify/elf.js'
import { compareVersions } from '../../../src/common/version.js'
import { readelf, ZIG_DIR } from '../../support/harness.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elf-'))
const source = path.join(dir, 'hello.c')
fs.writeFileSync(source, '#include <stdio.h>\n#include <math.h>\nint main(int c, char **v) { printf("%f\\n", sqrt((double)c)); return 0; }\n')

function compile(name: string, program: string, args: string[]): string {
  const out = path.join(dir, name)
  execFileSync(program, [...args, source, '-o', out, '-lm'], { stdio: 'pipe' })
  return out
}

const cases = [
  { name: 'x86_64 gnu, dynamic', cc: 'gcc', args: ['-O1'], arch: 'x86_64', machine: /X86-64/, dynamic: true },
  { name: 'aarch64 gnu, dynamic', cc: 'aarch64-linux-gnu-gcc', args: ['-O1'], arch: 'aarch64', machine: /AArch64/, dynamic: true },
  { name: 'x86_64 musl, static', cc: 'musl-gcc', args: ['-static', '-O1'], arch: 'x86_64', machine: /X86-64/, dynamic: false },
  { name: 'x86_64 gnu, static-pie', cc: 'gcc', args: ['-static-pie', '-O1'], arch: 'x86_64', machine: /X86-64/, dynamic: false },
]

describe('ELF facts agree with readelf', () => {
  for (const c of cases) {
    test(c.name, () => {
      const file = compile(c.name.replace(/\W+/g, '-'), c.cc, c.args)
      const info = readBinary(fs.readFileSync(file))
      const expected = readelf(file)
      assert.equal(info.format, 'elf')
      assert.equal(info.arch, c.arch)
      assert.match(expected.machine, c.machine)
      assert.equal(info.bits, 64)
      assert.equal(info.endian, 'little')
      assert.equal(info.interpreter !== undefined, expected.interpreter)
      assert.equal(info.interpreter !== undefined, c.dynamic)
      assert.deepEqual(info.needed, expected.needed)
      assert.equal(info.glibc, expected.glibc)
      if (c.dynamic) {
        assert.ok(info.needed.includes('libc.so.6'), info.needed.join(' '))
        assert.match(info.glibc ?? '', /^2\.\d+/)
      }
    })
  }

  test('a stripped section table changes nothing (dynamic data comes from program headers)', () => {
    const file = compile('nosections', 'gcc', ['-O1'])
    const before = readBinary(fs.readFileSync(file))
    const bytes = fs.readFileSync(file)
    // Zero e_shoff/e_shnum/e_shstrndx, as sstrip does.
    bytes.fill(0, 0x28, 0x30)
    bytes.fill(0, 0x3c, 0x40)
    assert.deepEqual(readBinary(bytes), before)
  })
})

describe('ARM build attributes agree with readelf -A', () => {
  const zig = path.join(ZIG_DIR, 'zig')
  const stub = path.join(dir, 'arm-start.c')
  fs.writeFileSync(stub, 'double scale(double x) { return x * 1.5; }\nvoid _start(void) { for (;;) scale(2.0); }\n')
  const table = [
    { name: 'zig for the ARM1176 (ARMv6)', args: ['-target', 'arm-linux-musleabihf', '-mcpu=arm1176jzf_s'], arch: 'v6', thumb: 'thumb1', readelf: /Tag_CPU_arch: v6\n/ },
    { name: 'zig for Rust’s armv7 baseline', args: ['-target', 'arm-linux-musleabihf', '-mcpu=cortex_a8-neon-d32'], arch: 'v7', thumb: 'thumb2', readelf: /Tag_CPU_arch: v7\b/ },
  ]
  for (const row of table) {
    test(row.name, () => {
      const out = path.join(dir, `${row.arch}.bin`)
      const env = { ...process.env, ZIG_GLOBAL_CACHE_DIR: path.join(dir, 'zig-cache') }
      // Compile and link apart, as cargo and the cc crate do: zig (0.11 and 0.13) compiling and
      // linking in one command with -O1 ignores -mcpu for the file.
      execFileSync(zig, ['cc', ...row.args, '-c', '-O1', stub, '-o', `${out}.o`], { stdio: 'pipe', env })
      execFileSync(zig, ['cc', ...row.args, '-nostdlib', '-static', `${out}.o`, '-o', out], { stdio: 'pipe', env })
      const attributes = execFileSync('readelf', ['-A', out], { encoding: 'utf8' })
      assert.match(attributes, row.readelf)
      const info = readBinary(fs.readFileSync(out))
      assert.equal(info.arch, 'arm')
      assert.equal(info.armArch, row.arch)
      assert.equal(info.armThumb, row.thumb)
      assert.match(attributes, row.thumb === 'thumb2' ? /Tag_THUMB_ISA_use: Thumb-2/ : /Tag_THUMB_ISA_use: Thumb-1/)
    })
  }
})

describe('other formats, architecture only', () => {
  test('Mach-O from zig (x86_64 and aarch64)', () => {
    const zig = path.join(ZIG_DIR, 'zig')
    const stub = path.join(dir, 'start.c')
    fs.writeFileSync(stub, 'int start(void) { return 0; }\n')
    for (const [target, arch] of [
      ['x86_64-macos', 'x86_64'],
      ['aarch64-macos', 'aarch64'],
    ] as const) {
      const out = path.join(dir, `${target}.bin`)
      execFileSync(zig, ['cc', '-target', target, '-nostdlib', '-Wl,-e,_start', stub, '-o', out], { stdio: 'pipe' })
      assert.match(execFileSync('file', ['-b', out], { encoding: 'utf8' }), /^Mach-O 64-bit/)
      assert.deepEqual(readBinary(fs.readFileSync(out)), { format: 'macho', arch, bits: 64, endian: 'little', needed: [] })
    }
  })

  const pe = (machine: number, magic: number): Uint8Array => {
    const bytes = new Uint8Array(0x100)
    const view = new DataView(bytes.buffer)
    bytes.set([0x4d, 0x5a])
    view.setUint32(0x3c, 0x80, true)
    view.setUint32(0x80, 0x50450000, false)
    view.setUint16(0x84, machine, true)
    view.setUint16(0x80 + 24, magic, true)
    return bytes
  }
  const table = [
    { name: 'PE32+ x86_64', bytes: pe(0x8664, 0x20b), arch: 'x86_64', bits: 64 },
    { name: 'PE32+ aarch64', bytes: pe(0xaa64, 0x20b), arch: 'aarch64', bits: 64 },
    { name: 'PE32 i686', bytes: pe(0x14c, 0x10b), arch: 'x86', bits: 32 },
  ]
  for (const row of table) {
    test(row.name, () => {
      const info = readBinary(row.bytes)
      assert.equal(info.format, 'pe')
      assert.equal(info.arch, row.arch)
      assert.equal(info.bits, row.bits)
    })
  }

  test('not an executable', () => {
    assert.equal(binaryFormat(new TextEncoder().encode('#!/bin/sh\necho hi\n')), undefined)
    assert.throws(() => readBinary(new TextEncoder().encode('#!/bin/sh\necho hi\n')), /not an ELF, PE or Mach-O/)
    assert.throws(() => readBinary(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])), /truncated ELF/)
  })
})

describe('glibc version order', () => {
  const table: [string, string, number][] = [
    ['2.17', '2.28', -1],
    ['2.34', '2.4', 1],
    ['2.3.4', '2.3', 1],
    ['2.28', '2.28', 0],
  ]
  for (const [a, b, sign] of table) test(`${a} vs ${b}`, () => assert.equal(Math.sign(compareVersions(a, b)), sign))
})
