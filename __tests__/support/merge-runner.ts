/**
 * Runs the merge action's run() in a process of its own, as a runner would (INPUT_*
 * variables, GITHUB_OUTPUT), with in-memory GitHub fakes: MERGE_ARTIFACTS maps artifact
 * names to folders; the fakes' state after the run goes to MERGE_STATE as JSON.
 */
import fs from 'node:fs'
import { run } from '../../src/merge/action.js'
import { FakeArtifacts, FakeReleases } from './fakes.js'

const artifacts = new FakeArtifacts()
for (const [name, dir] of Object.entries(JSON.parse(process.env.MERGE_ARTIFACTS ?? '{}') as Record<string, string>)) artifacts.put(name, dir)
const releases = new FakeReleases()
await run({ artifacts: () => artifacts, releases: () => releases })
const state = {
  calls: artifacts.calls,
  artifacts: Object.fromEntries([...artifacts.stored].map(([name, artifact]) => [name, [...artifact.files.keys()].sort()])),
  releases: releases.releases.map((release) => ({ tag: release.tag, draft: release.draft, assets: release.assets.map((asset) => asset.name).sort() })),
}
fs.writeFileSync(process.env.MERGE_STATE ?? '/dev/null', JSON.stringify(state))
