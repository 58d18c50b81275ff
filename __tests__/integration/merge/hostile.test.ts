/**
 * The merge against hostile artifacts (issue 20), one module for real on a real tree:
 * collectArtifacts with a client whose download writes the crafted files (links, FIFOs,
 * devices, forged manifests), and collectDirs over the same folders, each followed by
 * combine. Every case must fail with one error and leave every file outside the action's
 * temporary folder as it was; the valid folder they all start from merges.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { collectArtifacts, collectDirs, combine } from '../../../src/merge/collect.js'
import { parseMergeInputs } from '../../../src/merge/plan.js'
import { ActionError } from '../../../src/errors.js'
import type { ArtifactClient, ArtifactInfo } from '../../../src/publish/upload.js'
import { runnerReader } from '../../support/action-inputs.js'
import { instantRetry } from '../../support/fakes.js'
import { ARCHIVE, HOSTILE_CASES, TARGET, treeListing, writeStaging, type CraftContext, type HostileCase } from '../../support/hostile.js'

/** The run's artifact service as an attacker's build job left it: download writes the crafted folder. */
class CraftedArtifacts implements ArtifactClient {
  constructor(
    private readonly name: string,
    private readonly craft: (dir: string) => void,
  ) {}
  async list(): Promise<ArtifactInfo[]> {
    return [{ id: 1, name: this.name }]
  }
  async download(_artifact: ArtifactInfo, dir: string): Promise<void> {
    this.craft(dir)
  }
  async upload(): Promise<{ id: number }> {
    throw new Error('the merge uploads nothing in these tests')
  }
  async delete(): Promise<boolean> {
    return false
  }
}

interface Tree {
  top: string
  workspace: string
  tempDir: string
  context: CraftContext
}

/** top/a/b/ws is the workspace, so `../../../escaped` from its merged folder still lands inside top, where the listing sees it. */
function tree(): Tree {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-hostile-'))
  const workspace = path.join(top, 'a', 'b', 'ws')
  const outside = path.join(top, 'outside')
  fs.mkdirSync(workspace, { recursive: true })
  fs.mkdirSync(outside)
  return { top, workspace, tempDir: path.join(top, 'runner-temp', 'rust-xbuild', 'merge'), context: { outside } }
}

const craftedFolder = (hostile: HostileCase, context: CraftContext) => (dir: string) => {
  writeStaging(dir)
  hostile.craft(dir, context)
}

async function mergeArtifacts(hostile: HostileCase, t: Tree): Promise<void> {
  const inputs = parseMergeInputs(runnerReader('merge/action.yml', { pattern: hostile.pattern ?? 'rust-xbuild-*' }))
  const client = new CraftedArtifacts(hostile.artifactName ?? `rust-xbuild-${TARGET}`, craftedFolder(hostile, t.context))
  combine(await collectArtifacts(client, inputs, t.tempDir, instantRetry()), inputs, t.workspace)
}

/** The staging folder is in the workspace: crafted before the merge (and before the first listing). */
function stagedInWorkspace(hostile: HostileCase, t: Tree): void {
  hostile.outside?.(t.context.outside)
  craftedFolder(hostile, t.context)(path.join(t.workspace, 'staged', TARGET))
}

async function mergeDirs(_hostile: HostileCase, t: Tree): Promise<void> {
  const inputs = parseMergeInputs(runnerReader('merge/action.yml', { dirs: 'staged/*' }))
  combine(await collectDirs(inputs, t.workspace), inputs, t.workspace)
}

const isRoot = process.getuid?.() === 0
const ways: [string, (hostile: HostileCase, t: Tree) => void, (hostile: HostileCase, t: Tree) => Promise<void>][] = [
  ['artifact', (hostile, t) => hostile.outside?.(t.context.outside), mergeArtifacts],
  ['dirs', stagedInWorkspace, mergeDirs],
]

describe.each(ways)('hostile artifacts through %s', (way, prepare, merge) => {
  test('the valid folder every case starts from merges', async () => {
    const t = tree()
    const valid: HostileCase = { name: 'valid', craft: () => undefined, error: /never/ }
    prepare(valid, t)
    await merge(valid, t)
    const merged = path.join(t.workspace, 'rust-xbuild')
    assert.deepEqual(Array.from(fs.readdirSync(merged)).sort(), [ARCHIVE, 'SHA256SUMS', 'manifest.json', TARGET].sort())
    assert.deepEqual(Array.from(fs.readdirSync(path.join(merged, TARGET))), ['app'])
    assert.equal(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: merged, encoding: 'utf8' }), `${ARCHIVE}: OK\n${TARGET}/app: OK\n`)
  })

  for (const hostile of HOSTILE_CASES.filter((c) => way === 'artifact' || !c.artifactName)) {
    ;(hostile.root && !isRoot ? test.skip : test)(
      hostile.name,
      async () => {
        const t = tree()
        prepare(hostile, t)
        const before = treeListing(t.top, ['runner-temp'])
        await assert.rejects(
          () => merge(hostile, t),
          (error: unknown) => error instanceof ActionError && hostile.error.test(error.message),
        )
        assert.deepEqual(treeListing(t.top, ['runner-temp']), before)
      },
      30_000,
    )
  }
})
