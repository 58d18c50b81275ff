import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { ActionError, InputError } from '../../../src/errors.js'
import { EXPRESSION_VALUES, runnerReader } from '../../support/action-inputs.js'
import { artifactMatcher, parseManifest, parseMergeInputs, planMerge, type TargetManifest } from '../../../src/merge/plan.js'

// As on a runner: every input merge/action.yml declares is set, to its default unless given.
const read = (values: Record<string, string>): ((name: string) => string) => runnerReader('merge/action.yml', values)
const hex = (char: string, length = 64): string => char.repeat(length)

describe('merge inputs', () => {
  test('defaults', () => {
    assert.deepEqual(parseMergeInputs(read({})), {
      pattern: 'rust-xbuild-*',
      dirs: [],
      expect: [],
      path: 'rust-xbuild',
      dockerDir: undefined,
      upload: ['artifact'],
      artifactName: 'rust-xbuild-merged',
      releaseTag: undefined,
      token: EXPRESSION_VALUES['github.token'],
    })
  })
  test('dirs with every other input at its default', () => {
    const inputs = parseMergeInputs(read({ dirs: 'target/xbuild/*' }))
    assert.deepEqual(inputs.dirs, ['target/xbuild/*'])
    assert.deepEqual(inputs.upload, [])
  })
  test('given', () => {
    const inputs = parseMergeInputs(
      read({ expect: 'x86_64-unknown-linux-gnu\nlinux/arm64, linux/arm/v7', upload: 'artifact, release', path: './out/', 'docker-dir': 'docker-bin', 'release-tag': 'v1' }),
    )
    assert.deepEqual(inputs.expect, ['linux/arm/v7', 'linux/arm64', 'x86_64-unknown-linux-gnu'])
    assert.deepEqual(inputs.upload, ['artifact', 'release'])
    assert.equal(inputs.path, 'out')
    assert.equal(inputs.dockerDir, 'docker-bin')
    assert.deepEqual(parseMergeInputs(read({ upload: 'none' })).upload, [])
  })
  test('dirs: folders, and no artifact upload unless asked', () => {
    const inputs = parseMergeInputs(read({ dirs: 'target/xbuild/*\nbuild/a, build/b' }))
    assert.deepEqual(inputs.dirs, ['target/xbuild/*', 'build/a', 'build/b'])
    assert.deepEqual(inputs.upload, [])
    assert.deepEqual(parseMergeInputs(read({ dirs: 'a', upload: 'artifact' })).upload, ['artifact'])
  })
  const bad: [Record<string, string>, string, RegExp][] = [
    [{ expect: 'linux/mips' }, 'expect', /Docker platform/],
    [{ expect: 'arm64' }, 'expect', /triples/],
    [{ upload: 'ftp' }, 'upload', /artifact, release/],
    [{ path: '../out' }, 'path', /inside the workspace/],
    [{ path: '/tmp/out' }, 'path', /inside the workspace/],
    [{ 'docker-dir': 'a/../../b' }, 'docker-dir', /inside the workspace/],
    [{ pattern: 'a/b' }, 'pattern', /artifact name pattern/],
    [{ 'artifact-name': 'merged*' }, 'artifact-name', /may not contain/],
    [{ dirs: 'target/xbuild/{a,b}' }, 'dirs', /only wildcard/],
    [{ dirs: 'target/?' }, 'dirs', /only wildcard/],
  ]
  for (const [values, input, advice] of bad) {
    test(`refused: ${JSON.stringify(values)}`, () =>
      assert.throws(
        () => parseMergeInputs(read(values)),
        (error: unknown) => error instanceof InputError && error.input === input && advice.test(error.message),
      ))
  }
  test('artifact name patterns', () => {
    const matcher = artifactMatcher('rust-xbuild-*')
    assert.ok(matcher.test('rust-xbuild-aarch64-unknown-linux-gnu'))
    assert.ok(!matcher.test('other-rust-xbuild-x'))
    assert.ok(!artifactMatcher('a.b').test('axb'))
  })
})

describe('per-target manifests read back', () => {
  const good = { target: 't', toolchain: 'system', files: [{ name: 'app', kind: 'binary', size: 3, sha256: hex('a') }], sums: ['SHA256SUMS'], docker: [] }
  test('the build facts are kept, files parsed', () => {
    const manifest = parseManifest(JSON.stringify(good), 'rust-xbuild-t')
    assert.equal(manifest.target, 't')
    assert.deepEqual(manifest.build, { toolchain: 'system' })
    assert.deepEqual(manifest.files, [{ name: 'app', kind: 'binary', size: 3, sha256: hex('a') }])
  })
  const hostile: [string, unknown, RegExp][] = [
    ['not JSON', '{', /not JSON/],
    ['no target', { files: [] }, /no target/],
    ['a path that climbs out', { ...good, files: [{ name: '../../etc/passwd', size: 1, sha256: hex('a') }] }, /not a plain file name/],
    ['a folder in a name', { ...good, files: [{ name: 'x/app', size: 1, sha256: hex('a') }] }, /not a plain file name/],
    ['an absolute path', { ...good, files: [{ name: '/bin/sh', size: 1, sha256: hex('a') }] }, /not a plain file name/],
    ['no sha256', { ...good, files: [{ name: 'app', size: 1 }] }, /no sha256/],
  ]
  for (const [name, value, advice] of hostile) {
    test(`refused: ${name}`, () =>
      assert.throws(
        () => parseManifest(typeof value === 'string' ? value : JSON.stringify(value), 'rust-xbuild-t'),
        (error: unknown) => error instanceof ActionError && /rust-xbuild-t has a bad manifest\.json/.test(error.message) && advice.test(error.message),
      ))
  }
})

describe('planning the merge', () => {
  const manifest = (target: string, files: TargetManifest['files']): TargetManifest => ({ target, files, build: {} })
  const x86 = manifest('x86_64-unknown-linux-gnu', [
    { name: 'app', kind: 'binary', size: 1, sha256: hex('1') },
    { name: 'app-1.0-x86_64-unknown-linux-gnu.tar.gz', kind: 'archive', size: 1, sha256: hex('2') },
  ])
  const arm = manifest('aarch64-unknown-linux-gnu', [
    { name: 'app', kind: 'binary', size: 1, sha256: hex('3') },
    { name: 'app-1.0-aarch64-unknown-linux-gnu.tar.gz', kind: 'archive', size: 1, sha256: hex('4') },
  ])
  test('archives at the top, binaries under their target, sorted', () => {
    const plan = planMerge(
      [
        { artifact: 'rust-xbuild-x86', manifest: x86 },
        { artifact: 'rust-xbuild-arm', manifest: arm },
      ],
      ['aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu'],
    )
    assert.deepEqual(plan.problems, [])
    assert.deepEqual(plan.targets, ['aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu'])
    assert.deepEqual(
      plan.files.map((f) => f.path),
      ['aarch64-unknown-linux-gnu/app', 'app-1.0-aarch64-unknown-linux-gnu.tar.gz', 'app-1.0-x86_64-unknown-linux-gnu.tar.gz', 'x86_64-unknown-linux-gnu/app'],
    )
  })
  test('an SBOM keeps its kind and goes to the top; an unknown kind is taken as a binary', () => {
    const files = [
      { name: 'app-t.cdx.json', kind: 'sbom', size: 1, sha256: hex('8') },
      { name: 'odd', kind: 'other', size: 1, sha256: hex('9') },
    ]
    const read = parseManifest(JSON.stringify({ target: 'x86_64-unknown-linux-gnu', files }), 'rust-xbuild-t')
    assert.deepEqual(
      read.files.map((f) => f.kind),
      ['sbom', 'binary'],
    )
    assert.deepEqual(
      planMerge([{ artifact: 'rust-xbuild-t', manifest: read }], []).files.map((f) => f.path),
      ['app-t.cdx.json', 'x86_64-unknown-linux-gnu/odd'],
    )
  })
  test('a missing expected target is a problem that names what was found', () => {
    const plan = planMerge([{ artifact: 'rust-xbuild-x86', manifest: x86 }], ['aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu'])
    assert.deepEqual(plan.problems, ['Expected target(s) missing: aarch64-unknown-linux-gnu. Found: x86_64-unknown-linux-gnu (artifacts rust-xbuild-x86).'])
  })
  test('a Docker platform is satisfied by either libc', () => {
    const musl = manifest('aarch64-unknown-linux-musl', [{ name: 'app', kind: 'binary', size: 1, sha256: hex('7') }])
    assert.deepEqual(planMerge([{ artifact: 'rust-xbuild-musl', manifest: musl }], ['linux/arm64']).problems, [])
    assert.match(planMerge([{ artifact: 'rust-xbuild-musl', manifest: musl }], ['linux/amd64', 'linux/arm64'])?.problems[0] ?? '', /^Expected target\(s\) missing: linux\/amd64\./)
  })
  test('one name, two contents: a conflict naming both artifacts', () => {
    const a = manifest('x86_64-unknown-linux-gnu', [{ name: 'app.tar.gz', kind: 'archive', size: 1, sha256: hex('5') }])
    const b = manifest('aarch64-unknown-linux-gnu', [{ name: 'app.tar.gz', kind: 'archive', size: 1, sha256: hex('6') }])
    const plan = planMerge(
      [
        { artifact: 'rust-xbuild-b', manifest: b },
        { artifact: 'rust-xbuild-a', manifest: a },
      ],
      [],
    )
    assert.equal(plan.problems.length, 1)
    assert.match(
      plan.problems[0] ?? '',
      /^app\.tar\.gz is claimed by rust-xbuild-a \(x86_64-unknown-linux-gnu, sha256 555555555555…\) and rust-xbuild-b \(aarch64-unknown-linux-gnu, sha256 666666666666…\) with different contents/,
    )
  })
  test('one name, same contents: merged once', () => {
    const plan = planMerge(
      [
        { artifact: 'rust-xbuild-a', manifest: x86 },
        { artifact: 'rust-xbuild-a-again', manifest: x86 },
      ],
      [],
    )
    assert.deepEqual(plan.problems, [])
    assert.equal(plan.files.length, 2)
  })
})
