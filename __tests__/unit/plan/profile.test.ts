import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { fingerprint, relevantEnv } from '../../../src/cache/keys.js'
import { targetFacts } from '../../../src/common/target.js'
import { parseInputs } from '../../../src/inputs/parse.js'
import { BUILD_ID_FLAG, makePlan, wantsBuildId } from '../../../src/plan/build-plan.js'
import { debugInfoEnv, profileSetting, type ProfileSources } from '../../../src/plan/profile.js'
import { planLinker } from '../../../src/setup/linker.js'
import type { Host } from '../../../src/common/target.js'

const none: ProfileSources = { env: {}, configs: [] }
const manifest = (profile: Record<string, unknown>): ProfileSources => ({ env: {}, configs: [], manifest: { profile } })

describe('the profile as cargo resolves it', () => {
  test.each([
    ['release', 'debug', none, false],
    ['dev', 'debug', none, true],
    ['bench', 'debug', none, false],
    ['test', 'debug', none, true],
    ['release', 'debug', manifest({ release: { debug: 1 } }), 1],
    // A config file wins over Cargo.toml, the variable over both; the last config file is the highest.
    ['release', 'debug', { env: {}, configs: [{ profile: { release: { debug: 'full' } } }], manifest: { profile: { release: { debug: 0 } } } }, 'full'],
    ['release', 'debug', { env: {}, configs: [{ profile: { release: { debug: 1 } } }, { profile: { release: { debug: 2 } } }] }, 2],
    ['release', 'debug', { env: { CARGO_PROFILE_RELEASE_DEBUG: 'line-tables-only' }, configs: [{ profile: { release: { debug: 2 } } }] }, 'line-tables-only'],
    // A custom profile inherits what it does not set; hyphens become underscores in the variable.
    ['dist', 'debug', manifest({ dist: { inherits: 'release', lto: true } }), false],
    ['dist', 'debug', manifest({ dist: { inherits: 'dev' } }), true],
    ['my-dist', 'debug', { env: { CARGO_PROFILE_MY_DIST_DEBUG: '2' }, configs: [], manifest: { profile: { 'my-dist': { inherits: 'release' } } } }, '2'],
    ['release', 'strip', manifest({ release: { strip: true } }), true],
    ['loop', 'debug', manifest({ loop: { inherits: 'loop' } }), undefined],
  ] as [string, string, ProfileSources, string | number | boolean | undefined][])('%s.%s', (profile, key, sources, expected) => assert.deepEqual(profileSetting(profile, key, sources), expected))
})

describe('what debug-symbols sets for the cargo child', () => {
  test('release without debug info: debug = limited, with a notice naming the variable', () => {
    const { env, notices } = debugInfoEnv('release', none)
    assert.deepEqual(env, { CARGO_PROFILE_RELEASE_DEBUG: 'limited' })
    assert.match(notices.join('\n'), /release profile has debug = false, so this build sets CARGO_PROFILE_RELEASE_DEBUG=limited for cargo/)
  })
  test.each([true, 1, 2, 'full', 'limited', 'line-tables-only', '2'])('debug = %p is kept as it is', (debug) => {
    assert.deepEqual(debugInfoEnv('release', manifest({ release: { debug } })), { env: {}, notices: [] })
  })
  test.each([false, 0, 'none', 'line-directives-only'])('debug = %p gets limited', (debug) => {
    assert.deepEqual(debugInfoEnv('release', manifest({ release: { debug } })).env, { CARGO_PROFILE_RELEASE_DEBUG: 'limited' })
  })
  test.each([true, 'symbols', 'debuginfo'])('strip = %p would drop the debug info first: strip = none for cargo', (strip) => {
    const { env, notices } = debugInfoEnv('release', manifest({ release: { debug: 2, strip } }))
    assert.deepEqual(env, { CARGO_PROFILE_RELEASE_STRIP: 'none' })
    assert.match(notices[0] ?? '', /the action strips the staged copies itself/)
  })
})

describe('the plan with debug-symbols', () => {
  const HOST: Host = { triple: 'x86_64-unknown-linux-gnu', family: 'x86_64', os: 'linux' }
  const plan = (values: Record<string, string>, format?: 'objcopy' | 'pdb' | 'dsymutil') => {
    const inputs = parseInputs((name) => values[name] ?? '')
    const facts = targetFacts(inputs.triple)
    const linker = planLinker(inputs.linker, facts, HOST, inputs.glibc, inputs.buildStd)
    return makePlan({
      inputs,
      facts,
      host: HOST,
      linker,
      baseline: { cpu: undefined, features: [] },
      project: { flags: [], source: 'none' },
      toolchain: { nightly: false },
      programPaths: {},
      tempDir: '/tmp/rt/t',
      debugInfo: format && { sources: none, format },
    })
  }
  test('an ELF build asks its linker for a build-id and gets debug info; the env reaches the fingerprint through plan.env', () => {
    const planned = plan({ target: 'aarch64-unknown-linux-gnu', 'debug-symbols': 'true' }, 'objcopy')
    assert.ok(planned.rustflags.includes(BUILD_ID_FLAG))
    assert.ok(planned.portableRustflags.includes(BUILD_ID_FLAG))
    assert.equal(planned.env.CARGO_PROFILE_RELEASE_DEBUG, 'limited')
    assert.match(planned.notices.join('\n'), /CARGO_PROFILE_RELEASE_DEBUG=limited/)
  })
  test('the cache fingerprint changes with debug-symbols: its profile variable and the build-id flag are both parts of it', () => {
    const parts = (planned: ReturnType<typeof plan>): Parameters<typeof fingerprint>[0] => ({
      rustflags: planned.portableRustflags,
      cCompilers: [],
      cFlags: planned.cFlags,
      linker: 'aarch64-linux-gnu-gcc',
      linkerVersion: '',
      targetFeatures: [],
      buildStd: false,
      profile: 'release',
      cargoArgs: ['build'],
      env: relevantEnv(planned.env),
      userKey: '',
    })
    const without = parts(plan({ target: 'aarch64-unknown-linux-gnu' }))
    const withSymbols = parts(plan({ target: 'aarch64-unknown-linux-gnu', 'debug-symbols': 'true' }, 'objcopy'))
    assert.equal(withSymbols.env.CARGO_PROFILE_RELEASE_DEBUG, 'limited')
    assert.notEqual(fingerprint(withSymbols), fingerprint(without))
    assert.notEqual(fingerprint({ ...withSymbols, rustflags: without.rustflags }), fingerprint(without), 'the variable alone changes it')
    assert.notEqual(fingerprint({ ...withSymbols, env: without.env }), fingerprint(without), 'the build-id flag alone changes it')
  })
  test('without debug-symbols nothing changes', () => {
    const planned = plan({ target: 'aarch64-unknown-linux-gnu' })
    assert.ok(!planned.rustflags.includes(BUILD_ID_FLAG))
    assert.equal(planned.env.CARGO_PROFILE_RELEASE_DEBUG, undefined)
  })
  test.each([
    ['aarch64-unknown-linux-gnu', 'auto', 'objcopy', true],
    ['x86_64-unknown-linux-musl', 'auto', 'objcopy', true],
    ['aarch64-unknown-linux-musl', 'zig', 'objcopy', true],
    ['aarch64-unknown-linux-gnu', 'none', 'objcopy', false],
    ['x86_64-pc-windows-gnu', 'auto', 'objcopy', false],
  ] as [string, string, 'objcopy', boolean][])('%s, linker %s: build-id %p', (target, linkerChoice, format, expected) => {
    const inputs = parseInputs((name) => ({ target, linker: linkerChoice })[name] ?? '')
    const facts = targetFacts(target)
    assert.equal(wantsBuildId({ facts, linker: planLinker(inputs.linker, facts, HOST, undefined, false), debugInfo: { sources: none, format } }), expected)
  })
})
