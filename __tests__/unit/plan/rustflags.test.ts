import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { parseCfg } from '../../../src/common/cfg.js'
import { composeRustflags, encodeRustflags, projectRustflags } from '../../../src/plan/rustflags.js'
import type { ConfigFile } from '../../../src/plan/cargo-config.js'

const TRIPLE = 'x86_64-unknown-linux-gnu'
const ENV_NAME = 'X86_64_UNKNOWN_LINUX_GNU'
const CFG = parseCfg('target_arch="x86_64"\ntarget_os="linux"\nunix\n')

const home: ConfigFile = { path: '/home/.cargo/config.toml', data: { build: { rustflags: ['--cfg', 'home'] } } }
const project: ConfigFile = { path: '/p/.cargo/config.toml', data: { build: { rustflags: '-C target-cpu=native' } } }
const projectTarget: ConfigFile = {
  path: '/p/.cargo/config.toml',
  data: { target: { [TRIPLE]: { rustflags: ['--cfg', 'triple'] }, 'cfg(unix)': { rustflags: ['--cfg', 'unix'] }, 'cfg(windows)': { rustflags: ['--cfg', 'windows'] } } },
}

describe('the project flags come from the one source cargo would use', () => {
  const cases: [string, ConfigFile[], Record<string, string>, string[], RegExp][] = [
    ['nothing anywhere', [], {}, [], /^none$/],
    ['build.rustflags joined across files, home first', [home, project], {}, ['--cfg', 'home', '-C', 'target-cpu=native'], /\[build\].*home.*\[build\].*\/p\//],
    ['CARGO_BUILD_RUSTFLAGS joins after the files', [project], { CARGO_BUILD_RUSTFLAGS: '--cfg env' }, ['-C', 'target-cpu=native', '--cfg', 'env'], /CARGO_BUILD_RUSTFLAGS/],
    ['target tables beat build.rustflags; matching cfg tables join', [home, projectTarget], {}, ['--cfg', 'triple', '--cfg', 'unix'], /\[target\.x86_64-unknown-linux-gnu\].*cfg\(unix\)/],
    ['CARGO_TARGET_<T>_RUSTFLAGS joins the target tables', [projectTarget], { [`CARGO_TARGET_${ENV_NAME}_RUSTFLAGS`]: '--cfg t' }, ['--cfg', 'triple', '--cfg', 'unix', '--cfg', 't'], /CARGO_TARGET_/],
    ['CARGO_TARGET_<T>_RUSTFLAGS alone beats build.rustflags', [project], { [`CARGO_TARGET_${ENV_NAME}_RUSTFLAGS`]: '--cfg t' }, ['--cfg', 't'], /CARGO_TARGET_/],
    ['RUSTFLAGS beats every config', [projectTarget], { RUSTFLAGS: '-C opt-level=2  --cfg r' }, ['-C', 'opt-level=2', '--cfg', 'r'], /^RUSTFLAGS$/],
    ['an empty RUSTFLAGS still wins', [project], { RUSTFLAGS: '' }, [], /^RUSTFLAGS$/],
    ['CARGO_ENCODED_RUSTFLAGS beats RUSTFLAGS', [project], { RUSTFLAGS: '--cfg r', CARGO_ENCODED_RUSTFLAGS: '--cfg\x1fa b' }, ['--cfg', 'a b'], /^CARGO_ENCODED_RUSTFLAGS$/],
    ['an empty CARGO_ENCODED_RUSTFLAGS still wins', [project], { RUSTFLAGS: '--cfg r', CARGO_ENCODED_RUSTFLAGS: '' }, [], /^CARGO_ENCODED_RUSTFLAGS$/],
  ]
  for (const [name, configs, env, flags, source] of cases) {
    test(name, () => {
      const result = projectRustflags(configs, env, TRIPLE, ENV_NAME, CFG)
      assert.deepEqual(result.flags, flags)
      assert.match(result.source, source)
    })
  }
  test('an environment variable that shadows config flags is reported', () => {
    const result = projectRustflags([project], { RUSTFLAGS: '' }, TRIPLE, ENV_NAME, CFG)
    assert.match(result.shadowed ?? '', /\[build\] rustflags in \/p\/.cargo\/config.toml/)
  })
})

describe('composition: project flags, contradictions replaced, baseline, link flags, input', () => {
  const source = '[build] rustflags in /p/.cargo/config.toml'
  const cases: [string, string[], Parameters<typeof composeRustflags>[0]['baseline'], boolean, string[], string[], RegExp | undefined][] = [
    [
      'target-cpu=native replaced by the baseline',
      ['-C', 'target-cpu=native', '--cfg', 'x'],
      { cpu: 'x86-64-v2', features: [] },
      false,
      [],
      ['--cfg', 'x', '-Ctarget-cpu=x86-64-v2'],
      /Replaced '-C target-cpu=native'.*x86-64-v2/,
    ],
    ['the -Ctarget-cpu spelling too', ['-Ctarget-cpu=haswell'], { cpu: 'x86-64-v2', features: [] }, false, [], ['-Ctarget-cpu=x86-64-v2'], /Replaced/],
    ['the --codegen spelling too', ['--codegen', 'target-cpu=native'], { cpu: 'x86-64-v2', features: [] }, false, [], ['-Ctarget-cpu=x86-64-v2'], /Replaced/],
    ['the same cpu is no contradiction', ['-Ctarget-cpu=x86-64-v2'], { cpu: 'x86-64-v2', features: [] }, false, [], ['-Ctarget-cpu=x86-64-v2'], undefined],
    ['native dropped for a cross build without a baseline', ['-C', 'target-cpu=native'], { features: [] }, true, [], [], /Dropped.*native/],
    ['native kept for a host build without a baseline', ['-C', 'target-cpu=native'], { features: [] }, false, [], ['-C', 'target-cpu=native'], undefined],
    [
      'contradicting features removed, others kept',
      ['-C', 'target-feature=+avx512f,+aes'],
      { features: ['-avx512f'] },
      false,
      [],
      ['-Ctarget-feature=+aes', '-Ctarget-feature=-avx512f'],
      /Removed \+avx512f/,
    ],
    ['only contradicting features: the flag goes', ['-Ctarget-feature=+avx512f'], { features: ['-avx512f'] }, false, [], ['-Ctarget-feature=-avx512f'], /Removed/],
    ['link flags, then the input, come last', ['--cfg', 'p'], { features: [] }, false, ['-Clink-self-contained=no'], ['--cfg', 'p', '-Clink-self-contained=no', '-C', 'debuginfo=1'], undefined],
  ]
  for (const [name, flags, baseline, cross, linkFlags, expected, warning] of cases) {
    test(name, () => {
      const extra = name.includes('input') ? ['-C', 'debuginfo=1'] : []
      const result = composeRustflags({ project: { flags, source }, baseline, cross, linkFlags, extra })
      assert.deepEqual(result.flags, expected)
      if (warning) {
        assert.equal(result.warnings.length, 1)
        assert.match(result.warnings[0] ?? '', warning)
        assert.match(result.warnings[0] ?? '', /\/p\/.cargo\/config.toml|build/)
      } else assert.deepEqual(result.warnings, [])
    })
  }
  test('encoded with the unit separator', () => assert.equal(encodeRustflags(['-C', 'a b']), '-C\x1fa b'))
})
