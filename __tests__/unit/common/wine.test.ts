import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { testRunner } from '../../../src/common/emulator.js'
import { targetFacts } from '../../../src/common/target.js'
import { isWineVariable, mingwTriple, wineEnv } from '../../../src/common/wine.js'
import { InputError } from '../../../src/errors.js'
import { arm64, mac, x64 } from '../../support/hosts.js'

describe('windows-gnu executables under wine on Linux', () => {
  test("mingw's triple for the windows-gnu targets only", () => {
    assert.equal(mingwTriple(targetFacts('x86_64-pc-windows-gnu')), 'x86_64-w64-mingw32')
    assert.equal(mingwTriple(targetFacts('i686-pc-windows-gnu')), 'i686-w64-mingw32')
    assert.equal(mingwTriple(targetFacts('x86_64-pc-windows-msvc')), undefined)
    assert.equal(mingwTriple(targetFacts('aarch64-pc-windows-gnullvm')), undefined)
    assert.equal(mingwTriple(targetFacts('x86_64-unknown-linux-gnu')), undefined)
  })

  test("cargo's runner for tests is wine64, installed from wine64 when missing", () => {
    assert.deepEqual(testRunner('both', targetFacts('x86_64-pc-windows-gnu'), x64), { runner: ['/usr/lib/wine/wine64'], requirements: [{ path: '/usr/lib/wine/wine64', packages: ['wine64'] }] })
    assert.deepEqual(testRunner('test', targetFacts('x86_64-pc-windows-gnu'), arm64).runner, ['/usr/lib/wine/wine64'])
    assert.deepEqual(testRunner('build', targetFacts('x86_64-pc-windows-gnu'), x64), { requirements: [] })
    assert.deepEqual(testRunner('test', targetFacts('x86_64-pc-windows-gnu'), mac), { requirements: [] })
  })

  test('32-bit tests are refused: wine64 exits 0 without running them', () => {
    assert.throws(
      () => testRunner('test', targetFacts('i686-pc-windows-gnu'), x64),
      (error: unknown) => error instanceof InputError && error.input === 'command' && /needs 32-bit wine/.test(error.message),
    )
    assert.deepEqual(testRunner('build', targetFacts('i686-pc-windows-gnu'), x64), { requirements: [] })
  })

  test("wine's environment: own prefix, quiet but for DLL load errors, stand-ins on WINEPATH", () => {
    assert.deepEqual(wineEnv('/t/prefix', ['/t/dlls']), { WINEPREFIX: '/t/prefix', WINEDEBUG: '-all,err+module', DISPLAY: '', WINEDLLOVERRIDES: 'mscoree,mshtml=', WINEPATH: '/t/dlls' })
    assert.equal(wineEnv('/t/prefix', []).WINEPATH, undefined)
    assert.equal(wineEnv('/p', ['/a', '/b']).WINEPATH, '/a;/b')
    assert.deepEqual(['WINEPATH', 'DISPLAY', 'CC_x', 'CARGO_ENCODED_RUSTFLAGS'].filter(isWineVariable), ['WINEPATH', 'DISPLAY'])
  })
})
