import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { rustcMatcher } from '../../../src/build/matcher.js'

/** Apply a two-line problem matcher the way the runner does: consecutive lines. */
function match(lines: string[]): { severity?: string; code?: string; message?: string; file?: string; line?: string; column?: string }[] {
  const [first, second] = rustcMatcher.problemMatcher[0]?.pattern ?? []
  const found = []
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = new RegExp(first?.regexp ?? '').exec(lines[i] ?? '')
    const b = new RegExp(second?.regexp ?? '').exec(lines[i + 1] ?? '')
    if (a && b) found.push({ severity: a[1], code: a[2], message: a[3], file: b[1], line: b[2], column: b[3] })
  }
  return found
}

describe('rustc problem matcher', () => {
  test('rendered warnings with and without a code; errors and summaries are not matched', () => {
    const log = [
      '   Compiling hello v0.1.0 (/w/hello)',
      'warning: unused variable: `x`',
      ' --> src/main.rs:2:9',
      '  |',
      'warning[E0170]: pattern binding `A` is named the same as one of the variants',
      '   --> src/lib.rs:10:13',
      'error[E0308]: mismatched types',
      ' --> src/main.rs:3:5',
      'warning: `hello` (bin "hello") generated 1 warning',
      '    Finished `release` profile [optimized] target(s) in 0.2s',
    ]
    assert.deepEqual(match(log), [
      { severity: 'warning', code: undefined, message: 'unused variable: `x`', file: 'src/main.rs', line: '2', column: '9' },
      { severity: 'warning', code: 'E0170', message: 'pattern binding `A` is named the same as one of the variants', file: 'src/lib.rs', line: '10', column: '13' },
    ])
  })
})
