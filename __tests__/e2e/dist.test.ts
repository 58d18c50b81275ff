/** dist/ is exactly what `npm run package` builds from src/. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from './harness.js'

test('dist/ is current: rebuilding it from src/ changes nothing', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-check-'))
  const packageScript = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.package as string
  const args = packageScript.replace(/^ncc /, '').replace('-o dist', `-o ${out}`).split(' ')
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'ncc'), args, { cwd: ROOT, stdio: 'pipe' })
  const files = fs.readdirSync(path.join(ROOT, 'dist')).sort()
  assert.deepEqual(fs.readdirSync(out).sort(), files)
  for (const file of files) {
    const same = fs.readFileSync(path.join(ROOT, 'dist', file)).equals(fs.readFileSync(path.join(out, file)))
    assert.ok(same, `dist/${file} differs from a fresh build: run npm run package and commit dist/`)
  }
})
