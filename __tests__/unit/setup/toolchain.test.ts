import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { isInstalledToolchain, parseRustcVersion, parseToolchainFile } from '../../../src/setup/toolchain.js'

describe('toolchain files', () => {
  const cases: [string, string, string | undefined][] = [
    ['rust-toolchain.toml', '[toolchain]\nchannel = "1.85.0"\ncomponents = ["clippy"]\n', '1.85.0'],
    ['rust-toolchain.toml', '[toolchain]\nprofile = "minimal"\n', undefined],
    ['rust-toolchain', 'nightly-2025-01-01\n', 'nightly-2025-01-01'],
    ['rust-toolchain', '[toolchain]\nchannel = "beta"\n', 'beta'],
    ['rust-toolchain', '\n', undefined],
  ]
  for (const [file, text, channel] of cases) test(`${file}: ${JSON.stringify(text)}`, () => assert.equal(parseToolchainFile(text, file), channel))
})

describe('installed toolchains', () => {
  const list = 'stable-x86_64-unknown-linux-gnu (active, default)\nnightly-x86_64-unknown-linux-gnu\n1.85.0-x86_64-unknown-linux-gnu\nmy-custom\n'
  const cases: [string, boolean][] = [
    ['stable', true],
    ['nightly', true],
    ['1.85.0', true],
    ['1.85', false],
    ['beta', false],
    ['my-custom', true],
    ['stable-x86_64-unknown-linux-gnu', true],
  ]
  for (const [name, installed] of cases) test(name, () => assert.equal(isInstalledToolchain(list, name), installed))
})

describe('rustc -vV', () => {
  test('host and release', () => {
    assert.deepEqual(parseRustcVersion('rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 20.1.8\n'), {
      host: 'x86_64-unknown-linux-gnu',
      release: '1.95.0',
    })
  })
})
