import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { normalizeProtocVersion, parseProtocVersion, protocSatisfies } from '../../../src/setup/protoc.js'

describe('protoc versions across the 3.20 renumbering', () => {
  const parse: [string, string | undefined][] = [
    ['libprotoc 3.21.12\n', '21.12'],
    ['libprotoc 25.1\n', '25.1'],
    ['libprotoc 3.6.1', '6.1'],
    ['protoc: command not found', undefined],
  ]
  for (const [output, expected] of parse) test(`parse ${JSON.stringify(output)}`, () => assert.equal(parseProtocVersion(output), expected))

  const satisfies: [string, string, boolean][] = [
    ['21.12', 'any', true],
    ['21.12', '3.21', true],
    ['21.12', '21.0', true],
    ['21.12', '22.0', false],
    ['25.1', '3.21.12', true],
    ['6.1', '3.20', false],
    ['25.1', '25.1', true],
    ['25.1', '25.2', false],
  ]
  for (const [found, wanted, expected] of satisfies) test(`${found} meets ${wanted}: ${expected}`, () => assert.equal(protocSatisfies(found, wanted), expected))
  test('normalize', () => assert.equal(normalizeProtocVersion('3.21'), '21.0'))
})
