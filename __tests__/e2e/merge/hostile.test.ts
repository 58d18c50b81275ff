/**
 * The bundled merge (dist/merge/index.js) against hostile staging folders, as a runner runs
 * the step (the unprivileged runner user when the tests run as root): merged with `dirs`,
 * and downloaded as artifacts from the results service (the real @actions/artifact client
 * in dist/, each case in a workflow run of its own). Every case: a non-zero exit, exactly one
 * ::error:: naming the artifact and the value, nothing uploaded, and the whole temporary tree
 * unchanged but for the action's RUNNER_TEMP. The valid folder every case starts from merges,
 * and its SHA256SUMS verifies.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { errors, giveToRunner, runEntry, type ActionRun } from '../../support/harness.js'
import { startResultsService, zipOf, type ResultsService } from '../../support/results-server.js'
import { ARCHIVE, HOSTILE_CASES, TARGET, treeListing, writeStaging, type HostileCase } from '../../support/hostile.js'

interface Tree {
  top: string
  workspace: string
  runnerTemp: string
  outside: string
}

/**
 * top/a/b/ws: `../../../escaped` from the merged folder lands in top/a, inside the listed tree
 * and (given to the runner user) writable. The crafted staging folder is `staged` in the
 * workspace, or (for the artifact path) a folder elsewhere that becomes the artifact.
 */
function tree(hostile: HostileCase, staged?: string): Tree {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-hostile-e2e-'))
  const t = { top, workspace: path.join(top, 'a', 'b', 'ws'), runnerTemp: path.join(top, 'runner-temp'), outside: path.join(top, 'outside') }
  for (const dir of [t.workspace, t.runnerTemp, t.outside]) fs.mkdirSync(dir, { recursive: true })
  hostile.outside?.(t.outside)
  const folder = staged ?? path.join(t.workspace, 'staged', TARGET)
  writeStaging(folder)
  hostile.craft(folder, { outside: t.outside })
  giveToRunner(path.join(top, 'a'), t.runnerTemp)
  return t
}

function merge(t: Tree): ActionRun {
  return runEntry('merge/index.js', { dirs: 'staged/*' }, { workspace: t.workspace, runnerTemp: t.runnerTemp, env: { PATH: process.env.PATH ?? '' } })
}

const isRoot = process.getuid?.() === 0
/** One line per case for the report (HOSTILE_REPORT=<file>). */
const report: string[] = []

/** The checks every refused case makes, and its line in the report. */
function refused(hostile: HostileCase, t: Tree, before: string[], run: ActionRun, error: RegExp, source: RegExp, way: string): void {
  const after = treeListing(t.top, ['runner-temp'])
  const written = after.filter((entry) => !before.includes(entry))
  const lines = errors(run)
  report.push(`| ${way} | ${hostile.name} | ${run.code} | \`${(lines[0] ?? '').split(t.top).join('<tmp>').slice(0, 400)}\` | ${written.length ? written.join(', ') : 'none'} |`)
  assert.notEqual(run.code, 0, run.log)
  assert.equal(lines.length, 1, run.log)
  // @actions/core escapes line breaks in the one command line: %0A.
  assert.match((lines[0] ?? '').replace(/%0A/g, '\n'), error)
  assert.match(lines[0] ?? '', source)
  assert.deepEqual(after, before)
  assert.ok(!fs.existsSync(path.join(t.workspace, 'rust-xbuild')), 'nothing is written, not even the merged folder')
}

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
        refused(hostile, t, before, merge(t), hostile.error, /staged\/x86_64-unknown-linux-gnu/, 'dirs')
      },
      60_000,
    )
  }
})

describe('the bundled merge refuses hostile artifacts from the results service', () => {
  let service: ResultsService
  beforeAll(async () => {
    service = await startResultsService()
  })
  afterAll(() => service?.stop())

  /** The merge job of `run`, downloading that run's artifacts with the real client. */
  function mergeRun(t: Tree, run: string, inputs: Record<string, string> = {}): ActionRun {
    return runEntry('merge/index.js', inputs, { workspace: t.workspace, runnerTemp: t.runnerTemp, env: { PATH: process.env.PATH ?? '', ...service.envFor('merge', { run }) } })
  }
  const uploaded = async (run: string): Promise<string[]> =>
    (await service.artifacts()).filter((a) => a.run === service.runId(run) && a.finalized && a.name !== `rust-xbuild-${TARGET}` && a.name !== '..').map((a) => a.name)

  test('the valid folder every case starts from merges and is uploaded', async () => {
    const staged = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-artifact-'))
    const t = tree({ name: 'valid', craft: () => undefined, error: /never/ }, staged)
    await service.putArtifact(`rust-xbuild-${TARGET}`, { dir: staged }, { run: 'valid' })
    const run = mergeRun(t, 'valid')
    assert.equal(run.code, 0, run.log)
    assert.match(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.join(t.workspace, 'rust-xbuild'), encoding: 'utf8' }), /x86_64-unknown-linux-gnu\/app: OK/)
    assert.deepEqual(await uploaded('valid'), ['rust-xbuild-merged'])
  })

  for (const hostile of HOSTILE_CASES.filter((c) => c.zip !== 'not carried')) {
    test(
      hostile.name,
      async () => {
        const staged = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-artifact-'))
        const t = tree(hostile, staged)
        const name = hostile.artifactName ?? `rust-xbuild-${TARGET}`
        await service.putArtifact(name, { dir: staged }, { run: hostile.name })
        const before = treeListing(t.top, ['runner-temp'])
        const run = mergeRun(t, hostile.name, hostile.pattern ? { pattern: hostile.pattern } : {})
        const error = hostile.zip && hostile.zip !== 'not carried' ? hostile.zip.error : hostile.error
        refused(hostile, t, before, run, error, hostile.artifactName ? /"\.\."/ : /rust-xbuild-x86_64-unknown-linux-gnu/, 'artifact')
        assert.deepEqual(await uploaded(hostile.name), [], 'nothing is uploaded')
      },
      60_000,
    )
  }

  test('zip entries that climb (../../../escaped/app) or are absolute land inside the download folder and are not merged', async () => {
    const staged = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-artifact-'))
    const t = tree({ name: 'zip slip', craft: () => undefined, error: /never/ }, staged)
    // archiver strips ../ and / from names; same-length stand-ins are patched into the zip's bytes.
    fs.mkdirSync(path.join(staged, 'UP', 'UP', 'UP', 'escaped'), { recursive: true })
    fs.writeFileSync(path.join(staged, 'UP', 'UP', 'UP', 'escaped', 'app'), 'climbed\n')
    fs.mkdirSync(path.join(staged, 'Xtmp'))
    fs.writeFileSync(path.join(staged, 'Xtmp', 'absolute-app'), 'absolute\n')
    const zip = (await zipOf({ dir: staged }))
      .toString('latin1')
      .replace(/UP\/UP\/UP\//g, '../../../')
      .replace(/Xtmp\//g, '/tmp/')
    await service.putArtifact(`rust-xbuild-${TARGET}`, { zip: Buffer.from(zip, 'latin1') }, { run: 'zip slip' })
    const before = treeListing(t.top, ['runner-temp'])
    const run = mergeRun(t, 'zip slip', { upload: 'none' })
    assert.equal(run.code, 0, run.log)
    const merged = path.join(t.workspace, 'rust-xbuild')
    assert.deepEqual(treeListing(t.top, ['runner-temp', 'a/b/ws/rust-xbuild']), before)
    assert.ok(!fs.existsSync('/tmp/absolute-app'))
    assert.deepEqual(
      treeListing(merged).map((entry) => entry.split(' ')[0]),
      [ARCHIVE, 'SHA256SUMS', 'manifest.json', `${TARGET}/`, `${TARGET}/app`].sort(),
    )
    report.push(
      `| artifact | zip entries ../../../escaped/app and /tmp/absolute-app | ${run.code} | (none: merged; the entries were extracted inside the download folder and are not in manifest.json) | none |`,
    )
  })

  afterAll(() => {
    if (process.env.HOSTILE_REPORT) fs.writeFileSync(process.env.HOSTILE_REPORT, `${report.join('\n')}\n`)
  })
})
