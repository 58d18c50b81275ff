import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { InputError } from '../../../src/errors.js'
import { parseInputs } from '../../../src/inputs/parse.js'
import { defaultArchiveFormat, dockerPath, planArchives, planDebugArchives, renderName, renderSums, versionFromPackageId, versionFromRef } from '../../../src/package/plan.js'
import { dockerPlatforms, targetFacts, tripleForDockerPlatform } from '../../../src/common/target.js'
import { checkIncludePattern, checkNameTemplate, isSafeRelativePath } from '../../../src/inputs/packaging.js'
import { cpuLabel } from '../../../src/common/cpu.js'
import { renderArtifactName } from '../../../src/publish/upload.js'

function refused(body: () => unknown, input: string, advice: RegExp): void {
  assert.throws(body, (error: unknown) => {
    assert.ok(error instanceof InputError, String(error))
    assert.equal(error.input, input)
    assert.match(error.message, advice)
    return true
  })
}

describe('archive name templates', () => {
  const good: [string, string][] = [
    ['{bin}-{version}-{target}', 'app-1.2.3-aarch64-unknown-linux-gnu'],
    ['{bin}_{target}', 'app_aarch64-unknown-linux-gnu'],
    ['release-{version}', 'release-1.2.3'],
    ['{bin}', 'app'],
    ['{bin}-{version}-{target}-{cpu}', 'app-1.2.3-aarch64-unknown-linux-gnu-neoverse-n1'],
    ['{bin}-{cpu}-{cpu}', 'app-neoverse-n1-neoverse-n1'],
  ]
  for (const [template, expected] of good) {
    test(`${template} → ${expected}`, () => {
      checkNameTemplate(template)
      assert.equal(renderName(template, { bin: 'app', version: '1.2.3', target: 'aarch64-unknown-linux-gnu', cpu: 'neoverse-n1' }), expected)
    })
  }
  const hostile: [string, RegExp][] = [
    ['../{bin}', /path separators/],
    ['{bin}/../../etc/x', /path separators/],
    ['/tmp/{bin}', /path separators/],
    ['..\\{bin}', /path separators/],
    ['{bin}..{target}', /"\.\."/],
    ['.{bin}', /start with a dot/],
    ['{name}-{target}', /unknown placeholder \{name\}; the placeholders are \{bin\}, \{target\}, \{version\} and \{cpu\}/],
    ['{bin}-{arch}', /unknown placeholder \{arch\}/],
    ['{bin}-{CPU}', /unknown placeholder \{CPU\}/],
    ['{bin-{target}', /unknown placeholder|not closed/],
    ['{bin}}', /not closed/],
    ['C:{bin}', /path separators/],
    ['a\nb', /path separators/],
    ['   ', /empty/],
  ]
  for (const [template, advice] of hostile) test(`refused: ${JSON.stringify(template)}`, () => refused(() => checkNameTemplate(template), 'name', advice))
  test('values that would escape are refused after rendering too', () => {
    refused(() => renderName('{version}', { bin: 'a', target: 't', version: '../x', cpu: 'baseline' }), 'name', /not a plain file name/)
    refused(() => renderName('{bin}', { bin: '..', target: 't', version: '1', cpu: 'baseline' }), 'name', /not a plain file name/)
    refused(() => renderName('{cpu}', { bin: 'a', target: 't', version: '1', cpu: '../x' }), 'name', /not a plain file name/)
  })
})

describe('artifact names', () => {
  const cases: [string, string | undefined, string][] = [
    ['rust-xbuild-{target}', undefined, 'rust-xbuild-x86_64-unknown-linux-gnu'],
    ['rust-xbuild-{target}', 'x86-64-v3', 'rust-xbuild-x86_64-unknown-linux-gnu'],
    ['rust-xbuild-{target}-{cpu}', undefined, 'rust-xbuild-x86_64-unknown-linux-gnu-baseline'],
    ['rust-xbuild-{target}-{cpu}', 'x86-64-v3', 'rust-xbuild-x86_64-unknown-linux-gnu-x86-64-v3'],
    ['{cpu}', 'native', 'native'],
  ]
  for (const [template, cpu, expected] of cases)
    test(`${template} with target-cpu ${cpu ?? '(none)'} → ${expected}`, () => assert.equal(renderArtifactName(template, 'x86_64-unknown-linux-gnu', cpuLabel(cpu)), expected))
})

describe('versions', () => {
  const ids: [string, string | undefined][] = [
    ['path+file:///work/app#0.4.1', '0.4.1'],
    ['path+file:///work/crates/x#app@1.0.0-rc.1', '1.0.0-rc.1'],
    ['registry+https://github.com/rust-lang/crates.io-index#ripgrep@14.1.0', '14.1.0'],
    ['app 0.2.0 (path+file:///work/app)', '0.2.0'],
    ['path+file:///work/app', undefined],
    ['', undefined],
  ]
  for (const [id, version] of ids) test(`package id ${id || '(empty)'}`, () => assert.equal(versionFromPackageId(id), version))
  const refs: [string | undefined, string | undefined][] = [
    ['refs/tags/v1.2.3', 'v1.2.3'],
    ['refs/tags/release/2.0', 'release-2.0'],
    ['refs/heads/main', undefined],
    [undefined, undefined],
  ]
  for (const [ref, version] of refs) test(`ref ${ref}`, () => assert.equal(versionFromRef(ref), version))
})

describe('which files go in which archive', () => {
  const bins = [
    { name: 'server', path: '/s/server', version: '1.0.0' },
    { name: 'cli', path: '/s/cli', version: '1.0.0' },
  ]
  const license = { name: 'LICENSE', source: '/w/LICENSE' }
  test('one archive per binary with {bin}, each with the included files', () => {
    const plans = planArchives(bins, [license], '{bin}-{version}-{target}', 'x86_64-unknown-linux-gnu', 'tar.gz')
    assert.deepEqual(
      plans.map((plan) => [plan.fileName, plan.entries.map((e) => e.name)]),
      [
        ['cli-1.0.0-x86_64-unknown-linux-gnu.tar.gz', ['cli', 'LICENSE']],
        ['server-1.0.0-x86_64-unknown-linux-gnu.tar.gz', ['server', 'LICENSE']],
      ],
    )
  })
  test('{bin} of a Windows binary has no .exe; the archive keeps the file name', () => {
    const plans = planArchives([{ name: 'app.exe', path: 'C:/s/app.exe', version: '1.0.0' }], [], '{bin}-{version}-{target}', 'x86_64-pc-windows-msvc', 'zip')
    assert.deepEqual(
      plans.map((plan) => [plan.fileName, plan.entries.map((e) => e.name)]),
      [['app-1.0.0-x86_64-pc-windows-msvc.zip', ['app.exe']]],
    )
  })
  test('a template without {bin} bundles every binary', () => {
    const plans = planArchives(bins, [], 'tools-{target}', 'x86_64-pc-windows-msvc', 'zip')
    assert.deepEqual(
      plans.map((plan) => [plan.fileName, plan.entries.map((e) => e.name)]),
      [['tools-x86_64-pc-windows-msvc.zip', ['server', 'cli']]],
    )
  })
  test('{cpu} names the build: two baselines of one target get two archives; without it they get the same name', () => {
    const names = (template: string, cpu?: string): string[] => planArchives(bins.slice(0, 1), [], template, 'x86_64-unknown-linux-gnu', 'tar.gz', cpuLabel(cpu)).map((plan) => plan.fileName)
    assert.deepEqual(names('{bin}-{target}-{cpu}'), ['server-x86_64-unknown-linux-gnu-baseline.tar.gz'])
    assert.deepEqual(names('{bin}-{target}-{cpu}', 'x86-64-v3'), ['server-x86_64-unknown-linux-gnu-x86-64-v3.tar.gz'])
    assert.deepEqual(names('{bin}-{target}'), names('{bin}-{target}', 'x86-64-v3'))
  })
  test('an archive named like a staged binary is refused', () =>
    refused(
      () =>
        planArchives(
          [
            { name: 'tool', path: '/tool', version: '1' },
            { name: 'tool.zip', path: '/tool.zip', version: '1' },
          ],
          [],
          'tool',
          't',
          'zip',
        ),
      'name',
      /already taken/,
    ))
  test('an included file named like a binary is refused', () => refused(() => planArchives(bins, [{ name: 'cli', source: '/w/cli' }], '{bin}', 't', 'zip'), 'include', /same name as a binary/))
  test('zip for Windows targets, tar.gz elsewhere', () => {
    assert.equal(defaultArchiveFormat(targetFacts('x86_64-pc-windows-msvc').os), 'zip')
    assert.equal(defaultArchiveFormat(targetFacts('aarch64-apple-darwin').os), 'tar.gz')
    assert.equal(defaultArchiveFormat(targetFacts('armv7-unknown-linux-musleabihf').os), 'tar.gz')
  })
})

describe('include patterns', () => {
  for (const pattern of ['LICENSE', 'LICENSE-*', 'docs/**/*.md', 'README.md']) test(`accepted: ${pattern}`, () => checkIncludePattern(pattern))
  const hostile: [string, RegExp][] = [
    ['/etc/passwd', /absolute/],
    ['~/.ssh/id_ed25519', /absolute/],
    ['C:/Windows/win.ini', /absolute/],
    ['../secrets', /"\.\."/],
    ['docs/../../x', /"\.\."/],
    ['**/../x', /"\.\."/],
    ['docs\\a.md', /forward slashes/],
  ]
  for (const [pattern, advice] of hostile) test(`refused: ${pattern}`, () => refused(() => checkIncludePattern(pattern), 'include', advice))
  test('safe relative paths', () => {
    for (const name of ['a', 'linux/arm/v7/app', 'x.tar.gz']) assert.ok(isSafeRelativePath(name), name)
    for (const name of ['', '/a', '../a', 'a/../../b', 'a//b', 'a\\b', './a']) assert.ok(!isSafeRelativePath(name), name)
  })
})

describe('Docker platform layout: every platform in the mapping table', () => {
  for (const platform of dockerPlatforms().filter((p) => p !== 'linux/arm64/v8')) {
    for (const libc of ['gnu', 'musl'] as const) {
      const triple = tripleForDockerPlatform(platform, libc) ?? ''
      test(`${platform} (${libc}: ${triple}) → ${platform}/app`, () => {
        const facts = targetFacts(triple)
        assert.equal(facts.dockerPlatform, platform)
        assert.equal(dockerPath(facts.dockerPlatform ?? '', 'app'), `${platform}/app`)
      })
    }
  }
  test('linux/arm64/v8 is the same binary as linux/arm64', () => assert.equal(targetFacts(tripleForDockerPlatform('linux/arm64/v8', 'gnu') ?? '').dockerPlatform, 'linux/arm64'))
  test('targets without a Docker platform have none', () => assert.equal(targetFacts('x86_64-pc-windows-msvc').dockerPlatform, undefined))
})

describe('checksum files', () => {
  test('GNU format, sorted bytewise', () =>
    assert.equal(
      renderSums([
        { name: 'b', hash: '22' },
        { name: 'B', hash: '11' },
        { name: 'a.tar.gz', hash: '33' },
      ]),
      '11  B\n33  a.tar.gz\n22  b\n',
    ))
})

describe('packaging inputs', () => {
  const read =
    (values: Record<string, string>) =>
    (name: string): string =>
      values[name] ?? ''
  test('defaults', () => {
    const inputs = parseInputs(read({ target: 'x86_64-unknown-linux-gnu' }))
    assert.equal(inputs.archive, 'auto')
    assert.equal(inputs.nameTemplate, '{bin}-{version}-{target}')
    assert.deepEqual(inputs.include, [])
    assert.deepEqual(inputs.checksums, ['sha256'])
    assert.equal(inputs.dockerDir, undefined)
    assert.equal(inputs.upload, 'artifact')
    assert.equal(inputs.artifactName, 'rust-xbuild-{target}')
    assert.equal(inputs.releaseTag, undefined)
  })
  test('given', () => {
    const inputs = parseInputs(
      read({
        target: 'linux/arm64',
        archive: 'tar.zst',
        name: '{bin}-{target}',
        include: 'LICENSE\nREADME.md, docs/*.md',
        checksum: 'both',
        'docker-dir': './docker-bin/',
        upload: 'release',
        'release-tag': 'v1.0.0',
      }),
    )
    assert.equal(inputs.archive, 'tar.zst')
    assert.deepEqual(inputs.include, ['LICENSE', 'README.md', 'docs/*.md'])
    assert.deepEqual(inputs.checksums, ['sha256', 'sha512'])
    assert.equal(inputs.dockerDir, 'docker-bin')
    assert.equal(inputs.upload, 'release')
    assert.equal(inputs.releaseTag, 'v1.0.0')
    assert.deepEqual(parseInputs(read({ target: 'linux/arm64', checksum: 'sha512' })).checksums, ['sha512'])
  })
  const bad: [Record<string, string>, string, RegExp][] = [
    [{ archive: 'rar' }, 'archive', /tar\.gz, zip, tar\.zst, none/],
    [{ checksum: 'md5' }, 'checksum', /sha256, sha512, or both/],
    [{ name: '../../{bin}' }, 'name', /path separators/],
    [{ include: 'LICENSE, ../../etc/passwd' }, 'include', /"\.\."/],
    [{ 'docker-dir': '../outside' }, 'docker-dir', /inside the workspace/],
    [{ 'docker-dir': '/srv/docker' }, 'docker-dir', /inside the workspace/],
    [{ 'docker-dir': 'a/../..' }, 'docker-dir', /inside the workspace/],
    [{ upload: 's3' }, 'upload', /artifact, release, none/],
    [{ 'artifact-name': 'bins-{bin}' }, 'artifact-name', /unknown placeholder \{bin\}; the placeholders are \{target\} and \{cpu\}/],
    [{ 'artifact-name': 'bins-{target}-{cpu}-{arch}' }, 'artifact-name', /unknown placeholder \{arch\}/],
    [{ name: '{bin}-{target}-{arch}' }, 'name', /unknown placeholder \{arch\}/],
    [{ 'artifact-name': 'a/b' }, 'artifact-name', /may not contain/],
    [{ 'release-tag': 'v1 .0' }, 'release-tag', /git tag/],
  ]
  for (const [values, input, advice] of bad) test(`refused: ${JSON.stringify(values)}`, () => refused(() => parseInputs(read({ target: 'x86_64-unknown-linux-gnu', ...values })), input, advice))
})

describe('debug archives beside the archives (debug-symbols)', () => {
  const bins = [
    { name: 'server', path: '/s/server', version: '1.0.0' },
    { name: 'cli.exe', path: '/s/cli.exe', version: '1.0.0' },
  ]
  const debugOf = new Map([
    ['server', [{ name: 'server.debug', source: '/s/server.debug' }]],
    ['cli.exe', [{ name: 'cli.debug', source: '/s/cli.debug' }]],
  ])
  test('one <name>-debug.<ext> per archive, with the debug files of its binaries only', () => {
    const plans = planArchives(bins, [{ name: 'LICENSE', source: '/w/LICENSE' }], '{bin}-{version}-{target}', 'x86_64-pc-windows-gnu', 'zip')
    assert.deepEqual(
      planDebugArchives(plans, debugOf).map((plan) => [plan.fileName, plan.format, plan.entries.map((e) => e.name)]),
      [
        ['cli-1.0.0-x86_64-pc-windows-gnu-debug.zip', 'zip', ['cli.debug']],
        ['server-1.0.0-x86_64-pc-windows-gnu-debug.zip', 'zip', ['server.debug']],
      ],
    )
  })
  test('one archive for every binary: one debug archive for all', () => {
    const plans = planArchives(bins, [], 'tools-{target}', 'x86_64-unknown-linux-gnu', 'tar.zst')
    assert.deepEqual(
      planDebugArchives(plans, debugOf).map((plan) => [plan.fileName, plan.entries.map((e) => e.name)]),
      [['tools-x86_64-unknown-linux-gnu-debug.tar.zst', ['server.debug', 'cli.debug']]],
    )
  })
  test('{cpu} names the debug archive as it names the archive', () => {
    const plans = planArchives(bins.slice(0, 1), [], '{bin}-{target}-{cpu}', 'x86_64-unknown-linux-gnu', 'tar.gz', 'x86-64-v3')
    assert.deepEqual(
      planDebugArchives(plans, debugOf).map((plan) => plan.fileName),
      ['server-x86_64-unknown-linux-gnu-x86-64-v3-debug.tar.gz'],
    )
  })
  test('binaries without debug files get no debug archive', () => {
    assert.deepEqual(planDebugArchives(planArchives(bins, [], '{bin}', 'x86_64-unknown-linux-gnu', 'tar.gz'), new Map()), [])
  })
})
