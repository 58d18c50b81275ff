import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { cacheServiceAvailable, cacheServiceVersion } from '../../../src/common/runner.js'
import { CACHE_SERVICE_CASES, NOT_A_URL } from '../../support/results-server-env.js'

describe('the cache service, by @actions/cache’s rule', () => {
  test.each(CACHE_SERVICE_CASES)('%s', (_, env, version, available) => {
    assert.equal(cacheServiceVersion(env), version)
    assert.equal(cacheServiceAvailable(env), available)
  })
  test('a GITHUB_SERVER_URL that is no URL: no service (the library would throw)', () => {
    assert.equal(cacheServiceVersion(NOT_A_URL), undefined)
    assert.equal(cacheServiceAvailable(NOT_A_URL), false)
  })
})
