/**
 * The bundled merge (dist/merge/index.js) against hostile staging folders, merged with
 * `dirs` as a runner runs the step (the unprivileged runner user when the tests run as
 * root). Every case: a non-zero exit, exactly one ::error:: naming the artifact and the
 * value, and the whole temporary tree unchanged but for the action's RUNNER_TEMP. The same
 * valid folder every case starts from merges, and its SHA256SUMS verifies.
 */
import { afterAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { errors, giveToRunner, runEntry, type ActionRun } from '../../support/harness.js'
import { HOSTILE_CASES, TARGET, treeListing, writeStaging, type HostileCase } from '../../support/hostile.js'

interface Tree {
  top: string
  workspace: string
  runnerTemp: string
  outside: string
}

/** top/a/b/ws: `../../../escaped` from the merged folder lands in top/a, inside the listed tree and (given to the runner user) writable. */
function tree(hostile: HostileCase): Tree {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-hostile-e2e-'))
  const t = { top, workspace: path.join(top, 'a', 'b', 'ws'), runnerTemp: path.join(top, 'runner-temp'), outside: path.join(top, 'outside') }
  for (const dir of [t.workspace, t.runnerTemp, t.outside]) fs.mkdirSync(dir, { recursive: true })
  hostile.outside?.(t.outside)
  const staged = path.join(t.workspace, 'staged', TARGET)
  writeStaging(staged)
  hostile.craft(staged, { outside: t.outside })
  giveToRunner(path.join(top, 'a'), t.runnerTemp)
  return t
}

function merge(t: Tree): ActionRun {
  return runEntry('merge/index.js', { dirs: 'staged/*' }, { workspace: t.workspace, runnerTemp: t.runnerTemp, env: { PATH: process.env.PATH ?? '' } })
}

const isRoot = process.getuid?.() === 0
/** One line per case for the report (HOSTILE_REPORT=<file>). */
const report: string[] = []

describe('the bundled merge refuses hostile staging folders (dirs)', () => {
  test('the valid folder every case starts from merges', () => {
    const t = tree({ name: 'valid', craft: () => undefined, error: /never/ })
    const run = merge(t)
    assert.equal(run.code, 0, run.log)
    const merged = path.join(t.workspace, 'rust-xbuild')
    assert.equal(run.outputs.dir, merged)
    assert.match(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: merged, encoding: 'utf8' }), /x86_64-unknown-linux-gnu\/app: OK/)
  })

  for (const hostile of HOSTILE_CASES.filter((c) => !c.artifactName)) {
    ;(hostile.root && !isRoot ? test.skip : test)(
      hostile.name,
      () => {
        const t = tree(hostile)
        const before = treeListing(t.top, ['runner-temp'])
        const run = merge(t)
        const after = treeListing(t.top, ['runner-temp'])
        const written = after.filter((entry) => !before.includes(entry))
        const lines = errors(run)
        report.push(`| ${hostile.name} | ${run.code} | \`${(lines[0] ?? '').replace(t.top, '<tmp>').slice(0, 400)}\` | ${written.length ? written.join(', ') : 'none'} |`)
        assert.notEqual(run.code, 0, run.log)
        assert.equal(lines.length, 1, run.log)
        // @actions/core escapes line breaks in the one command line: %0A.
        assert.match((lines[0] ?? '').replace(/%0A/g, '\n'), hostile.error)
        assert.match(lines[0] ?? '', /staged\/x86_64-unknown-linux-gnu/)
        assert.deepEqual(after, before)
        assert.ok(!fs.existsSync(path.join(t.workspace, 'rust-xbuild')), 'nothing is written, not even the merged folder')
      },
      60_000,
    )
  }

  afterAll(() => {
    if (process.env.HOSTILE_REPORT) fs.writeFileSync(process.env.HOSTILE_REPORT, `${report.join('\n')}\n`)
  })
})
