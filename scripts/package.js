// Bundles each entry of the action with ncc: `npm run package` writes dist/, and the
// dist freshness test writes the same into a temporary folder to compare.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist'))
// A fresh folder: ncc leaves chunks of earlier builds behind otherwise.
fs.rmSync(out, { recursive: true, force: true })
const entries = [
  ['src/index.ts', '.'],
  ['src/post.ts', 'post'],
  ['src/merge.ts', 'merge'],
]
for (const [entry, folder] of entries) {
  execFileSync(path.join(root, 'node_modules', '.bin', 'ncc'), ['build', entry, '-o', path.join(out, folder), '--license', 'licenses.txt', '--target', 'es2022', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  })
}
