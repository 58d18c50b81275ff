import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { targetFacts } from '../../../src/common/target.js'
import { needsStartupObjects, startupObjectArgs } from '../../../src/setup/mingw.js'

describe("i686 windows-gnu's start objects with build-std", () => {
  const table: [string, boolean, boolean][] = [
    ['i686-pc-windows-gnu', true, true],
    ['i686-pc-windows-gnu', false, false],
    ['x86_64-pc-windows-gnu', true, false],
    ['i686-unknown-linux-gnu', true, false],
    ['i686-pc-windows-msvc', true, false],
  ]
  for (const [triple, buildStd, expected] of table) {
    test(`${triple}, build-std ${buildStd}: ${expected ? 'built' : 'not needed'}`, () => assert.equal(needsStartupObjects(targetFacts(triple), buildStd), expected))
  }
  test('an object for the target, without unwinding of its own', () =>
    assert.deepEqual(startupObjectArgs('/src/rsbegin.rs', '/o/rsbegin.o', 'i686-pc-windows-gnu'), [
      '--target',
      'i686-pc-windows-gnu',
      '--emit=obj',
      '-C',
      'panic=abort',
      '-O',
      '/src/rsbegin.rs',
      '-o',
      '/o/rsbegin.o',
    ]))
})
