/**
 * CPU variants of one target in one release, end to end: cpu-hello (no dependencies; an
 * AVX2 path when the baseline has it) built through dist/index.js twice for
 * x86_64-unknown-linux-gnu, with target-cpu x86-64 and x86-64-v3 and {cpu} in name and
 * artifact-name, each job smoke-testing its binary on its baseline's CPU model and uploading
 * its artifact to the results service; then dist/merge/index.js merges both into one tree,
 * one image platform and one docker-dir entry. The same two builds named without {cpu}
 * (the jobs reuse the workspaces, so cargo has nothing to compile) collide and are refused;
 * a variant in expect that no build has, and an unknown placeholder, fail before any work.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { attempt, debianPath, errors, fixture, runAction, runEntry, sh, type ActionRun } from '../../support/harness.js'
import { fileFromLayer } from '../../support/registry.js'
import { startResultsService, type LoggedRequest, type ResultsService } from '../../support/results-server.js'

const X86 = 'x86_64-unknown-linux-gnu'
const CPUS = ['x86-64', 'x86-64-v3'] as const
const WITH_CPU = { name: '{bin}-{version}-{target}-{cpu}', 'artifact-name': 'rust-xbuild-{target}-{cpu}' }
const sha256 = (data: Buffer): string => crypto.createHash('sha256').update(data).digest('hex')

let service: ResultsService
const workspaces: Record<string, string> = {}
const builds: Record<string, ActionRun> = {}
const staged: Record<string, Buffer> = {}

/** One matrix job: the target at one baseline, static (the image is on scratch), smoke-tested, uploaded to `run`. */
function build(cpu: string, inputs: Record<string, string>, run?: string): ActionRun {
  return runAction(
    {
      target: X86,
      'target-cpu': cpu,
      rustflags: '-C target-feature=+crt-static',
      toolchain: 'system',
      locked: 'true',
      'smoke-test': '--version',
      upload: 'artifact',
      cache: 'false',
      ...inputs,
    },
    { workspace: workspaces[cpu] ?? '', env: service.envFor(`build (${cpu}${run ? `, ${run}` : ''})`, { run }) },
  )
}

beforeAll(async () => {
  service = await startResultsService()
  for (const cpu of CPUS) {
    workspaces[cpu] = fixture('cpu-hello')
    const run = build(cpu, WITH_CPU)
    assert.equal(run.code, 0, run.log)
    builds[cpu] = run
    staged[cpu] = fs.readFileSync(path.join(run.outputs.dir ?? '', 'cpu-hello'))
  }
  // The same jobs with the default name (no {cpu}), as another run.
  for (const cpu of CPUS) {
    const run = build(cpu, { 'artifact-name': WITH_CPU['artifact-name'] }, 'collide')
    assert.equal(run.code, 0, run.log)
  }
})
afterAll(() => service?.stop())

interface MergeRun extends ActionRun {
  workspace: string
  requests: LoggedRequest[]
}

async function merge(inputs: Record<string, string>, run?: string): Promise<MergeRun> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'variants-ws-'))
  const mark = (await service.requests()).length
  const result = runEntry('merge/index.js', inputs, { workspace, env: { PATH: debianPath(), SOURCE_DATE_EPOCH: '1714564800', ...service.envFor('merge', { run }) } })
  return { ...result, workspace, requests: (await service.requests()).slice(mark) }
}

/** The files below a folder, as `find . -type f` lists them, sorted. */
const tree = (dir: string): string[] => sh('find', ['.', '-type', 'f'], { cwd: dir }).trim().split('\n').sort()

/** The binary the image archive's platform runs, from its last layer. */
async function imageBinary(archive: string, platform: string): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'variants-oci-'))
  sh('tar', ['-xf', archive, '-C', dir])
  const blob = (digest: string): Buffer => fs.readFileSync(path.join(dir, 'blobs', ...digest.split(':')))
  const top = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }
  const index = JSON.parse(blob(top.manifests[0]?.digest ?? '').toString()) as { manifests: { digest: string; platform: { os: string; architecture: string } }[] }
  const entry = index.manifests.find((m) => `${m.platform.os}/${m.platform.architecture}` === platform)
  assert.ok(entry, JSON.stringify(index))
  const manifest = JSON.parse(blob(entry.digest).toString()) as { layers: { digest: string }[] }
  return (await fileFromLayer(blob(manifest.layers.at(-1)?.digest ?? ''), 'usr/local/bin/cpu-hello')).data
}

describe('two CPU baselines of one target', () => {
  test('each build names its files with {cpu}, records its baseline, and is smoke-tested on its own CPU model', () => {
    for (const cpu of CPUS) {
      const run = builds[cpu] as ActionRun
      assert.equal(run.outputs['artifact-name'], `rust-xbuild-${X86}-${cpu}`)
      assert.deepEqual(
        (JSON.parse(run.outputs.archives ?? '[]') as string[]).map((file) => path.basename(file)),
        [`cpu-hello-0.1.0-${X86}-${cpu}.tar.gz`],
      )
      const manifest = JSON.parse(fs.readFileSync(path.join(run.outputs.dir ?? '', 'manifest.json'), 'utf8')) as { baseline: unknown }
      assert.deepEqual(manifest.baseline, { targetCpu: cpu, targetFeatures: [] })
    }
    assert.match(builds['x86-64']?.stdout ?? '', /cpu-hello: smoke test passed \(qemu-x86_64 -cpu qemu64 \(x86-64\)\): cpu-hello path=baseline sum=396/)
    assert.match(builds['x86-64-v3']?.stdout ?? '', /cpu-hello: smoke test passed \(qemu-x86_64 -cpu Haswell \(x86-64-v3\)\): cpu-hello path=avx2 sum=396/)
  })
  test('the v3 binary needs v3: on a Nehalem (x86-64-v2) it dies with SIGILL, so the Haswell run proves something', () => {
    const binary = path.join(builds['x86-64-v3']?.outputs.dir ?? '', 'cpu-hello')
    const nehalem = attempt('qemu-x86_64', ['-cpu', 'Nehalem', binary])
    assert.equal(nehalem.signal ?? String(nehalem.status), nehalem.signal ? 'SIGILL' : '132', nehalem.stderr)
    assert.equal(attempt('qemu-x86_64', ['-cpu', 'Nehalem', path.join(builds['x86-64']?.outputs.dir ?? '', 'cpu-hello')]).status, 0)
  })

  describe('merged', () => {
    let merged: MergeRun
    beforeAll(async () => {
      merged = await merge({ expect: `${X86}@x86-64, ${X86}@x86-64-v3, linux/amd64`, 'docker-dir': 'docker-bin', 'image-archive': 'image.tar' })
    })
    test('one release tree with both variants: binaries under <target>/<cpu>/, archives at the top, one SBOM', () => {
      assert.equal(merged.code, 0, merged.log)
      assert.deepEqual(errors(merged), [])
      const dir = merged.outputs.dir ?? ''
      assert.deepEqual(tree(dir), [
        './SHA256SUMS',
        `./cpu-hello-0.1.0-${X86}-x86-64-v3.tar.gz`,
        `./cpu-hello-0.1.0-${X86}-x86-64.tar.gz`,
        `./cpu-hello-${X86}.cdx.json`,
        './manifest.json',
        `./${X86}/x86-64-v3/cpu-hello`,
        `./${X86}/x86-64/cpu-hello`,
      ])
      assert.deepEqual(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir }).trim().split('\n'), [
        `cpu-hello-0.1.0-${X86}-x86-64-v3.tar.gz: OK`,
        `cpu-hello-0.1.0-${X86}-x86-64.tar.gz: OK`,
        `cpu-hello-${X86}.cdx.json: OK`,
        `${X86}/x86-64-v3/cpu-hello: OK`,
        `${X86}/x86-64/cpu-hello: OK`,
      ])
      assert.deepEqual(JSON.parse(merged.outputs.targets ?? ''), [X86])
      for (const cpu of CPUS) assert.ok(fs.readFileSync(path.join(dir, X86, cpu, 'cpu-hello')).equals(staged[cpu] as Buffer), cpu)
      // Each runs on its own baseline's CPU model.
      assert.match(sh('qemu-x86_64', ['-cpu', 'Haswell', path.join(dir, X86, 'x86-64-v3', 'cpu-hello')]), /path=avx2 sum=396/)
      assert.match(sh('qemu-x86_64', ['-cpu', 'qemu64', path.join(dir, X86, 'x86-64', 'cpu-hello')]), /path=baseline sum=396/)
    })
    test('the merged manifest lists every variant with its baseline and folder', () => {
      const manifest = JSON.parse(fs.readFileSync(path.join(merged.outputs.dir ?? '', 'manifest.json'), 'utf8')) as {
        targets: { target: string; cpu: string; dir: string; artifact: string; baseline: unknown }[]
        files: { name: string; cpu: string; kind: string; sha256: string }[]
      }
      assert.deepEqual(
        manifest.targets.map((t) => [t.target, t.cpu, t.dir, t.artifact, t.baseline]),
        CPUS.map((cpu) => [X86, cpu, `${X86}/${cpu}`, `rust-xbuild-${X86}-${cpu}`, { targetCpu: cpu, targetFeatures: [] }]),
      )
      assert.deepEqual(
        manifest.files.filter((f) => f.kind === 'binary').map((f) => [f.name, f.cpu, f.sha256]),
        [...CPUS].reverse().map((cpu) => [`${X86}/${cpu}/cpu-hello`, cpu, sha256(staged[cpu] as Buffer)]),
      )
    })
    test('one platform per OCI platform: the image and docker-dir get the baseline build', async () => {
      assert.ok(fs.readFileSync(path.join(merged.workspace, 'docker-bin/linux/amd64/cpu-hello')).equals(staged['x86-64'] as Buffer))
      assert.deepEqual(tree(path.join(merged.workspace, 'docker-bin')), ['./linux/amd64/cpu-hello'])
      assert.ok((await imageBinary(path.join(merged.workspace, 'image.tar'), 'linux/amd64')).equals(staged['x86-64'] as Buffer))
      assert.match(merged.stdout, new RegExp(`linux/amd64: the ${X86}@x86-64 build`))
      const manifest = JSON.parse(fs.readFileSync(path.join(merged.outputs.dir ?? '', 'manifest.json'), 'utf8')) as { image: { platforms: { platform: string; target: string; cpu: string }[] } }
      assert.deepEqual(
        manifest.image.platforms.map((p) => [p.platform, p.target, p.cpu]),
        [['linux/amd64', X86, 'x86-64']],
      )
    })
    test('image-cpu puts the other variant in the image and docker-dir', async () => {
      const picked = await merge({ 'docker-dir': 'docker-bin', 'image-archive': 'image.tar', 'image-cpu': 'x86-64-v3', upload: 'none' })
      assert.equal(picked.code, 0, picked.log)
      assert.ok(fs.readFileSync(path.join(picked.workspace, 'docker-bin/linux/amd64/cpu-hello')).equals(staged['x86-64-v3'] as Buffer))
      assert.ok((await imageBinary(path.join(picked.workspace, 'image.tar'), 'linux/amd64')).equals(staged['x86-64-v3'] as Buffer))
    })
  })

  describe('refused before any work, with what to do', () => {
    test('two variants whose archives are named without {cpu}', async () => {
      const result = await merge({}, 'collide')
      assert.notEqual(result.code, 0)
      assert.deepEqual(errors(result), [
        `::error::The merge found 1 problem(s):%0A- cpu-hello-0.1.0-${X86}.tar.gz is claimed by rust-xbuild-${X86}-x86-64 (${X86}@x86-64, sha256 ${sha256(fs.readFileSync(path.join(workspaces['x86-64'] ?? '', 'target/xbuild', X86, `cpu-hello-0.1.0-${X86}.tar.gz`))).slice(0, 12)}…) and rust-xbuild-${X86}-x86-64-v3 (${X86}@x86-64-v3, sha256 ${sha256(fs.readFileSync(path.join(workspaces['x86-64-v3'] ?? '', 'target/xbuild', X86, `cpu-hello-0.1.0-${X86}.tar.gz`))).slice(0, 12)}…) with different contents: they are CPU variants of ${X86} (x86-64, x86-64-v3); add {cpu} to the name input of the builds (e.g. {bin}-{version}-{target}-{cpu}) so that each baseline's archives have names of their own.`,
      ])
      assert.ok(!fs.existsSync(path.join(result.workspace, 'rust-xbuild')))
      assert.deepEqual(
        result.requests.filter((r) => r.call === 'ArtifactService.CreateArtifact'),
        [],
      )
    })
    test('a variant in expect that no build has', async () => {
      const result = await merge({ expect: `${X86}@x86-64-v4` })
      assert.notEqual(result.code, 0)
      assert.deepEqual(errors(result), [
        `::error::The merge found 1 problem(s):%0A- Expected target(s) missing: ${X86}@x86-64-v4. Found: ${X86}@x86-64, ${X86}@x86-64-v3 (artifacts rust-xbuild-${X86}-x86-64, rust-xbuild-${X86}-x86-64-v3).`,
      ])
      assert.ok(!fs.existsSync(path.join(result.workspace, 'rust-xbuild')))
      assert.deepEqual(
        result.requests.filter((r) => r.call === 'ArtifactService.CreateArtifact'),
        [],
      )
    })
    test('an unknown placeholder in name or artifact-name, before the toolchain is touched', () => {
      const cases: [Record<string, string>, string][] = [
        [{ name: '{bin}-{target}-{arch}' }, "::error::Input 'name' has the value '{bin}-{target}-{arch}': unknown placeholder {arch}; the placeholders are {bin}, {target}, {version} and {cpu}"],
        [
          { 'artifact-name': 'rust-xbuild-{target}-{baseline}' },
          "::error::Input 'artifact-name' has the value 'rust-xbuild-{target}-{baseline}': unknown placeholder {baseline}; the placeholders are {target} and {cpu}",
        ],
      ]
      for (const [inputs, message] of cases) {
        const workspace = fixture('cpu-hello')
        const run = runAction({ target: X86, 'target-cpu': 'x86-64-v3', toolchain: 'system', ...inputs }, { workspace })
        assert.notEqual(run.code, 0)
        assert.equal(errors(run).length, 1, run.log)
        assert.ok(errors(run)[0]?.startsWith(message), errors(run)[0])
        assert.ok(!fs.existsSync(path.join(workspace, 'target')), 'nothing was built')
      }
    })
  })
})
