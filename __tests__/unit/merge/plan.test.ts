import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { ActionError, InputError } from '../../../src/errors.js'
import { EXPRESSION_VALUES, runnerReader } from '../../support/action-inputs.js'
import {
  artifactMatcher,
  claimedName,
  isManifestTarget,
  MAX_MANIFEST_BYTES,
  MAX_MANIFEST_FILES,
  mergedPath,
  parseManifest,
  parseMergeInputs,
  planMerge,
  renderMergedManifest,
  type TargetManifest,
} from '../../../src/merge/plan.js'
import { expectedIsMet, lowestBaseline, platformVariants, targetVariants } from '../../../src/merge/variants.js'

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
      imageCpu: [],
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
  test('expect and image-cpu name CPU variants', () => {
    const inputs = parseMergeInputs(
      read({ expect: 'x86_64-unknown-linux-gnu@x86-64-v3, x86_64-unknown-linux-gnu, linux/ARM64@baseline', 'image-cpu': 'x86-64-v3\naarch64-unknown-linux-gnu@neoverse-n1' }),
    )
    assert.deepEqual(inputs.expect, ['linux/arm64@baseline', 'x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-gnu@x86-64-v3'])
    assert.deepEqual(inputs.imageCpu, ['x86-64-v3', 'aarch64-unknown-linux-gnu@neoverse-n1'])
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
    [{ expect: 'x86_64-unknown-linux-gnu@' }, 'expect', /a target-cpu after @/],
    [{ expect: 'x86_64-unknown-linux-gnu@../x' }, 'expect', /a target-cpu after @/],
    [{ expect: 'x86_64@x86-64-v3' }, 'expect', /triples .*x86_64-unknown-linux-gnu@x86-64-v3/],
    [{ expect: 'linux/mips@x' }, 'expect', /Docker platform/],
    [{ 'image-cpu': 'x86-64-v3/x' }, 'image-cpu', /target-cpu of the builds/],
    [{ 'image-cpu': 'x86_64@x86-64-v3' }, 'image-cpu', /x86_64-unknown-linux-gnu@x86-64-v3/],
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
    assert.equal(manifest.cpu, 'baseline')
    assert.deepEqual(manifest.build, { toolchain: 'system' })
    assert.deepEqual(manifest.files, [{ name: 'app', kind: 'binary', size: 3, sha256: hex('a') }])
  })
  test('the variant is the baseline the build recorded', () => {
    const cpus: [unknown, string][] = [
      [{ targetCpu: 'x86-64-v3', targetFeatures: [] }, 'x86-64-v3'],
      [{ targetCpu: null, targetFeatures: [] }, 'baseline'],
      [undefined, 'baseline'],
      [{ targetCpu: 'arm1176jzf-s' }, 'arm1176jzf-s'],
    ]
    for (const [baseline, cpu] of cpus) assert.equal(parseManifest(JSON.stringify({ ...good, baseline }), 'rust-xbuild-t').cpu, cpu, JSON.stringify(baseline))
  })
  const hostile: [string, unknown, RegExp][] = [
    ['not JSON', '{', /not JSON/],
    ['a baseline that climbs out', { ...good, baseline: { targetCpu: '../../x' } }, /the baseline's targetCpu "\.\.\/\.\.\/x" is not a CPU name/],
    ['a baseline with a folder', { ...good, baseline: { targetCpu: 'x86-64/v3' } }, /is not a CPU name/],
    ['a hidden baseline', { ...good, baseline: { targetCpu: '.x' } }, /is not a CPU name/],
    ['a baseline that is not text', { ...good, baseline: { targetCpu: 3 } }, /targetCpu 3 is not a CPU name/],
    ['a baseline that is empty', { ...good, baseline: { targetCpu: '' } }, /targetCpu "" is not a CPU name/],
    ['a baseline of 65 characters', { ...good, baseline: { targetCpu: 'a'.repeat(65) } }, /is not a CPU name/],
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
  const manifest = (target: string, files: TargetManifest['files'], cpu = 'baseline'): TargetManifest => ({ target, cpu, files, build: {} })
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

describe('CPU variants of one target', () => {
  const X86 = 'x86_64-unknown-linux-gnu'
  const ARM = 'aarch64-unknown-linux-gnu'
  const build = (artifact: string, target: string, cpu: string, files: [string, TargetManifest['files'][number]['kind'], string][]): { artifact: string; manifest: TargetManifest } => ({
    artifact,
    manifest: { target, cpu, files: files.map(([name, kind, sha]) => ({ name, kind, size: 1, sha256: hex(sha) })), build: { baseline: { targetCpu: cpu === 'baseline' ? null : cpu } } },
  })
  const v1 = build('rust-xbuild-x86-v1', X86, 'x86-64', [
    ['app', 'binary', '1'],
    ['app-1.0-x86_64-unknown-linux-gnu-x86-64.tar.gz', 'archive', '2'],
    ['app-x86_64-unknown-linux-gnu.cdx.json', 'sbom', '9'],
  ])
  const v3 = build('rust-xbuild-x86-v3', X86, 'x86-64-v3', [
    ['app', 'binary', '3'],
    ['app-1.0-x86_64-unknown-linux-gnu-x86-64-v3.tar.gz', 'archive', '4'],
    ['app-x86_64-unknown-linux-gnu.cdx.json', 'sbom', '9'],
  ])
  const arm = build('rust-xbuild-arm', ARM, 'baseline', [['app', 'binary', '5']])

  test('paths: <target>/<bin> for one build, <target>/<cpu>/<bin> for a variant, the top for the rest', () => {
    const cases: [TargetManifest['files'][number]['kind'], string | undefined, string][] = [
      ['binary', undefined, `${X86}/app`],
      ['binary', 'x86-64-v3', `${X86}/x86-64-v3/app`],
      ['archive', 'x86-64-v3', 'app'],
      ['sbom', undefined, 'app'],
    ]
    for (const [kind, cpu, path] of cases) assert.equal(mergedPath({ name: 'app', kind, size: 1, sha256: hex('1') }, X86, cpu), path)
  })
  test('variant keys: each target with its baselines, sorted', () => {
    assert.deepEqual(targetVariants([v3.manifest, arm.manifest, v1.manifest, v3.manifest]), { [X86]: ['x86-64', 'x86-64-v3'], [ARM]: ['baseline'] })
  })
  test('two baselines of one target: both merged, binaries in a folder per baseline, one SBOM of the same bytes', () => {
    const plan = planMerge([v3, arm, v1], [X86, `${X86}@x86-64-v3`, `${X86}@x86-64`, `linux/amd64@x86-64-v3`, ARM, `${ARM}@baseline`])
    assert.deepEqual(plan.problems, [])
    assert.deepEqual(plan.targets, [ARM, X86])
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.cpu, f.artifact]),
      [
        [`${ARM}/app`, 'baseline', 'rust-xbuild-arm'],
        ['app-1.0-x86_64-unknown-linux-gnu-x86-64-v3.tar.gz', 'x86-64-v3', 'rust-xbuild-x86-v3'],
        ['app-1.0-x86_64-unknown-linux-gnu-x86-64.tar.gz', 'x86-64', 'rust-xbuild-x86-v1'],
        ['app-x86_64-unknown-linux-gnu.cdx.json', 'x86-64', 'rust-xbuild-x86-v1'],
        [`${X86}/x86-64-v3/app`, 'x86-64-v3', 'rust-xbuild-x86-v3'],
        [`${X86}/x86-64/app`, 'x86-64', 'rust-xbuild-x86-v1'],
      ],
    )
    const merged = JSON.parse(renderMergedManifest([v3, arm, v1], plan, ['SHA256SUMS'], [])) as { targets: Record<string, unknown>[]; files: Record<string, unknown>[] }
    assert.deepEqual(
      merged.targets.map((t) => [t.target, t.cpu, t.dir, t.artifact, t.baseline]),
      [
        [ARM, 'baseline', ARM, 'rust-xbuild-arm', { targetCpu: null }],
        [X86, 'x86-64', `${X86}/x86-64`, 'rust-xbuild-x86-v1', { targetCpu: 'x86-64' }],
        [X86, 'x86-64-v3', `${X86}/x86-64-v3`, 'rust-xbuild-x86-v3', { targetCpu: 'x86-64-v3' }],
      ],
    )
    assert.deepEqual(merged.files.find((f) => f.name === `${X86}/x86-64-v3/app`)?.cpu, 'x86-64-v3')
  })
  test('archives named without {cpu}: refused, saying to add it to name', () => {
    const noCpu = (b: typeof v1): typeof v1 => ({
      ...b,
      manifest: { ...b.manifest, files: b.manifest.files.map((f) => (f.kind === 'archive' ? { ...f, name: 'app-1.0-x86_64-unknown-linux-gnu.tar.gz' } : f)) },
    })
    const plan = planMerge([noCpu(v1), noCpu(v3)], [])
    assert.deepEqual(plan.problems, [
      `app-1.0-x86_64-unknown-linux-gnu.tar.gz is claimed by rust-xbuild-x86-v1 (${X86}@x86-64, sha256 222222222222…) and rust-xbuild-x86-v3 (${X86}@x86-64-v3, sha256 444444444444…) with different contents: they are CPU variants of ${X86} (x86-64, x86-64-v3); add {cpu} to the name input of the builds (e.g. {bin}-{version}-{target}-{cpu}) so that each baseline's archives have names of their own.`,
    ])
  })
  test('deb packages of two variants: refused, saying to package one variant', () => {
    const deb = (b: typeof v1, sha: string): typeof v1 => ({
      ...b,
      manifest: { ...b.manifest, files: [...b.manifest.files, { name: 'app_1.0_amd64.deb', kind: 'package', size: 1, sha256: hex(sha) }] },
    })
    assert.match(planMerge([deb(v1, 'a'), deb(v3, 'b')], []).problems[0] ?? '', /packages are named by their format.*build packages in one CPU variant of x86_64-unknown-linux-gnu only/)
  })
  test('two builds of one target and baseline with other bytes: refused', () => {
    const again = build('rust-xbuild-x86-v3-again', X86, 'x86-64-v3', [['app', 'binary', '6']])
    assert.deepEqual(planMerge([v3, again], []).problems, [
      `${X86}/app is claimed by rust-xbuild-x86-v3 (${X86}@x86-64-v3, sha256 333333333333…) and rust-xbuild-x86-v3-again (${X86}@x86-64-v3, sha256 666666666666…) with different contents: two builds of ${X86}@x86-64-v3; merge one build per target and target-cpu (narrow the pattern or dirs input).`,
    ])
  })
  test('an expected variant that no build has: a problem naming the variants found', () => {
    assert.deepEqual(planMerge([v1, v3, arm], [`${X86}@x86-64-v4`, `${ARM}`]).problems, [
      `Expected target(s) missing: ${X86}@x86-64-v4. Found: ${ARM}@baseline, ${X86}@x86-64, ${X86}@x86-64-v3 (artifacts rust-xbuild-x86-v1, rust-xbuild-x86-v3, rust-xbuild-arm).`,
    ])
    const variants = targetVariants([v1.manifest, v3.manifest])
    const cases: [string, boolean][] = [
      [X86, true],
      [`${X86}@x86-64-v3`, true],
      [`${X86}@baseline`, false],
      ['linux/amd64', true],
      ['linux/amd64@x86-64', true],
      ['linux/amd64@x86-64-v2', false],
      ['linux/arm64', false],
    ]
    for (const [wanted, met] of cases) assert.equal(expectedIsMet(wanted, variants), met, wanted)
  })
  test('the lowest baseline: no target-cpu, generic, else the lowest x86-64 level', () => {
    const cases: [string[], string | undefined][] = [
      [['x86-64-v3', 'baseline'], 'baseline'],
      [['generic', 'neoverse-n1'], 'generic'],
      [['x86-64-v3', 'x86-64-v2'], 'x86-64-v2'],
      [['x86-64-v4', 'x86-64', 'haswell'], 'x86-64'],
      [['haswell', 'znver3'], undefined],
    ]
    for (const [cpus, lowest] of cases) assert.equal(lowestBaseline(cpus), lowest, cpus.join())
  })
  test('one build per Docker platform: the lowest, or what image-cpu names', () => {
    const variants = { [X86]: ['x86-64', 'x86-64-v3'], [ARM]: ['baseline'] }
    const cases: [string[], Record<string, string>, RegExp[]][] = [
      [[], { [X86]: 'x86-64', [ARM]: 'baseline' }, []],
      [['x86-64-v3'], { [X86]: 'x86-64-v3', [ARM]: 'baseline' }, []],
      [[`${X86}@x86-64-v3`], { [X86]: 'x86-64-v3', [ARM]: 'baseline' }, []],
      [
        ['x86-64-v4'],
        { [X86]: 'x86-64', [ARM]: 'baseline' },
        [/^Input 'image-cpu' names x86-64-v4, which no merged build has \(found aarch64-unknown-linux-gnu@baseline, x86_64-unknown-linux-gnu@x86-64, x86_64-unknown-linux-gnu@x86-64-v3\)\.$/],
      ],
      [[`${ARM}@x86-64-v3`], { [X86]: 'x86-64', [ARM]: 'baseline' }, [/names aarch64-unknown-linux-gnu@x86-64-v3, which no merged build has/]],
      [['x86-64', 'x86-64-v3'], { [ARM]: 'baseline' }, [/names x86-64 and x86-64-v3 for x86_64-unknown-linux-gnu; name one/]],
    ]
    for (const [imageCpu, chosen, problems] of cases) {
      const result = platformVariants(variants, imageCpu)
      assert.deepEqual(result.chosen, chosen, imageCpu.join())
      assert.equal(result.problems.length, problems.length, result.problems.join('\n'))
      problems.forEach((problem, i) => assert.match(result.problems[i] ?? '', problem))
    }
    // One build: its own platform's, whatever its target-cpu.
    assert.deepEqual(platformVariants({ [X86]: ['haswell'], [ARM]: ['neoverse-n1'] }, []), { chosen: { [X86]: 'haswell', [ARM]: 'neoverse-n1' }, problems: [] })
    assert.deepEqual(platformVariants({ [X86]: ['haswell', 'znver3'] }, []).problems, [
      `${X86} has builds for haswell, znver3 and none is the baseline; choose the one for its image platform with image-cpu (e.g. ${X86}@haswell).`,
    ])
  })
})
