import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { parseArtifact, parseErrors } from '../../../src/build/cargo.js'

const artifact = (fields: object): string =>
  JSON.stringify({
    reason: 'compiler-artifact',
    package_id: 'path+file:///p#app@0.1.0',
    target: { name: 'app', kind: ['bin'] },
    profile: { test: false },
    executable: '/p/target/x/release/app',
    fresh: false,
    ...fields,
  })

describe('cargo artifact messages', () => {
  test('a bin executable', () => {
    assert.deepEqual(parseArtifact(artifact({})), { name: 'app', executable: '/p/target/x/release/app', packageId: 'path+file:///p#app@0.1.0', test: false, fresh: false })
  })
  test('a test harness is marked test', () => assert.equal(parseArtifact(artifact({ profile: { test: true } }))?.test, true))
  test('a build script executable is not a bin', () => assert.equal(parseArtifact(artifact({ target: { name: 'build-script-build', kind: ['custom-build'] } }))?.test, true))
  test('a library has no executable', () => assert.equal(parseArtifact(artifact({ executable: null, target: { name: 'lib', kind: ['lib'] } })), undefined))
  test('other messages and program output are ignored', () => {
    assert.equal(parseArtifact('{"reason":"build-finished","success":true}'), undefined)
    assert.equal(parseArtifact('running 3 tests'), undefined)
    assert.equal(parseArtifact('{not json'), undefined)
  })
})

describe('cargo errors become diagnostics', () => {
  test('a compiler error with its location', () => {
    const stderr = [
      '   Compiling app v0.1.0 (/p)',
      'error[E0425]: cannot find value `x` in this scope',
      ' --> src/main.rs:2:13',
      '  |',
      '2 |     let y = x;',
      '  |             ^ not found in this scope',
      '',
      'error: could not compile `app` (bin "app") due to 1 previous error',
    ]
    assert.deepEqual(parseErrors(stderr), [{ message: '[E0425] cannot find value `x` in this scope', file: 'src/main.rs', line: 2, column: 13 }])
  })
  test('cargo’s own errors, with their continuation lines', () => {
    const stderr = ['error: none of the selected packages contains this feature: nope', 'selected packages: app']
    assert.deepEqual(parseErrors(stderr), [{ message: 'none of the selected packages contains this feature: nope' }])
    assert.deepEqual(parseErrors(['error: no bin target named `nope` in default-run packages', '  Caused by:', '    it is missing']), [
      { message: 'no bin target named `nope` in default-run packages\nCaused by:\nit is missing' },
    ])
  })
  test('colours are stripped', () => assert.equal(parseErrors(['\x1b[1m\x1b[91merror\x1b[0m\x1b[1m: linking with `cc` failed\x1b[0m'])[0]?.message, 'linking with `cc` failed'))
})
