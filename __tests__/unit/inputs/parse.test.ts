import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { parseInputs } from '../../../src/inputs/parse.js'
import { parseList, splitArgs } from '../../../src/inputs/readers.js'
import { InputError } from '../../../src/errors.js'
import { runnerReader } from '../../support/action-inputs.js'

// As on a runner: every input action.yml declares is set, to its default unless given.
const reader = (values: Record<string, string>): ((name: string) => string) => runnerReader('action.yml', values)

describe('every kind of target parses with every action.yml default set', () => {
  const kinds: [string, Record<string, string>, string, string][] = [
    ['x86_64-unknown-linux-gnu', {}, 'x86_64-unknown-linux-gnu', 'gnu'],
    ['x86_64-unknown-linux-musl', {}, 'x86_64-unknown-linux-musl', 'musl'],
    ['aarch64-unknown-linux-musl', {}, 'aarch64-unknown-linux-musl', 'musl'],
    ['armv7-unknown-linux-musleabihf', {}, 'armv7-unknown-linux-musleabihf', 'musl'],
    ['arm-unknown-linux-gnueabihf', {}, 'arm-unknown-linux-gnueabihf', 'gnu'],
    ['aarch64-apple-darwin', {}, 'aarch64-apple-darwin', 'gnu'],
    ['x86_64-pc-windows-msvc', {}, 'x86_64-pc-windows-msvc', 'gnu'],
    ['x86_64-pc-windows-gnu', {}, 'x86_64-pc-windows-gnu', 'gnu'],
    ['linux/arm64', {}, 'aarch64-unknown-linux-gnu', 'gnu'],
    ['linux/arm64', { libc: 'musl' }, 'aarch64-unknown-linux-musl', 'musl'],
    ['linux/arm/v7', { libc: 'gnu' }, 'armv7-unknown-linux-gnueabihf', 'gnu'],
    ['x86_64-unknown-linux-musl', { libc: 'musl' }, 'x86_64-unknown-linux-musl', 'musl'],
  ]
  test.each(kinds)('%s %o', (target, extra, triple, libc) => {
    const inputs = parseInputs(reader({ target, ...extra }))
    assert.equal(inputs.triple, triple)
    assert.equal(inputs.libc, libc)
  })
  test.each([
    ['x86_64-unknown-linux-musl', 'gnu', /triple 'x86_64-unknown-linux-musl' already names its libc \(musl\)/],
    ['aarch64-unknown-linux-gnu', 'musl', /already names its libc \(gnu\)/],
    ['aarch64-apple-darwin', 'musl', /has no gnu or musl C library/],
  ])('%s with libc %s contradicts the triple', (target, libc, message) => {
    assert.throws(
      () => parseInputs(reader({ target, libc })),
      (error: unknown) => error instanceof InputError && error.input === 'libc' && message.test(error.message),
    )
  })
})

describe('valid inputs', () => {
  test('defaults', () => {
    const inputs = parseInputs(reader({ target: 'aarch64-unknown-linux-gnu' }))
    assert.equal(inputs.triple, 'aarch64-unknown-linux-gnu')
    assert.equal(inputs.libc, 'gnu')
    assert.equal(inputs.linker, 'auto')
    assert.equal(inputs.command, 'build')
    assert.equal(inputs.profile, 'release')
    assert.equal(inputs.strip, true)
    assert.equal(inputs.buildStd, false)
    assert.equal(inputs.toolchain, undefined)
    assert.equal(inputs.workingDirectory, '.')
  })
  test('a Docker platform with libc', () => {
    const inputs = parseInputs(reader({ target: 'linux/arm/v7', libc: 'musl' }))
    assert.equal(inputs.triple, 'armv7-unknown-linux-musleabihf')
    assert.equal(inputs.targetAsGiven, 'linux/arm/v7')
  })
  test('lists accept commas and newlines', () => {
    const inputs = parseInputs(reader({ target: 'x86_64-unknown-linux-gnu', features: 'a, b\nc', bin: 'x\ny', 'target-features': '+aes,-avx512\n+sse4.2' }))
    assert.deepEqual(inputs.features, ['a', 'b', 'c'])
    assert.deepEqual(inputs.bins, ['x', 'y'])
    assert.deepEqual(inputs.targetFeatures, ['+aes', '-avx512', '+sse4.2'])
  })
  test('booleans in their YAML spellings', () => {
    const inputs = parseInputs(reader({ target: 'x86_64-unknown-linux-gnu', locked: 'True', strip: 'false', 'build-std': 'yes' }))
    assert.equal(inputs.locked, true)
    assert.equal(inputs.strip, false)
    assert.equal(inputs.buildStd, true)
  })
  test('glibc floor on a gnu target', () => assert.equal(parseInputs(reader({ target: 'aarch64-unknown-linux-gnu', glibc: '2.17' })).glibc, '2.17'))
  test('rustflags and args split like a command line, quotes kept together', () => {
    const inputs = parseInputs(reader({ target: 'x86_64-unknown-linux-gnu', rustflags: '-C debuginfo=1  --cfg tokio_unstable', args: `--timings --config 'profile.release.lto = true'` }))
    assert.deepEqual(inputs.rustflags, ['-C', 'debuginfo=1', '--cfg', 'tokio_unstable'])
    assert.deepEqual(inputs.args, ['--timings', '--config', 'profile.release.lto = true'])
  })
})

describe('bad input is refused with the input, the value and what to do', () => {
  const cases: [string, Record<string, string>, string, RegExp][] = [
    ['missing target', {}, 'target', /required/],
    ['a target that is no triple', { target: 'arm64' }, 'target', /not a Rust target triple/],
    ['unknown Docker platform', { target: 'linux/mips64' }, 'target', /linux\/arm64/],
    ['libc other than gnu/musl', { target: 'linux/arm64', libc: 'glibc' }, 'libc', /gnu, musl/],
    ['libc against a triple', { target: 'x86_64-unknown-linux-gnu', libc: 'musl' }, 'libc', /Docker-platform/],
    ['unknown linker', { target: 'x86_64-unknown-linux-gnu', linker: 'lld' }, 'linker', /auto, gcc, zig, none/],
    ['unknown command', { target: 'x86_64-unknown-linux-gnu', command: 'check' }, 'command', /build, test, both/],
    ['malformed glibc', { target: 'x86_64-unknown-linux-gnu', glibc: '2.x' }, 'glibc', /2\.17/],
    ['glibc with a musl target', { target: 'x86_64-unknown-linux-musl', glibc: '2.17' }, 'glibc', /musl/],
    ['glibc with linker gcc', { target: 'aarch64-unknown-linux-gnu', glibc: '2.17', linker: 'gcc' }, 'linker', /zig/],
    ['non-boolean boolean', { target: 'x86_64-unknown-linux-gnu', locked: 'maybe' }, 'locked', /true or false/],
    ['feature without a sign', { target: 'x86_64-unknown-linux-gnu', 'target-features': 'avx2' }, 'target-features', /sign/],
    ['cpu with shell characters', { target: 'x86_64-unknown-linux-gnu', 'target-cpu': 'x86-64;rm -rf /' }, 'target-cpu', /CPU name/],
    ['toolchain with a path', { target: 'x86_64-unknown-linux-gnu', toolchain: '../evil' }, 'toolchain', /rustup toolchain name/],
    ['unclosed quote in args', { target: 'x86_64-unknown-linux-gnu', args: `--config 'a` }, 'args', /quote/],
  ]
  for (const [name, values, input, advice] of cases) {
    test(name, () => {
      assert.throws(
        () => parseInputs(reader(values)),
        (error: unknown) => {
          assert.ok(error instanceof InputError, String(error))
          assert.equal(error.input, input)
          assert.match(error.message, new RegExp(`Input '${input}'`))
          assert.match(error.message, advice)
          return true
        },
      )
    })
  }
})

describe('list and argument splitting', () => {
  test('empty list', () => assert.deepEqual(parseList(' \n , '), []))
  test('double quotes and empty strings', () => assert.deepEqual(splitArgs(`a "b c" ''`), ['a', 'b c', '']))
  test('no shell expansion', () => assert.deepEqual(splitArgs('$(whoami) `id` *'), ['$(whoami)', '`id`', '*']))
})
