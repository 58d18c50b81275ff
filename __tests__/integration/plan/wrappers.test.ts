import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { renderCompilerWrapper, shellQuote, summariseWrapperLog, wrapArgs, type CompilerWrapper } from '../../../src/plan/wrappers.js'
import { zigCpu } from '../../../src/common/cpu.js'
import { targetFacts } from '../../../src/common/target.js'
import { planLinker } from '../../../src/setup/linker.js'

/** Writes the wrapper around a fake compiler that prints its argv, one per line, and runs it. */
function runWrapper(baselineFlags: string[], args: string[]): { argv: string[]; log: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrapper-'))
  const fake = path.join(dir, 'fake cc')
  fs.writeFileSync(fake, '#!/bin/sh\nfor a do printf "%s\\n" "$a"; done\n', { mode: 0o755 })
  const log = path.join(dir, "it's.log")
  const wrapper = path.join(dir, 'cc')
  fs.writeFileSync(
    wrapper,
    renderCompilerWrapper({
      command: [fake, '-target', 'x86_64-linux-musl'],
      baselineFlags,
      logFile: log,
      dropArgs: ['--target=*', '-Wl,--no-undefined-version'],
      renameArgs: { '-lgcc_s': '-lunwind' },
    }),
    { mode: 0o755 },
  )
  const output = execFileSync(wrapper, args, { cwd: dir, encoding: 'utf8' })
  return { argv: output.split('\n').slice(0, -1), log: fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '' }
}

describe('the compiler wrapper, run for real', () => {
  test('baseline first, then the build script’s arguments', () => {
    const { argv, log } = runWrapper(['-march=x86-64-v2'], ['-O2', '-c', 'a.c'])
    assert.deepEqual(argv, ['-target', 'x86_64-linux-musl', '-march=x86-64-v2', '-O2', '-c', 'a.c'])
    assert.equal(log, '')
  })
  test('-march=native, -mcpu=native and -mtune=native are replaced and logged', () => {
    const { argv, log } = runWrapper(['-march=x86-64-v2'], ['-march=native', '-O3', '-mtune=native', '-mcpu=native', 'x.c'])
    assert.deepEqual(argv, ['-target', 'x86_64-linux-musl', '-march=x86-64-v2', '-O3', 'x.c'])
    const summary = summariseWrapperLog(log)
    assert.equal(summary.count, 3)
    assert.deepEqual(summary.flags.sort(), ['-march=native', '-mcpu=native', '-mtune=native'])
    assert.match(log, /replaced -march=native with -march=x86-64-v2 in /)
  })
  test('without a baseline native is still removed: the target’s default CPU', () => {
    const { argv, log } = runWrapper([], ['-march=native', 'x.c'])
    assert.deepEqual(argv, ['-target', 'x86_64-linux-musl', 'x.c'])
    assert.match(log, /with the target's default CPU/)
  })
  test('arguments with spaces, quotes and shell syntax pass through untouched', () => {
    const tricky = ['-DNAME="a b"', "it's", '$(id)', '`id`', '*', '-march=native-ish', '']
    const { argv } = runWrapper(['-march=x86-64'], tricky)
    assert.deepEqual(argv, ['-target', 'x86_64-linux-musl', '-march=x86-64', ...tricky])
  })
  test('zig filters: rejected arguments dropped, libgcc’s unwinder renamed', () => {
    const { argv } = runWrapper([], ['--target=x86_64-unknown-linux-musl', '-Wl,--no-undefined-version', '-lgcc_s', '-o', 'out', '--targetish'])
    assert.deepEqual(argv, ['-target', 'x86_64-linux-musl', '-lunwind', '-o', 'out', '--targetish'])
  })
  test('zig: the shell script runs exactly what wrapArgs says, CPU flags out and one -mcpu last', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrapper-'))
    const fake = path.join(dir, 'fake zig')
    fs.writeFileSync(fake, '#!/bin/sh\nfor a do printf "%s\\n" "$a"; done\n', { mode: 0o755 })
    const host = { triple: 'x86_64-unknown-linux-gnu', family: 'x86_64', os: 'linux' as const }
    for (const triple of ['i686-unknown-linux-musl', 'arm-unknown-linux-gnueabihf', 'armv7-unknown-linux-musleabihf']) {
      const facts = targetFacts(triple)
      const linker = planLinker('auto', facts, host)
      const spec: CompilerWrapper = {
        command: [fake, 'cc', '-target', facts.zigTarget ?? ''],
        baselineFlags: [],
        logFile: path.join(dir, 'log'),
        dropArgs: linker.dropArgs,
        renameArgs: linker.renameArgs,
        trailingFlags: [`-mcpu=${zigCpu(facts, { features: [] })}`],
      }
      const wrapper = path.join(dir, `cc-${triple}`)
      fs.writeFileSync(wrapper, renderCompilerWrapper(spec), { mode: 0o755 })
      const args = ['-m32', '-march=i686', '-Wl,-melf_i386', '-march=native', '-march=armv6', '-marm', '-mfpu=vfp', '-lgcc_s', '-mtune=generic', '-Wl,-mllvm,x', 'a b.c']
      const output = execFileSync(wrapper, args, { cwd: dir, encoding: 'utf8' })
      assert.deepEqual(output.split('\n').slice(0, -1), wrapArgs(spec, args).argv.slice(1))
      assert.equal(output.split('\n').at(-2), `-mcpu=${zigCpu(facts, { features: [] })}`)
    }
  })
  test('shell quoting', () => assert.equal(shellQuote("a'b"), `'a'\\''b'`))
})
