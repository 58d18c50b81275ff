import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { renderCacheSummary, size, whyNotSaved } from '../../../src/cache/report.js'
import type { CacheEntry } from '../../../src/cache/store.js'

describe('whether the post step saves', () => {
  test.each([
    [{ save: true, onFailure: false }, true, undefined],
    [{ save: true, onFailure: false }, false, 'the build failed or did not finish (cache-on-failure: false)'],
    [{ save: true, onFailure: true }, false, undefined],
    [{ save: false, onFailure: true }, true, 'cache-save is false for this run'],
    [{ save: false, onFailure: true }, false, 'cache-save is false for this run'],
    // The state of an older main step, without the fields: save after success only.
    [{}, true, undefined],
    [{}, false, 'the build failed or did not finish (cache-on-failure: false)'],
  ])('%p, main succeeded %p → %p', (state, succeeded, expected) => assert.equal(whyNotSaved(state, succeeded), expected))
})

describe('the post step summary', () => {
  const entry = (name: CacheEntry['name'], key: string): CacheEntry => ({ name, paths: [], keys: { key, restoreKeys: [], parts: [] } })
  test('each entry with its key and what was saved, then what was pruned', () => {
    const text = renderCacheSummary({
      entries: [
        { entry: entry('registry', 'reg-1'), saved: 'exact hit, not saved again' },
        { entry: entry('target', 'tgt-1'), saved: 5452595 },
      ],
      pruned: 3 * 1048576,
      afterFailure: false,
    })
    assert.match(text, /\| registry \| `reg-1` \| exact hit, not saved again \|\n\| target \| `tgt-1` \| 5\.2 MiB \|/)
    assert.match(text, /Pruned before saving: 3\.0 MiB/)
    assert.doesNotMatch(text, /failed build/)
  })
  test('after a failure, and when nothing was pruned', () => {
    const text = renderCacheSummary({ entries: [{ entry: entry('target', 't'), saved: 2048 }], afterFailure: true })
    assert.match(text, /Saved after a failed build \(cache-on-failure: true\)\./)
    assert.match(text, /\| target \| `t` \| 2 KiB \|/)
    assert.match(text, /Nothing pruned/)
  })
  test('skipped: one line why', () =>
    assert.match(renderCacheSummary({ skipped: 'cache-save is false for this run', entries: [], afterFailure: false }), /^\n### rust-xbuild cache\n\nNot saved: cache-save is false for this run\.\n$/))
  test.each([
    [0, '0 KiB'],
    [800, '1 KiB'],
    [200 * 1024, '200 KiB'],
    [1048576, '1.0 MiB'],
  ])('%d bytes → %s', (bytes, text) => assert.equal(size(bytes), text))
})
