import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { targetFacts } from '../../../src/common/target.js'
import { InputError } from '../../../src/errors.js'
import { parseInputs } from '../../../src/inputs/parse.js'
import { planDebugSplit, resolveDebugSplit } from '../../../src/setup/debug-symbols.js'
import { debugFileName } from '../../../src/stage/stage.js'
import { runnerReader } from '../../support/action-inputs.js'

const reader = (values: Record<string, string>): ((name: string) => string) => runnerReader('action.yml', values)

describe('debug-symbols: how each target splits', () => {
  test.each([
    ['aarch64-unknown-linux-gnu', 'x86_64', undefined, { format: 'objcopy', candidates: [['aarch64-linux-gnu-objcopy'], ['llvm-objcopy']] }],
    ['x86_64-unknown-linux-musl', 'x86_64', '/z/zig', { format: 'objcopy', candidates: [['x86_64-linux-gnu-objcopy'], ['objcopy'], ['llvm-objcopy'], ['/z/zig', 'objcopy']] }],
    ['x86_64-unknown-freebsd', 'x86_64', undefined, { format: 'objcopy', candidates: [['objcopy'], ['llvm-objcopy']] }],
    ['x86_64-pc-windows-gnu', 'x86_64', '/z/zig', { format: 'objcopy', candidates: [['x86_64-w64-mingw32-objcopy'], ['llvm-objcopy']] }],
    ['x86_64-pc-windows-msvc', 'x86_64', undefined, { format: 'pdb', candidates: [] }],
    ['aarch64-apple-darwin', 'x86_64', undefined, { format: 'dsymutil', candidates: [['dsymutil'], ['llvm-dsymutil']] }],
    ['aarch64-apple-ios', 'aarch64', undefined, { format: 'dsymutil', candidates: [['dsymutil'], ['llvm-dsymutil']] }],
  ])('%s (host %s, zig %s)', (triple, host, zig, expected) => {
    assert.deepEqual(planDebugSplit(targetFacts(triple), host, zig), expected)
  })

  test.each(['wasm32-unknown-unknown', 'wasm32-wasip1', 'x86_64-unknown-uefi', 'nvptx64-nvidia-cuda'])('%s cannot split: the reason names the target', (triple) => {
    assert.match(String(planDebugSplit(targetFacts(triple), 'x86_64')), new RegExp(`^${triple} builds neither ELF, PE nor Mach-O`))
  })

  test('a target that cannot split is an input error naming debug-symbols and the target', async () => {
    await assert.rejects(resolveDebugSplit(targetFacts('wasm32-unknown-unknown'), 'x86_64'), (error: unknown) => {
      assert.ok(error instanceof InputError)
      assert.match(error.message, /debug-symbols/)
      assert.match(error.message, /wasm32-unknown-unknown builds neither ELF, PE nor Mach-O binaries/)
      return true
    })
  })

  test.each([
    ['hello', 'objcopy', 'hello.debug'],
    ['hello.exe', 'objcopy', 'hello.debug'],
    ['hello.exe', 'pdb', 'hello.pdb'],
    ['hello', 'dsymutil', 'hello.dSYM'],
  ] as [string, 'objcopy' | 'pdb' | 'dsymutil', string][])('%s with %s → %s', (binary, format, name) => assert.equal(debugFileName(binary, format), name))
})

describe('debug-symbols, cache-save and cache-on-failure inputs', () => {
  test('defaults: no debug symbols, save, not after a failure', () => {
    const inputs = parseInputs(reader({ target: 'x86_64-unknown-linux-gnu' }))
    assert.deepEqual([inputs.debugSymbols, inputs.cacheSave, inputs.cacheOnFailure], [false, true, false])
  })
  test('given', () => {
    const inputs = parseInputs(reader({ target: 'x86_64-unknown-linux-gnu', 'debug-symbols': 'true', 'cache-save': 'false', 'cache-on-failure': 'true' }))
    assert.deepEqual([inputs.debugSymbols, inputs.cacheSave, inputs.cacheOnFailure], [true, false, true])
  })
  test.each([
    ['debug-symbols', 'yes please'],
    ['cache-save', "${{ github.ref == 'refs/heads/main' }}"],
    ['cache-on-failure', 'always'],
  ])('%s: %s is not a boolean', (name, value) => {
    assert.throws(
      () => parseInputs(reader({ target: 'x86_64-unknown-linux-gnu', [name]: value })),
      (error: unknown) => error instanceof InputError && error.message.includes(name) && error.message.includes(value) && /expected true or false/.test(error.message),
    )
  })
})
