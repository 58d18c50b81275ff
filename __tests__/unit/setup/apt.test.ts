import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { isTransientAptFailure } from '../../../src/setup/apt.js'

describe('apt', () => {
  const aptCases: [string, boolean][] = [
    ['E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 123', true],
    ['E: Failed to fetch http://deb/x.deb  File has unexpected size (123 != 456). Mirror sync in progress?', true],
    ['E: Unable to locate package gcc-nope', false],
  ]
  for (const [stderr, transient] of aptCases) test(`apt retry: ${stderr.slice(0, 40)}`, () => assert.equal(isTransientAptFailure(stderr), transient))
})
