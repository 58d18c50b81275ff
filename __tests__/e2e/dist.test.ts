/** dist/ is exactly what `npm run package` builds from src/. */
import { test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from '../support/harness.js'

test('dist/ is current: rebuilding it from src/ changes nothing', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-check-'))
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'package.js'), out], { cwd: ROOT, stdio: 'pipe' })
  const list = (dir: string): string[] => (Array.from(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort()
  const files = list(path.join(ROOT, 'dist'))
  assert.deepEqual(list(out), files)
  for (const file of files) {
    const same = fs.readFileSync(path.join(ROOT, 'dist', file)).equals(fs.readFileSync(path.join(out, file)))
    assert.ok(same, `dist/${file} differs from a fresh build: run npm run package and commit dist/`)
  }
})
