import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { installArgs, isInstalledToolchain, missingComponents, missingTargets, parseRustcVersion, parseToolchainFile, rustupToolchainEnv, type ToolchainFile } from '../../../src/setup/toolchain.js'

describe('toolchain files', () => {
  const spec = (channel: string, more: Partial<ToolchainFile> = {}): Omit<ToolchainFile, 'file'> => ({ channel, components: [], targets: [], ...more })
  const cases: [string, string, Omit<ToolchainFile, 'file'> | undefined][] = [
    ['rust-toolchain.toml', '[toolchain]\nchannel = "1.85.0"\ncomponents = ["clippy"]\n', spec('1.85.0', { components: ['clippy'] })],
    ['rust-toolchain.toml', '[toolchain]\nprofile = "minimal"\n', undefined],
    ['rust-toolchain', 'nightly-2025-01-01\n', spec('nightly-2025-01-01')],
    ['rust-toolchain', '[toolchain]\nchannel = "beta"\n', spec('beta')],
    ['rust-toolchain', '\n', undefined],
    [
      'rust-toolchain.toml',
      '[toolchain]\nchannel = "1.96.0"\ncomponents = ["rust-src", "llvm-tools"]\ntargets = ["aarch64-unknown-linux-gnu", "wasm32-unknown-unknown"]\nprofile = "default"\n',
      spec('1.96.0', { components: ['rust-src', 'llvm-tools'], targets: ['aarch64-unknown-linux-gnu', 'wasm32-unknown-unknown'], profile: 'default' }),
    ],
    ['rust-toolchain.toml', '[toolchain]\nchannel = " stable "\ntargets = []\n', spec('stable')],
  ]
  for (const [file, text, expected] of cases) test(`${file}: ${JSON.stringify(text)}`, () => assert.deepEqual(parseToolchainFile(text, file), expected))

  // Values that would reach rustup's command line as options, or that rustup would refuse.
  const refused: [string, string, RegExp][] = [
    ['rust-toolchain.toml', '[toolchain]\nchannel = "1.96.0"\ncomponents = "rust-src"\n', /rust-toolchain\.toml: toolchain\.components must be a list of names .*not "rust-src"/],
    ['rust-toolchain.toml', '[toolchain]\nchannel = "1.96.0"\ntargets = ["--force"]\n', /toolchain\.targets must be a list of names such as "aarch64-unknown-linux-gnu", not \["--force"\]/],
    ['rust-toolchain.toml', '[toolchain]\nchannel = "1.96.0"\ncomponents = [1]\n', /toolchain\.components must be a list/],
    ['rust-toolchain.toml', '[toolchain]\nchannel = "1.96.0"\nprofile = "everything"\n', /toolchain\.profile must be one of minimal, default, complete, not "everything"/],
    ['rust-toolchain.toml', '[toolchain]\nchannel = "--help"\n', /toolchain\.channel must be a toolchain name .*not "--help"/],
    ['rust-toolchain', '-v\n', /rust-toolchain: the first line must be a toolchain name .*not "-v"/],
  ]
  for (const [file, text, message] of refused) test(`refused: ${JSON.stringify(text)}`, () => assert.throws(() => parseToolchainFile(text, file), message))
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
  test('rustup 1.29 with nothing installed', () => assert.equal(isInstalledToolchain('no installed toolchains\n', 'stable'), false))
})

describe('rustc -vV', () => {
  test('host and release', () => {
    assert.deepEqual(parseRustcVersion('rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 20.1.8\n'), {
      host: 'x86_64-unknown-linux-gnu',
      release: '1.95.0',
    })
  })
})

describe('rustup toolchain install', () => {
  const cases: [string, Parameters<typeof installArgs>[1], string[]][] = [
    ['1.96.0', { components: [], targets: [] }, ['toolchain', 'install', '1.96.0', '--profile', 'minimal', '--no-self-update']],
    [
      '1.96.0',
      { components: ['rust-src', 'clippy'], targets: ['aarch64-unknown-linux-gnu'] },
      ['toolchain', 'install', '1.96.0', '--profile', 'minimal', '--component', 'rust-src,clippy', '--target', 'aarch64-unknown-linux-gnu', '--no-self-update'],
    ],
    [
      'nightly-2025-01-01',
      { components: [], targets: ['wasm32-unknown-unknown', 'x86_64-unknown-linux-musl'], profile: 'default' },
      ['toolchain', 'install', 'nightly-2025-01-01', '--profile', 'default', '--target', 'wasm32-unknown-unknown,x86_64-unknown-linux-musl', '--no-self-update'],
    ],
  ]
  for (const [name, wants, args] of cases) test(`${name} ${JSON.stringify(wants)}`, () => assert.deepEqual(installArgs(name, wants), args))
})

describe('what an installed toolchain lacks', () => {
  // `rustup component list --installed` and `rustup target list --installed` as rustup 1.29 prints them.
  const components =
    'cargo-x86_64-unknown-linux-gnu\nclippy-x86_64-unknown-linux-gnu\nrust-src\nrust-std-aarch64-unknown-linux-gnu\nrust-std-x86_64-unknown-linux-gnu\nrustc-x86_64-unknown-linux-gnu\n'
  const host = 'x86_64-unknown-linux-gnu'
  const componentCases: [string[], string[]][] = [
    [['rust-src'], []],
    [['clippy', 'rustfmt'], ['rustfmt']],
    [
      ['llvm-tools', 'rust-src', 'miri'],
      ['llvm-tools', 'miri'],
    ],
    [['rust-std-aarch64-unknown-linux-gnu'], []],
    [['rust-std-riscv64gc-unknown-linux-gnu'], ['rust-std-riscv64gc-unknown-linux-gnu']],
    [[], []],
  ]
  for (const [requested, missing] of componentCases) test(`components ${requested.join(', ') || '(none)'}`, () => assert.deepEqual(missingComponents(requested, components, host), missing))
  test('another host names its components with its own triple', () => assert.deepEqual(missingComponents(['clippy'], components, 'aarch64-unknown-linux-gnu'), ['clippy']))

  const targets = 'aarch64-unknown-linux-gnu\nx86_64-unknown-linux-gnu\n'
  const targetCases: [string[], string[]][] = [
    [['aarch64-unknown-linux-gnu'], []],
    [['aarch64-unknown-linux-gnu', 'wasm32-unknown-unknown'], ['wasm32-unknown-unknown']],
    [['aarch64-unknown-linux'], ['aarch64-unknown-linux']],
  ]
  for (const [requested, missing] of targetCases) test(`targets ${requested.join(', ')}`, () => assert.deepEqual(missingTargets(requested, targets), missing))
})

describe("the toolchain's environment", () => {
  const bin = '/home/runner/.rustup/toolchains/1.96.0-x86_64-unknown-linux-gnu/bin'
  const cases: [string, string[], string, string][] = [
    ['its bin folder first, before the proxies and /usr/bin', [bin, bin], '/home/runner/.cargo/bin:/usr/bin:/bin', `${bin}:/home/runner/.cargo/bin:/usr/bin:/bin`],
    ['a fake cargo earlier on PATH comes after it', [bin, bin], '/tmp/fake:/home/runner/.cargo/bin:/usr/bin', `${bin}:/tmp/fake:/home/runner/.cargo/bin:/usr/bin`],
    ['already on PATH: moved to the front, once', [bin, bin], `/usr/bin:${bin}:/bin`, `${bin}:/usr/bin:/bin`],
    ['cargo and rustc in two folders (a linked toolchain)', ['/opt/cargo/bin', bin], '/usr/bin', `/opt/cargo/bin:${bin}:/usr/bin`],
    ['an empty PATH', [bin, bin], '', bin],
  ]
  for (const [name, bins, runnerPath, expected] of cases) {
    test(name, () => assert.deepEqual(rustupToolchainEnv('1.96.0', bins, runnerPath), { RUSTUP_TOOLCHAIN: '1.96.0', RUSTUP_AUTO_INSTALL: '0', PATH: expected }))
  }
})
