/**
 * The README's first command: the bundled action run for real on the example crate, as
 * GitHub's runner runs it (every action.yml input set, node 24, the user runner, the post
 * step; the harness of the e2e tests), cross-building for linux/arm64 with Debian's
 * toolchain, offline. Then the binary runs under qemu, the manifest verifies and is printed.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT, runAction } from '../__tests__/support/harness.js'

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-xbuild-demo-'))
fs.cpSync(path.join(ROOT, 'example'), workspace, { recursive: true, filter: (src) => path.basename(src) !== 'target' })

const run = runAction({ target: 'linux/arm64', toolchain: 'system', locked: 'true', 'target-cpu': 'generic' }, { workspace })
process.stdout.write(run.log)
if (run.post) process.stdout.write(`== post step (exit ${run.post.code})\n${run.post.log}`)
if (run.code !== 0) process.exit(run.code)

const dir = run.outputs.dir ?? ''
const show = (title: string, program: string, args: string[], cwd?: string): void => {
  console.log(`== ${title}`)
  process.stdout.write(execFileSync(program, args, { cwd, encoding: 'utf8' }))
}
console.log('== outputs')
for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}=${value}`)
show('the binary, under qemu-aarch64', 'qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', path.join(dir, 'xbuild-example')])
show('sha256sum -c SHA256SUMS', 'sha256sum', ['-c', 'SHA256SUMS'], dir)
show(path.join(dir, 'SHA256SUMS'), 'cat', ['SHA256SUMS'], dir)
show(path.join(dir, 'manifest.json'), 'cat', ['manifest.json'], dir)
