/**
 * The merge over what real matrix jobs produce, end to end: ring-hello built through
 * dist/index.js for x86_64 and aarch64, each job uploading its artifact with the real
 * @actions/artifact to the results service (__tests__/support/results-server.ts), then
 * dist/merge/index.js run as the run's merge job, downloading, verifying and uploading the
 * merged artifact through the same service. Hostile or broken artifacts go into runs of their
 * own, so each scenario sees only its run's artifacts.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { debianPath, errors, fixture, ROOT, runAction, runEntry, sh, type ActionRun } from '../../support/harness.js'
import { assertHonest } from '../../support/github-server.js'
import { startGithubServerProcess, type GithubServerState } from '../../support/github-server-process.js'
import { startResultsService, type ArtifactRecord, type LoggedRequest, type ResultsService } from '../../support/results-server.js'

const X86 = 'x86_64-unknown-linux-gnu'
const ARM = 'aarch64-unknown-linux-gnu'
const builds: Record<string, ActionRun> = {}
let service: ResultsService

beforeAll(async () => {
  service = await startResultsService()
  for (const target of [X86, ARM]) {
    const workspace = fixture('ring-hello')
    fs.writeFileSync(path.join(workspace, 'LICENSE'), 'MIT\n')
    // cache: false keeps the post step from pruning the staging folder the tests compare with.
    const run = runAction(
      { target, toolchain: 'system', locked: 'true', include: 'LICENSE', checksum: 'both', upload: 'artifact', cache: 'false' },
      { workspace, env: service.envFor(`build (${target})`) },
    )
    assert.equal(run.code, 0, run.log)
    assert.equal(run.outputs['artifact-name'], `rust-xbuild-${target}`)
    builds[target] = run
  }
  // Another job's artifact that the merge must leave alone.
  await service.putArtifact('coverage', { files: { 'lcov.info': 'TN:\n' } }, { job: 'coverage' })
})
afterAll(() => service?.stop())

interface MergeRun extends ActionRun {
  workspace: string
  /** The service's requests during the run */
  requests: LoggedRequest[]
}

/** dist/merge/index.js as the merge job of `run` (default: the matrix's run). */
async function merge(inputs: Record<string, string>, options: { run?: string; env?: Record<string, string> } = {}): Promise<MergeRun> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-ws-'))
  const mark = (await service.requests()).length
  const run = runEntry('merge/index.js', inputs, { workspace, env: { PATH: debianPath(), ...service.envFor('merge', { run: options.run }), ...options.env } })
  return { ...run, workspace, requests: (await service.requests()).slice(mark) }
}

/** The artifacts of a run, by name. */
async function artifactsOf(run?: string): Promise<Map<string, ArtifactRecord>> {
  const id = run ? service.runId(run) : service.run
  return new Map((await service.artifacts()).filter((a) => a.run === id && a.finalized).map((a) => [a.name, a]))
}

/** A run holding the two builds' staging folders as artifacts, plus `extra` ones (name → folder). */
async function runWith(run: string, extra: Record<string, string>, replace: Record<string, string> = {}): Promise<void> {
  const dirs = { ...Object.fromEntries(Object.entries(builds).map(([target, build]) => [`rust-xbuild-${target}`, build.outputs.dir ?? ''])), ...replace, ...extra }
  for (const [name, dir] of Object.entries(dirs)) await service.putArtifact(name, { dir }, { run, job: name })
}

const mode = (file: string): number => fs.statSync(file).mode & 0o777
const named = (requests: readonly LoggedRequest[], call: string, name: string): LoggedRequest[] => requests.filter((r) => r.call === `ArtifactService.${call}` && r.fields.name === name)

describe('merge over two real target builds', () => {
  let first: MergeRun
  beforeAll(async () => {
    first = await merge({ expect: `${X86}, linux/arm64`, 'docker-dir': 'docker-bin' })
  })

  test('the merge job downloads the matrix’s artifacts from the service, not the others', () => {
    assert.equal(first.code, 0, first.log)
    assert.deepEqual(errors(first), [])
    for (const target of [X86, ARM])
      assert.deepEqual(
        named(first.requests, 'GetSignedArtifactURL', `rust-xbuild-${target}`).map((r) => r.status),
        [200],
      )
    assert.deepEqual(named(first.requests, 'GetSignedArtifactURL', 'coverage'), [])
    assert.ok(first.requests.filter((r) => r.call === 'Get Blob').every((r) => r.status === 200))
  })
  test('one SHA256SUMS and SHA512SUMS over every file, verified by sha256sum -c and sha512sum -c', () => {
    const dir = first.outputs.dir ?? ''
    assert.equal(dir, path.join(first.workspace, 'rust-xbuild'))
    assert.equal(first.outputs.manifest, path.join(dir, 'SHA256SUMS'))
    assert.deepEqual(JSON.parse(first.outputs.targets ?? ''), [ARM, X86])
    const checked = sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir })
    assert.deepEqual(checked.trim().split('\n'), [
      `${ARM}/ring-hello: OK`,
      `ring-hello-0.1.0-${ARM}.tar.gz: OK`,
      `ring-hello-0.1.0-${X86}.tar.gz: OK`,
      `ring-hello-${ARM}.cdx.json: OK`,
      `ring-hello-${X86}.cdx.json: OK`,
      `${X86}/ring-hello: OK`,
    ])
    assert.equal(sh('sha512sum', ['-c', 'SHA512SUMS'], { cwd: dir }).trim().split('\n').length, 6)
  })
  test('the binaries are the built ones, executable again, and they run', () => {
    const dir = first.outputs.dir ?? ''
    for (const target of [X86, ARM]) {
      const merged = path.join(dir, target, 'ring-hello')
      assert.ok(fs.readFileSync(merged).equals(fs.readFileSync(path.join(builds[target]?.outputs.dir ?? '', 'ring-hello'))))
      assert.equal(mode(merged), 0o755)
    }
    assert.match(sh(path.join(dir, X86, 'ring-hello'), []), /arch=x86_64/)
    assert.match(sh('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', path.join(dir, ARM, 'ring-hello')]), /arch=aarch64/)
  })
  test('an archive extracts to the same binary and the included LICENSE', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'merged-x-'))
    sh('tar', ['-xzf', path.join(first.outputs.dir ?? '', `ring-hello-0.1.0-${ARM}.tar.gz`), '-C', out])
    assert.deepEqual(Array.from(fs.readdirSync(out)).sort(), ['LICENSE', 'ring-hello'])
    assert.ok(fs.readFileSync(path.join(out, 'ring-hello')).equals(fs.readFileSync(path.join(first.outputs.dir ?? '', ARM, 'ring-hello'))))
    assert.equal(mode(path.join(out, 'ring-hello')), 0o755)
  })
  test('the combined manifest lists both targets with their build facts and every file', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(first.outputs.dir ?? '', 'manifest.json'), 'utf8'))
    assert.deepEqual(
      manifest.targets.map((t: { target: string; artifact: string }) => [t.target, t.artifact]),
      [
        [ARM, `rust-xbuild-${ARM}`],
        [X86, `rust-xbuild-${X86}`],
      ],
    )
    assert.match(manifest.targets[0].linker, /aarch64-linux-gnu-gcc/)
    assert.equal(manifest.files.length, 6)
    assert.deepEqual(manifest.docker, ['linux/arm64/ring-hello', 'linux/amd64/ring-hello'])
  })
  test("each target's SBOM is carried at the top, unchanged and not executable; the Docker layout has binaries only", () => {
    for (const target of [X86, ARM]) {
      const name = `ring-hello-${target}.cdx.json`
      const merged = path.join(first.outputs.dir ?? '', name)
      assert.ok(fs.readFileSync(merged).equals(fs.readFileSync(path.join(builds[target]?.outputs.dir ?? '', name))))
      assert.equal(mode(merged), 0o644)
      assert.equal(JSON.parse(fs.readFileSync(merged, 'utf8')).metadata.properties[0].value, target)
    }
    assert.deepEqual(Array.from(fs.readdirSync(path.join(first.workspace, 'docker-bin', 'linux', 'arm64'))), ['ring-hello'])
  })
  test('the Docker layout: <docker-dir>/$TARGETPLATFORM/<bin>', () => {
    const docker = path.join(first.workspace, 'docker-bin')
    assert.match(sh(path.join(docker, 'linux/amd64/ring-hello'), []), /arch=x86_64/)
    assert.equal(mode(path.join(docker, 'linux/arm64/ring-hello')), 0o755)
    assert.match(sh('file', ['-b', path.join(docker, 'linux/arm64/ring-hello')]), /ARM aarch64/)
  })
  test('the result is uploaded as rust-xbuild-merged; a re-run merges the same, not itself', async () => {
    assert.equal(first.outputs['artifact-name'], 'rust-xbuild-merged')
    const merged = (await artifactsOf()).get('rust-xbuild-merged')
    assert.deepEqual([...(merged?.entries ?? [])].filter((entry) => !entry.endsWith('/')).sort(), [
      'SHA256SUMS',
      'SHA512SUMS',
      `${ARM}/ring-hello`,
      'manifest.json',
      `ring-hello-0.1.0-${ARM}.tar.gz`,
      `ring-hello-0.1.0-${X86}.tar.gz`,
      `ring-hello-${ARM}.cdx.json`,
      `ring-hello-${X86}.cdx.json`,
      `${X86}/ring-hello`,
    ])
    // The re-run's service holds the first merge's artifact, which matches rust-xbuild-* but must not be merged into itself.
    const again = await merge({ expect: `${X86}, linux/arm64`, 'docker-dir': 'docker-bin' })
    assert.equal(again.code, 0, again.log)
    assert.deepEqual(named(again.requests, 'GetSignedArtifactURL', 'rust-xbuild-merged'), [])
    assert.deepEqual(
      named(again.requests, 'DeleteArtifact', 'rust-xbuild-merged').map((r) => r.status),
      [200],
    )
    assert.match(again.log, /Replaced the earlier artifact rust-xbuild-merged/)
    const replaced = (await artifactsOf()).get('rust-xbuild-merged')
    assert.notEqual(replaced?.id, merged?.id)
    for (const file of ['SHA256SUMS', 'manifest.json']) {
      const before = fs.readFileSync(path.join(first.outputs.dir ?? '', file), 'utf8')
      assert.equal(fs.readFileSync(path.join(again.outputs.dir ?? '', file), 'utf8'), before, file)
    }
  })
  test('upload release: the archives, the SBOMs, the checksums and the manifest become assets of a draft', async () => {
    const before = (await artifactsOf()).get('rust-xbuild-merged')?.id
    const github = await startGithubServerProcess()
    let result: MergeRun
    const state: GithubServerState = { seen: [], releases: [], problems: [] }
    try {
      result = await merge({ upload: 'release', 'release-tag': 'v0.1.0', token: 't' }, { env: { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: 'o/r' } })
    } finally {
      Object.assign(state, await github.stop())
    }
    assertHonest(state.problems)
    assert.equal(result.code, 0, result.log)
    assert.deepEqual(
      state.releases.map((r) => ({ tag: r.tag_name, draft: r.draft, assets: r.assets.map((a) => a.name).sort() })),
      [
        {
          tag: 'v0.1.0',
          draft: true,
          assets: ['SHA256SUMS', 'SHA512SUMS', 'manifest.json', `ring-hello-0.1.0-${ARM}.tar.gz`, `ring-hello-0.1.0-${X86}.tar.gz`, `ring-hello-${ARM}.cdx.json`, `ring-hello-${X86}.cdx.json`],
        },
      ],
    )
    // upload: release alone leaves the artifacts as they were.
    assert.equal((await artifactsOf()).get('rust-xbuild-merged')?.id, before)
    assert.deepEqual(
      result.requests.filter((r) => ['CreateArtifact', 'DeleteArtifact'].some((call) => r.call.endsWith(call))),
      [],
    )
  })
})

describe('the merge fails clearly', () => {
  test('an expected target without an artifact', async () => {
    const result = await merge({ expect: `${X86}, ${ARM}, armv7-unknown-linux-gnueabihf` })
    assert.equal(result.code, 1)
    assert.match(result.stdout, /::error::The merge found 1 problem\(s\):%0A- Expected target\(s\) missing: armv7-unknown-linux-gnueabihf\. Found: aarch64-unknown-linux-gnu, x86_64-unknown-linux-gnu/)
  })
  test('two targets claiming one file name with different contents', async () => {
    // A job whose name template lost {target}: its aarch64 archive takes the x86_64 archive's name.
    const evil = fs.mkdtempSync(path.join(os.tmpdir(), 'evil-'))
    fs.cpSync(builds[ARM]?.outputs.dir ?? '', evil, { recursive: true })
    fs.renameSync(path.join(evil, `ring-hello-0.1.0-${ARM}.tar.gz`), path.join(evil, `ring-hello-0.1.0-${X86}.tar.gz`))
    const manifest = fs.readFileSync(path.join(evil, 'manifest.json'), 'utf8').replaceAll(`ring-hello-0.1.0-${ARM}.tar.gz`, `ring-hello-0.1.0-${X86}.tar.gz`)
    fs.writeFileSync(path.join(evil, 'manifest.json'), manifest.replace(`"target": "${ARM}"`, '"target": "aarch64-unknown-linux-musl"'))
    await runWith('renamed', { 'rust-xbuild-renamed': evil })
    const result = await merge({}, { run: 'renamed' })
    assert.equal(result.code, 1)
    assert.match(
      result.stdout,
      new RegExp(`ring-hello-0\\.1\\.0-${X86}\\.tar\\.gz is claimed by rust-xbuild-renamed \\(aarch64-unknown-linux-musl, .*\\) and rust-xbuild-${X86} \\(${X86}, .*\\) with different contents`),
    )
    assert.equal((await artifactsOf('renamed')).has('rust-xbuild-merged'), false, 'nothing is uploaded')
  })
  test('a file that does not match its manifest', async () => {
    const tampered = fs.mkdtempSync(path.join(os.tmpdir(), 'tampered-'))
    fs.cpSync(builds[X86]?.outputs.dir ?? '', tampered, { recursive: true })
    fs.writeFileSync(path.join(tampered, 'ring-hello'), 'tampered')
    await runWith('tampered', {}, { [`rust-xbuild-${X86}`]: tampered })
    const result = await merge({}, { run: 'tampered' })
    assert.equal(result.code, 1)
    assert.match(result.stdout, new RegExp(`rust-xbuild-${X86}: ring-hello does not match its checksum in manifest\\.json`))
    assert.equal((await artifactsOf('tampered')).has('rust-xbuild-merged'), false, 'nothing is uploaded')
  })
  test('dist/merge/index.js outside a runner: one clear error', () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'merge', 'index.js')], { env: { PATH: process.env.PATH ?? '', INPUT_EXPECT: X86 }, encoding: 'utf8' })
    assert.equal(result.status, 1)
    assert.match(result.stdout, /::error::The merge downloads this run’s artifacts, which needs a GitHub Actions runner/)
  })
})
