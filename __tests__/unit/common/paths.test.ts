import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { isInside } from '../../../src/common/paths.js'

describe('isInside: by name, no links resolved', () => {
  const cases: [string, string, boolean][] = [
    ['/ws', '/ws', true],
    ['/ws', '/ws/a/b', true],
    ['/ws/', '/ws/a', true],
    ['/ws', '/ws/a/../b', true],
    ['/ws', '/ws/..foo', true],
    ['/ws', '/ws/a/../../etc', false],
    ['/ws', '/ws/..', false],
    ['/ws', '/wsx', false],
    ['/ws', '/w', false],
    ['/ws', '/', false],
    ['/ws', '/etc/passwd', false],
    ['/ws/a', '/ws', false],
  ]
  for (const [parent, child, inside] of cases) test(`${child} in ${parent}: ${inside}`, () => assert.equal(isInside(parent, child), inside))
})
