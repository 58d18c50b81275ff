import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { parseInputs } from '../../../src/inputs/parse.js'
import { planLinker } from '../../../src/setup/linker.js'
import { makePlan, type PlanRequest } from '../../../src/plan/build-plan.js'
import { targetFacts, type Host } from '../../../src/common/target.js'

const HOST: Host = { triple: 'x86_64-unknown-linux-gnu', family: 'x86_64', os: 'linux' }

function request(values: Record<string, string>, overrides: Partial<PlanRequest> = {}): PlanRequest {
  const inputs = parseInputs((name) => values[name] ?? '')
  const facts = targetFacts(inputs.triple)
  return {
    inputs,
    facts,
    host: HOST,
    linker: planLinker(inputs.linker, facts, HOST, inputs.glibc, inputs.buildStd),
    baseline: { cpu: inputs.targetCpu, features: inputs.targetFeatures },
    project: { flags: [], source: 'none' },
    toolchain: { rustupName: 'stable', nightly: false },
    programPaths: { 'aarch64-linux-gnu-gcc': '/usr/bin/aarch64-linux-gnu-gcc', zig: '/opt/zig/zig' },
    tempDir: '/tmp/rt/rust-xbuild/t',
    ...overrides,
  }
}

describe('cargo command lines', () => {
  test('build always passes --target, JSON messages, the profile and the action config', () => {
    const plan = makePlan(request({ target: 'aarch64-unknown-linux-gnu' }))
    assert.deepEqual(plan.cargoCommands, [
      ['build', '--target', 'aarch64-unknown-linux-gnu', '--message-format=json-render-diagnostics', '--profile', 'release', '--config', '/tmp/rt/rust-xbuild/t/cargo-config.toml'],
    ])
  })
  test('--target is passed for the host triple too', () => {
    assert.ok(makePlan(request({ target: 'x86_64-unknown-linux-gnu' })).cargoCommands[0]?.includes('--target'))
  })
  test('selection, features, locked, profile and extra args', () => {
    const plan = makePlan(
      request({ target: 'aarch64-unknown-linux-gnu', package: 'a,b', bin: 'cli', features: 'x,y', 'no-default-features': 'true', locked: 'true', profile: 'dist', args: '--timings' }),
    )
    assert.deepEqual(plan.cargoCommands[0]?.slice(4), [
      '--profile',
      'dist',
      '--package',
      'a',
      '--package',
      'b',
      '--bin',
      'cli',
      '--features',
      'x,y',
      '--no-default-features',
      '--locked',
      '--config',
      '/tmp/rt/rust-xbuild/t/cargo-config.toml',
      '--timings',
    ])
  })
  test('command both runs build then test', () => {
    assert.deepEqual(
      makePlan(request({ target: 'aarch64-unknown-linux-gnu', command: 'both' })).cargoCommands.map((c) => c[0]),
      ['build', 'test'],
    )
  })
  test('build-std on stable sets RUSTC_BOOTSTRAP with a notice', () => {
    const plan = makePlan(request({ target: 'x86_64-unknown-linux-musl', 'build-std': 'true' }))
    assert.ok(plan.cargoCommands[0]?.includes('-Zbuild-std=std,panic_abort'))
    assert.equal(plan.env.RUSTC_BOOTSTRAP, '1')
    assert.ok(plan.notices.some((n) => /RUSTC_BOOTSTRAP/.test(n)))
  })
  test('build-std on nightly needs no RUSTC_BOOTSTRAP', () => {
    const plan = makePlan(request({ target: 'x86_64-unknown-linux-musl', 'build-std': 'true' }, { toolchain: { rustupName: 'nightly', nightly: true } }))
    assert.equal(plan.env.RUSTC_BOOTSTRAP, undefined)
  })
})

describe('cargo environment and config', () => {
  test('gcc cross: wrappers for CC, CXX and AR of the target only, and the linker', () => {
    const plan = makePlan(request({ target: 'aarch64-unknown-linux-gnu', 'target-cpu': 'neoverse-n1' }))
    assert.equal(plan.env.CC_aarch64_unknown_linux_gnu, '/tmp/rt/rust-xbuild/t/bin/cc')
    assert.equal(plan.env.CXX_aarch64_unknown_linux_gnu, '/tmp/rt/rust-xbuild/t/bin/c++')
    assert.equal(plan.env.AR_aarch64_unknown_linux_gnu, '/tmp/rt/rust-xbuild/t/bin/ar')
    assert.equal(plan.env.CC, undefined, 'plain CC would hit host C code too')
    assert.equal(plan.env.CARGO_ENCODED_RUSTFLAGS, '-Ctarget-cpu=neoverse-n1')
    assert.equal(plan.env.RUSTUP_TOOLCHAIN, 'stable')
    assert.match(plan.configToml, /\[target\.aarch64-unknown-linux-gnu\]\nlinker = "\/tmp\/rt\/rust-xbuild\/t\/bin\/cc"/)
    assert.deepEqual(plan.cFlags, ['-mcpu=neoverse-n1'])
    const cc = plan.wrappers.find((w) => w.path.endsWith('/cc'))
    assert.match(cc?.content ?? '', /exec '\/usr\/bin\/aarch64-linux-gnu-gcc' '-mcpu=neoverse-n1' "\$@"/)
  })
  test('zig: the wrappers run the programPaths zig with the zig target', () => {
    const plan = makePlan(request({ target: 'aarch64-unknown-linux-musl' }))
    assert.match(plan.wrappers.find((w) => w.path.endsWith('/cc'))?.content ?? '', /exec '\/opt\/zig\/zig' 'cc' '-target' 'aarch64-linux-musl'/)
    assert.deepEqual(plan.rustflags, ['-Clink-self-contained=no'])
  })
  test('zig: one -mcpu after the arguments, reported as the C baseline; its cache under the action folder', () => {
    const plan = makePlan(request({ target: 'arm-unknown-linux-musleabihf' }))
    assert.match(plan.wrappers.find((w) => w.path.endsWith('/cc'))?.content ?? '', /exec '\/opt\/zig\/zig' 'cc' '-target' 'arm-linux-musleabihf' "\$@" '-mcpu=arm1176jzf_s'\n/)
    assert.deepEqual(plan.cFlags, ['-mcpu=arm1176jzf_s'])
    assert.equal(plan.env.ZIG_GLOBAL_CACHE_DIR, '/tmp/rt/rust-xbuild/t/zig-cache')
    assert.deepEqual(plan.zigCache, { dir: '/tmp/rt/rust-xbuild/t/zig-cache', target: 'arm-linux-musleabihf', cpu: 'arm1176jzf_s' })
    const withCpu = makePlan(request({ target: 'x86_64-unknown-linux-gnu', glibc: '2.17', 'target-cpu': 'x86-64-v2' }))
    assert.deepEqual(withCpu.zigCache, { dir: '/tmp/rt/rust-xbuild/t/zig-cache', target: 'x86_64-linux-gnu.2.17', cpu: 'x86_64_v2' })
    // zig ar takes no CPU: its wrapper ends with the arguments.
    assert.match(withCpu.wrappers.find((w) => w.path.endsWith('/ar'))?.content ?? '', /exec '\/opt\/zig\/zig' 'ar' "\$@"\n$/)
  })
  test('gcc: no zig cache', () => {
    const plan = makePlan(request({ target: 'aarch64-unknown-linux-gnu' }))
    assert.equal(plan.zigCache, undefined)
    assert.equal(plan.env.ZIG_GLOBAL_CACHE_DIR, undefined)
  })
  test('tests of a foreign target get the emulator as runner', () => {
    const plan = makePlan(request({ target: 'aarch64-unknown-linux-gnu', command: 'test' }, { runner: ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu'] }))
    assert.match(plan.configToml, /runner = \[ "qemu-aarch64", "-L", "\/usr\/aarch64-linux-gnu" \]/)
  })
  test('linker none: no wrappers, the baseline through CFLAGS_<target>', () => {
    const plan = makePlan(request({ target: 'aarch64-unknown-linux-gnu', linker: 'none', 'target-cpu': 'cortex-a72' }))
    assert.deepEqual(plan.wrappers, [])
    assert.equal(plan.env.CFLAGS_aarch64_unknown_linux_gnu, '-mcpu=cortex-a72')
    assert.doesNotMatch(plan.configToml, /linker/)
  })
  test('project flags kept, native replaced, input flags last', () => {
    const plan = makePlan(
      request({ target: 'x86_64-unknown-linux-gnu', 'target-cpu': 'x86-64-v2', rustflags: '--cfg ci' }, { project: { flags: ['-C', 'target-cpu=native', '--cfg', 'p'], source: 'RUSTFLAGS' } }),
    )
    assert.deepEqual(plan.rustflags, ['--cfg', 'p', '-Ctarget-cpu=x86-64-v2', '--cfg', 'ci'])
    assert.equal(plan.warnings.length, 1)
  })
  test('a shadowing environment variable gives a notice', () => {
    const plan = makePlan(request({ target: 'x86_64-unknown-linux-gnu' }, { project: { flags: [], source: 'RUSTFLAGS', shadowed: '[build] rustflags in /p/.cargo/config.toml' } }))
    assert.ok(plan.notices.some((n) => /RUSTFLAGS is set, so cargo ignores \[build\] rustflags/.test(n)))
  })
})
