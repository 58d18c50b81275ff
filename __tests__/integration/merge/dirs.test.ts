import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expandDir } from '../../../src/merge/collect.js'

describe('dirs: the folders a pattern names, on a real tree', () => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-dirs-'))
  const names = ['x86_64-unknown-linux-gnu', '.cache', 'aarch64-unknown-linux-musl', 'x86_64-pc-windows-gnu', 'axb']
  for (const name of names) fs.mkdirSync(path.join(workspace, 'staged', name), { recursive: true })
  fs.writeFileSync(path.join(workspace, 'staged', 'a-file'), '')
  const under = (...found: string[]): string[] => found.map((name) => path.join(workspace, 'staged', name)).sort()
  const cases: [string, string[]][] = [
    ['staged/*', under('aarch64-unknown-linux-musl', 'axb', 'x86_64-pc-windows-gnu', 'x86_64-unknown-linux-gnu')],
    ['staged/.*', under('.cache')],
    ['staged/*-linux-*', under('aarch64-unknown-linux-musl', 'x86_64-unknown-linux-gnu')],
    ['staged/a.b', []],
    ['staged/axb', under('axb')],
    ['staged/a-file', []],
    [path.join(workspace, 'staged', '*-gnu'), under('x86_64-pc-windows-gnu', 'x86_64-unknown-linux-gnu')],
  ]
  for (const [pattern, expected] of cases) test(pattern.replace(workspace, '<workspace>'), async () => assert.deepEqual(Array.from(await expandDir(pattern, workspace)), expected))
})
