import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { renderFailureSummary } from '../../../src/summary/render.js'

describe('the summary of a failed step', () => {
  const phases = [
    { name: 'Inputs', seconds: 0.01, ok: true },
    { name: 'Preflight: crates with native build steps', seconds: 0.4, ok: true },
    { name: 'Build (cargo build)', seconds: 31.25, ok: false },
  ]
  const markdown = renderFailureSummary(
    phases,
    ['Target `powerpc64le-unknown-linux-gnu`', '<details><summary>Crates with native build steps: 1</summary>\n\n| ring |\n\n</details>\n'],
    'cargo build failed:\nring 0.17 added it',
  )

  test('lists the phases that ran and marks the one that failed', () => {
    assert.match(markdown, /^\| Inputs \| 0\.0 \| done \|$/m)
    assert.match(markdown, /^\| Build \(cargo build\) \| 31\.3 \| \*\*failed\*\* \|$/m)
  })
  test('keeps what the phases kept, in order, before the table', () => {
    const target = markdown.indexOf('Target `powerpc64le')
    const preflight = markdown.indexOf('<details>')
    assert.ok(target > 0 && preflight > target && markdown.indexOf('| Phase |') > preflight, markdown)
  })
  test('ends with the diagnosis, every line quoted', () => assert.match(markdown, /### Diagnosis\n\n> cargo build failed:\n> ring 0\.17 added it\n$/))
  test('a failure before any phase finished still says so', () => assert.match(renderFailureSummary([], [], 'bad input'), /\| \(none\) \| \| \|[\s\S]*> bad input/))
})
