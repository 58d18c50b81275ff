/** The documentation matches the code: action.yml, the README tables and the input names agree. */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Input, Output } from '../../src/common/constants.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8')

/** The keys of a top-level mapping in action.yml (`inputs:` or `outputs:`), two spaces in. */
function yamlKeys(text: string, section: string): string[] {
  const lines = text.split('\n')
  const start = lines.indexOf(`${section}:`)
  assert.ok(start >= 0, `no ${section}: in action.yml`)
  const keys: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break
    const match = /^ {2}([a-z0-9-]+):/.exec(line)
    if (match?.[1]) keys.push(match[1])
  }
  return keys.sort()
}

/** The names in the first column of the README table under a heading. */
function readmeTable(heading: string): string[] {
  const text = read('README.md')
  const start = text.indexOf(`\n${heading}\n`)
  assert.ok(start >= 0, `no heading ${heading} in README.md`)
  const names: string[] = []
  let inTable = false
  for (const line of text.slice(start + heading.length + 2).split('\n')) {
    if (line.startsWith('|')) {
      inTable = true
      const cell = line.split('|')[1] ?? ''
      names.push(...[...cell.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1] ?? ''))
    } else if (inTable) break
  }
  return names.sort()
}

describe('the build action', () => {
  test('action.yml declares every input the code reads, and no other', () => assert.deepEqual(yamlKeys(read('action.yml'), 'inputs'), Object.values(Input).sort()))
  test('the README documents every input', () => assert.deepEqual(readmeTable('## Inputs'), yamlKeys(read('action.yml'), 'inputs')))
  test('action.yml declares every output the code sets, and no other', () => assert.deepEqual(yamlKeys(read('action.yml'), 'outputs'), Object.values(Output).sort()))
  test('the README documents every output', () => assert.deepEqual(readmeTable('## Outputs'), yamlKeys(read('action.yml'), 'outputs')))
})

describe('the merge action', () => {
  test('the README documents every input of merge/action.yml', () => {
    const documented = readmeTable('### Merge inputs and outputs (`org/rust-xbuild/merge@v1`)')
    for (const input of yamlKeys(read('merge/action.yml'), 'inputs')) assert.ok(documented.includes(input), `${input} is not in the README`)
  })
})
