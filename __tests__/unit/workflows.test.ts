/**
 * The repository's own workflows cannot run here; what can be checked offline is checked:
 * every input they give the action (`uses: ./`) and the merge action (`uses: ./merge`)
 * exists in action.yml / merge/action.yml, required inputs are given, and the e2e matrix
 * covers the runners and targets it promises. (actionlint checks the rest: `npm run lint`.)
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const WORKFLOWS = path.join(ROOT, '.github', 'workflows')

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  'runs-on'?: string
  steps?: Step[]
  strategy?: { matrix?: { include?: Record<string, string>[] } }
}
interface Workflow {
  jobs: Record<string, Job>
}
interface ActionFile {
  inputs: Record<string, { required?: boolean }>
}

const readYaml = <T>(file: string): T => parse(fs.readFileSync(file, 'utf8')) as T
const workflows = Array.from(fs.readdirSync(WORKFLOWS))
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => ({ name, workflow: readYaml<Workflow>(path.join(WORKFLOWS, name)) }))
const actions: Record<string, ActionFile> = {
  './': readYaml<ActionFile>(path.join(ROOT, 'action.yml')),
  './merge': readYaml<ActionFile>(path.join(ROOT, 'merge', 'action.yml')),
}

/** Every step that runs one of this repository's actions, with where it is. */
const localSteps = workflows.flatMap(({ name, workflow }) =>
  Object.entries(workflow.jobs).flatMap(([job, { steps = [] }]) =>
    steps.filter((step) => step.uses !== undefined && step.uses in actions).map((step) => ({ where: `${name} ${job} (uses: ${step.uses})`, step })),
  ),
)

describe('the repository workflows', () => {
  test('ci, check-dist, e2e and release exist', () =>
    assert.deepEqual(
      workflows.map((w) => w.name),
      ['check-dist.yml', 'ci.yml', 'e2e.yml', 'release.yml'],
    ))
  test('they run the action and the merge action themselves', () => assert.deepEqual([...new Set(localSteps.map(({ step }) => step.uses))].sort(), ['./', './merge']))
  for (const { where, step } of localSteps) {
    const action = actions[step.uses ?? ''] as ActionFile
    test(`${where}: every input given exists`, () => {
      const unknown = Object.keys(step.with ?? {}).filter((key) => !(key in action.inputs))
      assert.deepEqual(unknown, [], `not inputs of ${step.uses}: ${unknown.join(', ')}`)
    })
    test(`${where}: every required input is given`, () => {
      const required = Object.entries(action.inputs)
        .filter(([, input]) => input.required)
        .map(([key]) => key)
      assert.deepEqual(
        required.filter((key) => !(key in (step.with ?? {}))),
        [],
      )
    })
  }
  test('ci runs the README test command; check-dist rebuilds dist/', () => {
    const runs = (name: string): string =>
      Object.values(workflows.find((w) => w.name === name)?.workflow.jobs ?? {})
        .flatMap((job) => job.steps ?? [])
        .map((step) => step.run ?? '')
        .join('\n')
    assert.match(runs('ci.yml'), /^\.ci\/run$/m)
    assert.match(runs('check-dist.yml'), /^npm run package$/m)
  })
  test('the e2e matrix covers the promised runners and targets', () => {
    const include = workflows.find((w) => w.name === 'e2e.yml')?.workflow.jobs.build?.strategy?.matrix?.include ?? []
    const pairs = include.map((entry) => `${entry.runner} ${entry.target}`)
    for (const pair of [
      'ubuntu-24.04 x86_64-unknown-linux-gnu',
      'ubuntu-24.04 x86_64-unknown-linux-musl',
      'ubuntu-24.04 aarch64-unknown-linux-gnu',
      'ubuntu-24.04 armv7-unknown-linux-musleabihf',
      'ubuntu-24.04-arm aarch64-unknown-linux-gnu',
      'macos-14 aarch64-apple-darwin',
      'macos-14 x86_64-apple-darwin',
      'windows-2022 x86_64-pc-windows-msvc',
      'windows-2022 aarch64-pc-windows-msvc',
    ])
      assert.ok(pairs.includes(pair), `e2e.yml has no ${pair}`)
    // A cross build on the arm runner too.
    assert.ok(include.some((entry) => entry.runner === 'ubuntu-24.04-arm' && !entry.target?.startsWith('aarch64')))
  })
  test('the merge expects every target the matrix uploads', () => {
    const e2e = workflows.find((w) => w.name === 'e2e.yml')?.workflow
    const uploaded = (e2e?.jobs.build?.strategy?.matrix?.include ?? []).filter((entry) => entry.upload === 'artifact').map((entry) => entry.target ?? '')
    const merge = localSteps.find(({ step }) => step.uses === './merge')?.step
    const expected = String(merge?.with?.expect ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
    assert.deepEqual([...expected].sort(), [...uploaded].sort())
  })
})
