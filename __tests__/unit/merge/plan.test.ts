import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { ActionError, InputError } from '../../../src/errors.js'
import { EXPRESSION_VALUES, runnerReader } from '../../support/action-inputs.js'
import { artifactMatcher, claimedName, isManifestTarget, MAX_MANIFEST_BYTES, MAX_MANIFEST_FILES, parseManifest, parseMergeInputs, planMerge, type TargetManifest } from '../../../src/merge/plan.js'

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
  const T = 'x86_64-unknown-linux-gnu'
  const good = { target: T, toolchain: 'system', files: [{ name: 'app', kind: 'binary', size: 3, sha256: hex('a') }], sums: ['SHA256SUMS'], docker: [] }
  const file = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, kind: 'binary', size: 1, sha256: hex('a'), ...extra })
  test('the build facts are kept, files parsed', () => {
    const manifest = parseManifest(JSON.stringify(good), 'rust-xbuild-t')
    assert.equal(manifest.target, T)
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
    ['a target that climbs out', { ...good, target: '../../../escaped' }, /the target "\.\.\/\.\.\/\.\.\/escaped" is not a Rust target triple/],
    ['a target that is ..', { ...good, target: '..' }, /the target "\.\." is not/],
    ['a target of dots and a hyphen', { ...good, target: '..-..' }, /the target "\.\.-\.\." is not/],
    ['a target starting with a dot', { ...good, target: '.x86_64-unknown-linux-gnu' }, /is not a Rust target triple/],
    ['an absolute target', { ...good, target: '/etc' }, /the target "\/etc" is not/],
    ['a target with a folder', { ...good, target: 'x86_64-unknown-linux-gnu/../..' }, /is not a Rust target triple/],
    ['a target with a backslash', { ...good, target: 'x86_64-unknown-linux-gnu\\..' }, /is not a Rust target triple/],
    ['a target with NUL', { ...good, target: 'x86_64-unknown-linux-gnu\u0000' }, /is not a Rust target triple/],
    ['a target in capitals', { ...good, target: 'X86_64-UNKNOWN-LINUX-GNU' }, /is not a Rust target triple/],
    ['a target that is not a string', { ...good, target: ['x86_64-unknown-linux-gnu'] }, /no target/],
    ['a name with a line break (a forged SHA256SUMS line)', { ...good, files: [file(`app\n${hex('b')}  evil`)] }, /not a plain file name/],
    ['a name of dots', { ...good, files: [file('..')] }, /not a plain file name/],
    ['a hidden name', { ...good, files: [file('.bashrc')] }, /not a plain file name/],
    ['a name with a backslash', { ...good, files: [file('..\\..\\app')] }, /not a plain file name/],
    ['a name with NUL', { ...good, files: [file('app\u0000.tar.gz')] }, /not a plain file name/],
    ['a name listed twice', { ...good, files: [file('app'), file('app', { sha256: hex('b') })] }, /app is listed twice/],
    ['a negative size', { ...good, files: [file('app', { size: -1 })] }, /app has no size \(-1\)/],
    ['a fractional size', { ...good, files: [file('app', { size: 1.5 })] }, /app has no size \(1\.5\)/],
    ['a size as text', { ...good, files: [file('app', { size: '1' })] }, /app has no size \("1"\)/],
    // Entries as short as they come, so the count and not the size is what is over.
    ['too many files', { target: T, files: Array.from({ length: MAX_MANIFEST_FILES + 1 }, (_, i) => ({ name: `${i}`, size: 1, sha256: hex('a') })) }, /lists 10001 files, more than the 10000/],
    ['more than a MiB', `${JSON.stringify(good)}${' '.repeat(MAX_MANIFEST_BYTES)}`, /1048\d+ bytes, more than the 1048576/],
    ['nested a million deep', '['.repeat(1_000_000), /not JSON/],
    ['an array', '[]', /not an object/],
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
  test("the merge's own names, checksum files, target folders and reserved folders cannot be claimed at the top", () => {
    const tarball = (name: string, target = 'x86_64-unknown-linux-gnu'): { artifact: string; manifest: TargetManifest } => ({
      artifact: `rust-xbuild-${target}`,
      manifest: manifest(target, [
        { name: 'app', kind: 'binary', size: 1, sha256: hex('1') },
        { name, kind: 'archive', size: 1, sha256: hex('2') },
      ]),
    })
    const cases: [string, string[], RegExp | undefined][] = [
      ['SHA256SUMS', [], /the archive "SHA256SUMS" cannot be merged: it is the name of the merge's own checksum list/],
      ['sha512sums', [], /own checksum list/],
      ['manifest.json', [], /own manifest/],
      ['Manifest.JSON', [], /own manifest/],
      ['app.tar.gz.sha256', [], /checksum files, which the merge alone writes/],
      ['app.tar.gz.SHA512', [], /checksum files/],
      ['x86_64-unknown-linux-gnu', [], /it is the folder of the x86_64-unknown-linux-gnu binaries/],
      ['docker', ['docker'], /docker-dir or image-archive/],
      ['app.tar.gz', ['docker'], undefined],
      ['SHA256SUMS.tar.gz', [], undefined],
    ]
    for (const [name, reserved, problem] of cases) {
      const plan = planMerge([tarball(name)], [], reserved)
      if (problem) {
        assert.equal(plan.problems.length, 1, name)
        assert.match(plan.problems[0] ?? '', /^rust-xbuild-x86_64-unknown-linux-gnu: /, name)
        assert.match(plan.problems[0] ?? '', problem, name)
        assert.ok(!plan.files.some((f) => f.path === name), name)
      } else assert.deepEqual(plan.problems, [], name)
    }
    // A binary is under its target's folder: its name claims nothing at the top.
    assert.equal(claimedName('manifest.json', new Set(), []), "it is the name of the merge's own manifest")
    assert.deepEqual(planMerge([{ artifact: 'a', manifest: manifest('x86_64-unknown-linux-gnu', [{ name: 'manifest.json', kind: 'binary', size: 1, sha256: hex('1') }]) }], []).problems, [])
  })
  test('targets: the triples rustc names are folder names; nothing else is', () => {
    const good = [
      'x86_64-unknown-linux-gnu',
      'armv7-unknown-linux-musleabihf',
      'thumbv8m.main-none-eabihf',
      'wasm32-unknown-unknown',
      'x86_64-pc-windows-msvc',
      'aarch64-apple-darwin',
      'riscv64gc-unknown-linux-gnu',
    ]
    const bad = ['..', '../x', '..-..', 'x86_64-.-linux', 'x86_64--linux', 'x86_64', 'a/b-c', 'a\\b-c', 'x86_64-unknown-linux-gnu ', '-x86_64-linux', 'x86_64-unknown-linux-gnu-a-b-c']
    assert.deepEqual(
      good.filter((t) => !isManifestTarget(t)),
      [],
    )
    assert.deepEqual(
      bad.filter((t) => isManifestTarget(t)),
      [],
    )
  })
})

describe('debug archives (debug-symbols) in the merge', () => {
  const T = 'aarch64-unknown-linux-gnu'
  const debugName = `app-1.0-${T}-debug.tar.gz`
  const files = [
    { name: 'app', kind: 'binary', size: 1, sha256: hex('1') },
    { name: debugName, kind: 'debug', size: 2, sha256: hex('2') },
  ]
  test('kind debug is read as debug, merged at the top with its target, and is not a binary (which alone goes into images and the Docker layout)', () => {
    const manifest = parseManifest(JSON.stringify({ target: T, files }), 'rust-xbuild-a')
    assert.deepEqual(
      manifest.files.map((file) => [file.name, file.kind]),
      [
        ['app', 'binary'],
        [debugName, 'debug'],
      ],
    )
    const plan = planMerge([{ artifact: 'rust-xbuild-a', manifest }], [])
    assert.deepEqual(plan.problems, [])
    assert.deepEqual(
      plan.files.map((file) => [file.path, file.kind, file.target]),
      [
        [`${T}/app`, 'binary', T],
        [debugName, 'debug', T],
      ],
    )
    assert.deepEqual(
      plan.files.filter((file) => file.kind === 'binary').map((file) => file.path),
      [`${T}/app`],
    )
  })
  test.each(['SHA256SUMS', 'manifest.json', `${debugName}.sha256`, T])('a debug archive cannot claim %s', (name) => {
    const manifest = parseManifest(JSON.stringify({ target: T, files: [{ name, kind: 'debug', size: 1, sha256: hex('3') }] }), 'rust-xbuild-a')
    const plan = planMerge([{ artifact: 'rust-xbuild-a', manifest }], [])
    assert.match(plan.problems.join('\n'), new RegExp(`rust-xbuild-a: the debug "${name.replace(/\./g, '\\.')}" cannot be merged`))
  })
})
