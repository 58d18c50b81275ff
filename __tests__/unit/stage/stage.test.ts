import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import path from 'node:path'
import type { Artifact } from '../../../src/build/cargo.js'
import { binariesToStage, stripCandidates } from '../../../src/stage/stage.js'
import { targetFacts } from '../../../src/common/target.js'

const art = (executable: string, test = false): Artifact => ({ name: path.basename(executable), executable, packageId: 'p', test, fresh: false })

describe('what gets staged', () => {
  test('bins only, one per name (the last message wins), sorted', () => {
    const staged = binariesToStage([art('/t/release/b'), art('/t/release/deps/a-123', true), art('/t/release/a'), art('/t/release/b')])
    assert.deepEqual(
      staged.map((a) => a.executable),
      ['/t/release/a', '/t/release/b'],
    )
  })
})

describe('strip tools that understand the target', () => {
  test('cross binutils first, host strip only for the host family', () => {
    assert.deepEqual(stripCandidates(targetFacts('aarch64-unknown-linux-gnu'), 'x86_64', '/z/zig'), [['aarch64-linux-gnu-strip'], ['llvm-strip'], ['/z/zig', 'objcopy', '--strip-all']])
    assert.deepEqual(stripCandidates(targetFacts('x86_64-unknown-linux-musl'), 'x86_64'), [['x86_64-linux-gnu-strip'], ['strip'], ['llvm-strip']])
  })
})
