/**
 * The merge over what real matrix jobs produce: ring-hello built through dist/index.js
 * for x86_64 and aarch64, each staging folder stored as the artifact its job would have
 * uploaded (in-memory artifact service), then merged by the merge action's run() with
 * those fakes (merge-runner.ts), and dist/merge/index.js run as a runner would.
 */
import { beforeAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fixture, parseOutputFile, ROOT, runAction, sh, type ActionRun } from '../../support/harness.js'

const X86 = 'x86_64-unknown-linux-gnu'
const ARM = 'aarch64-unknown-linux-gnu'
const builds: Record<string, ActionRun> = {}

beforeAll(() => {
  for (const target of [X86, ARM]) {
    const workspace = fixture('ring-hello')
    fs.writeFileSync(path.join(workspace, 'LICENSE'), 'MIT\n')
    const run = runAction({ target, toolchain: 'system', locked: 'true', include: 'LICENSE', checksum: 'both' }, { workspace })
    assert.equal(run.code, 0, run.log)
    builds[target] = run
  }
})

/** The artifacts the two matrix jobs uploaded, plus one the merge must leave alone. */
function uploaded(): Record<string, string> {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'other-'))
  fs.writeFileSync(path.join(other, 'lcov.info'), 'TN:\n')
  return { coverage: other, ...Object.fromEntries(Object.entries(builds).map(([target, run]) => [`rust-xbuild-${target}`, run.outputs.dir ?? ''])) }
}

interface FakeState {
  calls: [string, ...unknown[]][]
  artifacts: Record<string, string[]>
  releases: { tag: string; draft: boolean; assets: string[] }[]
}

interface MergeRun {
  code: number
  outputs: Record<string, string>
  stdout: string
  workspace: string
  state: FakeState
}

/** The merge action's run() in its own process, with INPUT_* variables and fake clients. */
function merge(inputs: Record<string, string>, artifacts: Record<string, string>, env: Record<string, string> = {}): MergeRun {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-ws-'))
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-run-'))
  const outputFile = path.join(scratch, 'output')
  const stateFile = path.join(scratch, 'state.json')
  fs.writeFileSync(outputFile, '')
  const variables: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    RUNNER_TEMP: path.join(scratch, 'temp'),
    ACTIONS_RUNTIME_TOKEN: 'fake',
    MERGE_ARTIFACTS: JSON.stringify(artifacts),
    MERGE_STATE: stateFile,
    ...env,
  }
  for (const [name, value] of Object.entries(inputs)) variables[`INPUT_${name.toUpperCase()}`] = value
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, '__tests__', 'support', 'merge-runner.ts')], { env: variables, encoding: 'utf8', cwd: ROOT })
  return {
    code: result.status ?? -1,
    outputs: parseOutputFile(fs.readFileSync(outputFile, 'utf8')),
    stdout: `${result.stdout}\n${result.stderr}`,
    workspace,
    state: JSON.parse(fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : '{}') as FakeState,
  }
}

const mode = (file: string): number => fs.statSync(file).mode & 0o777

describe('merge over two real target builds', () => {
  let first: MergeRun
  beforeAll(() => {
    first = merge({ expect: `${X86}, linux/arm64`, 'docker-dir': 'docker-bin' }, uploaded())
  })

  test('one SHA256SUMS and SHA512SUMS over every file, verified by sha256sum -c and sha512sum -c', () => {
    assert.equal(first.code, 0, first.stdout)
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
  test('the result is uploaded as rust-xbuild-merged; a re-run merges the same, not itself', () => {
    assert.equal(first.outputs['artifact-name'], 'rust-xbuild-merged')
    assert.deepEqual(first.state.artifacts['rust-xbuild-merged'], [
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
    // The re-run's service also holds the first merge's artifact, which must not be merged into itself.
    const again = merge({ expect: `${X86}, linux/arm64`, 'docker-dir': 'docker-bin' }, { ...uploaded(), 'rust-xbuild-merged': first.outputs.dir ?? '' })
    assert.equal(again.code, 0, again.stdout)
    assert.ok(!again.state.calls.some((call) => call[0] === 'download' && call[1] === 'rust-xbuild-merged'))
    assert.ok(again.state.calls.some((call) => call[0] === 'delete' && call[1] === 'rust-xbuild-merged'))
    for (const file of ['SHA256SUMS', 'manifest.json']) {
      const before = fs.readFileSync(path.join(first.outputs.dir ?? '', file), 'utf8')
      assert.equal(fs.readFileSync(path.join(again.outputs.dir ?? '', file), 'utf8'), before, file)
    }
  })
  test('upload release: the archives, the SBOMs, the checksums and the manifest become assets of a draft', () => {
    const result = merge({ upload: 'release', 'release-tag': 'v0.1.0', token: 't' }, uploaded(), { GITHUB_REPOSITORY: 'o/r' })
    assert.equal(result.code, 0, result.stdout)
    assert.deepEqual(result.state.releases, [
      {
        tag: 'v0.1.0',
        draft: true,
        assets: ['SHA256SUMS', 'SHA512SUMS', 'manifest.json', `ring-hello-0.1.0-${ARM}.tar.gz`, `ring-hello-0.1.0-${X86}.tar.gz`, `ring-hello-${ARM}.cdx.json`, `ring-hello-${X86}.cdx.json`],
      },
    ])
    assert.deepEqual(result.state.artifacts['rust-xbuild-merged'], undefined)
  })
})

describe('the merge fails clearly', () => {
  test('an expected target without an artifact', () => {
    const result = merge({ expect: `${X86}, ${ARM}, armv7-unknown-linux-gnueabihf` }, uploaded())
    assert.equal(result.code, 1)
    assert.match(result.stdout, /::error::The merge found 1 problem\(s\):%0A- Expected target\(s\) missing: armv7-unknown-linux-gnueabihf\. Found: aarch64-unknown-linux-gnu, x86_64-unknown-linux-gnu/)
  })
  test('two targets claiming one file name with different contents', () => {
    // A job whose name template lost {target}: its aarch64 archive takes the x86_64 archive's name.
    const evil = fs.mkdtempSync(path.join(os.tmpdir(), 'evil-'))
    fs.cpSync(builds[ARM]?.outputs.dir ?? '', evil, { recursive: true })
    fs.renameSync(path.join(evil, `ring-hello-0.1.0-${ARM}.tar.gz`), path.join(evil, `ring-hello-0.1.0-${X86}.tar.gz`))
    const manifest = fs.readFileSync(path.join(evil, 'manifest.json'), 'utf8').replaceAll(`ring-hello-0.1.0-${ARM}.tar.gz`, `ring-hello-0.1.0-${X86}.tar.gz`)
    fs.writeFileSync(path.join(evil, 'manifest.json'), manifest.replace(`"target": "${ARM}"`, '"target": "aarch64-unknown-linux-musl"'))
    const result = merge({}, { ...uploaded(), 'rust-xbuild-renamed': evil })
    assert.equal(result.code, 1)
    assert.match(
      result.stdout,
      new RegExp(`ring-hello-0\\.1\\.0-${X86}\\.tar\\.gz is claimed by rust-xbuild-renamed \\(aarch64-unknown-linux-musl, .*\\) and rust-xbuild-${X86} \\(${X86}, .*\\) with different contents`),
    )
    assert.equal(result.state.artifacts['rust-xbuild-merged'], undefined, 'nothing is uploaded')
  })
  test('a file that does not match its manifest', () => {
    const tampered = fs.mkdtempSync(path.join(os.tmpdir(), 'tampered-'))
    fs.cpSync(builds[X86]?.outputs.dir ?? '', tampered, { recursive: true })
    fs.writeFileSync(path.join(tampered, 'ring-hello'), 'tampered')
    const result = merge({}, { ...uploaded(), [`rust-xbuild-${X86}`]: tampered })
    assert.equal(result.code, 1)
    assert.match(result.stdout, new RegExp(`rust-xbuild-${X86}: ring-hello does not match its checksum in manifest\\.json`))
  })
  test('dist/merge/index.js outside a runner: one clear error', () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'merge', 'index.js')], { env: { PATH: process.env.PATH ?? '', INPUT_EXPECT: X86 }, encoding: 'utf8' })
    assert.equal(result.status, 1)
    assert.match(result.stdout, /::error::The merge downloads this run’s artifacts, which needs a GitHub Actions runner/)
  })
})
