/**
 * Staging never ships a file from outside cargo's profile folder: a build step can replace
 * an executable with a link to any file on the runner (issue 20). Real files and links.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { stageBinaries, stagedSource } from '../../../src/stage/stage.js'

describe('what is staged for a cargo executable', () => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-links-'))
  const profile = path.join(top, 'target', 'x86_64-unknown-linux-gnu', 'release')
  fs.mkdirSync(path.join(profile, 'deps'), { recursive: true })
  fs.writeFileSync(path.join(profile, 'deps', 'app-0123abcd'), 'the real binary\n')
  // cargo's uplifted executable: a hard link to the one in deps/.
  fs.linkSync(path.join(profile, 'deps', 'app-0123abcd'), path.join(profile, 'app'))
  fs.symlinkSync('deps/app-0123abcd', path.join(profile, 'linked-in'))
  fs.symlinkSync('/etc/passwd', path.join(profile, 'linked-out'))
  fs.writeFileSync(path.join(top, 'outside'), 'not the build’s\n')
  fs.symlinkSync('../../../outside', path.join(profile, 'linked-up'))
  fs.symlinkSync('deps/nothing', path.join(profile, 'dangling'))
  fs.symlinkSync('deps', path.join(profile, 'linked-folder'))
  execFileSync('mkfifo', [path.join(profile, 'fifo')])

  const cases: [string, string | RegExp][] = [
    ['app', path.join(profile, 'app')],
    ['linked-in', path.join(fs.realpathSync(profile), 'deps', 'app-0123abcd')],
    ['linked-out', /is a link to \/etc\/passwd, outside .*release; a build step replaced it, and it is not staged/],
    ['linked-up', /is a link to .*stage-links-\w+\/outside, outside .*release;/],
    ['dangling', /is a link to nothing \(deps\/nothing\)/],
    ['linked-folder', /leads to .*deps, which is not a file/],
    ['fifo', /is a FIFO, not a file; nothing is staged from it/],
    ['missing', /does not exist; nothing is staged from it/],
  ]
  for (const [name, expected] of cases) {
    test(name, () => {
      const executable = path.join(profile, name)
      if (typeof expected === 'string') assert.equal(stagedSource(executable), expected)
      else assert.throws(() => stagedSource(executable), expected)
    })
  }

  test('stageBinaries copies the link-free file and refuses one that leads out, staging nothing from it', async () => {
    const stageDir = path.join(top, 'target', 'rust-xbuild', 'x86_64-unknown-linux-gnu')
    const artifact = (name: string) => ({ name, executable: path.join(profile, name), packageId: 'app', test: false, fresh: false })
    const staged = await stageBinaries([artifact('linked-in')], stageDir, false, [], 'x86_64-unknown-linux-gnu')
    assert.deepEqual(
      staged.files.map((f) => [f.name, fs.readFileSync(f.path, 'utf8'), fs.lstatSync(f.path).isFile(), fs.lstatSync(f.path).mode & 0o777]),
      [['linked-in', 'the real binary\n', true, 0o755]],
    )
    await assert.rejects(() => stageBinaries([artifact('linked-out')], stageDir, false, [], 'x86_64-unknown-linux-gnu'), /outside/)
    assert.deepEqual(Array.from(fs.readdirSync(stageDir)), [])
  })
})
