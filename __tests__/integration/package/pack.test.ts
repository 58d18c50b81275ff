/**
 * Packaging for real: archives written through archiver, extracted by the
 * system's tar, unzip and zstd to byte-identical files with their modes; every checksum
 * file verifies with sha256sum -c / sha512sum -c.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../../../src/errors.js'
import { findIncludes, packageStaged, resolveVersion, type PackageOptions } from '../../../src/package/pack.js'
import { sha256Of } from '../../../src/common/checksum.js'
import { type ArchiveFormat } from '../../../src/inputs/packaging.js'

const sh = (program: string, args: string[], cwd: string): string => execFileSync(program, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** A workspace with a staged binary (random bytes, 0755), a LICENSE (0644) and docs. */
async function project(): Promise<{ workspace: string; stageDir: string; binaries: PackageOptions['binaries'] }> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'package-'))
  fs.writeFileSync(path.join(workspace, 'LICENSE'), 'MIT\n', { mode: 0o644 })
  fs.mkdirSync(path.join(workspace, 'docs', 'guide'), { recursive: true })
  fs.writeFileSync(path.join(workspace, 'docs', 'a.md'), '# a\n')
  fs.writeFileSync(path.join(workspace, 'docs', 'guide', 'b.md'), '# b\n')
  fs.writeFileSync(path.join(workspace, 'docs', 'tool.sh'), '#!/bin/sh\n', { mode: 0o755 })
  const stageDir = path.join(workspace, 'target', 'xbuild', 'aarch64-unknown-linux-gnu')
  fs.mkdirSync(stageDir, { recursive: true })
  const binaries = []
  for (const [name, size] of [
    ['app', 300_000],
    ['helper', 1],
  ] as const) {
    const file = path.join(stageDir, name)
    fs.writeFileSync(file, randomBytes(size))
    fs.chmodSync(file, 0o755)
    binaries.push({ name, path: file, size, sha256: await sha256Of(file), stripped: true, packageId: 'path+file:///x#app@1.2.3', version: '1.2.3' })
  }
  return { workspace, stageDir, binaries }
}

function options(base: Awaited<ReturnType<typeof project>>, extra: Partial<PackageOptions>): PackageOptions {
  return {
    stageDir: base.stageDir,
    workDir: base.workspace,
    workspace: base.workspace,
    binaries: base.binaries,
    archive: 'tar.gz',
    nameTemplate: '{bin}-{version}-{target}',
    include: [],
    checksums: ['sha256'],
    context: { target: 'aarch64-unknown-linux-gnu', toolchain: 'system', rustc: 'rustc 1.96.0', rustflags: [], targetFeatures: [], linker: 'gcc', sourceDateEpoch: 1_700_000_000 },
    dockerPlatform: 'linux/arm64',
    mtime: 1_700_000_000,
    ...extra,
  }
}

function extract(format: ArchiveFormat, archive: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'extract-'))
  if (format === 'zip') sh('unzip', ['-q', archive, '-d', out], out)
  else sh('tar', [format === 'tar.gz' ? '-xzf' : '--zstd', ...(format === 'tar.zst' ? ['-xf'] : []), archive, '-C', out], out)
  return out
}

const mode = (file: string): number => fs.statSync(file).mode & 0o777

describe('archives extract to byte-identical files with their modes', () => {
  for (const format of ['tar.gz', 'zip', 'tar.zst'] as const) {
    test(format, async () => {
      const base = await project()
      const result = await packageStaged(options(base, { archive: format, include: ['LICENSE', 'docs/**/*.md', 'docs/tool.sh'] }))
      assert.deepEqual(
        result.archives.map((a) => a.name),
        [`app-1.2.3-aarch64-unknown-linux-gnu.${format}`, `helper-1.2.3-aarch64-unknown-linux-gnu.${format}`],
      )
      const archive = result.archives[0]
      assert.ok(archive)
      const out = extract(format, archive.path)
      assert.deepEqual(Array.from(fs.readdirSync(out, { recursive: true, encoding: 'utf8' })).sort(), ['LICENSE', 'app', 'docs', 'docs/a.md', 'docs/guide', 'docs/guide/b.md', 'docs/tool.sh'])
      assert.ok(fs.readFileSync(path.join(out, 'app')).equals(fs.readFileSync(path.join(base.stageDir, 'app'))))
      assert.equal(mode(path.join(out, 'app')), 0o755)
      assert.equal(mode(path.join(out, 'LICENSE')), 0o644)
      assert.equal(mode(path.join(out, 'docs', 'tool.sh')), 0o755)
      assert.equal(fs.readFileSync(path.join(out, 'docs', 'guide', 'b.md'), 'utf8'), '# b\n')
      if (format !== 'zip') assert.match(sh('tar', ['-tvf', archive.path], out), /-rwxr-xr-x 0\/0 +300000 2023-11-1[45] \d\d:\d\d app/)
      else assert.match(sh('unzip', ['-Z', archive.path], out), /-rwxr-xr-x .* app/)
      assert.deepEqual(archive.contents, ['app', 'LICENSE', 'docs/a.md', 'docs/guide/b.md', 'docs/tool.sh'])
    })
  }
  test('the same inputs give the same bytes', async () => {
    const base = await project()
    const first = await packageStaged(options(base, {}))
    const again = await packageStaged(options(base, {}))
    assert.deepEqual(
      first.archives.map((a) => a.hashes.sha256),
      again.archives.map((a) => a.hashes.sha256),
    )
  })
  test('another checkout (other folder, umask 002 modes, other file times) gives the same bytes', async () => {
    const base = await project()
    const include = ['LICENSE', 'docs/**/*.md', 'docs/tool.sh']
    const moved = fs.mkdtempSync(path.join(os.tmpdir(), 'elsewhere-'))
    fs.cpSync(base.workspace, moved, { recursive: true })
    fs.chmodSync(path.join(moved, 'LICENSE'), 0o664)
    fs.chmodSync(path.join(moved, 'docs', 'tool.sh'), 0o775)
    fs.utimesSync(path.join(moved, 'docs', 'a.md'), 1, 1)
    const stageDir = path.join(moved, path.relative(base.workspace, base.stageDir))
    const binaries = base.binaries.map((b) => ({ ...b, path: path.join(stageDir, b.name) }))
    for (const format of ['tar.gz', 'zip', 'tar.zst'] as const) {
      const first = await packageStaged(options(base, { archive: format, include }))
      const second = await packageStaged(options({ workspace: moved, stageDir, binaries }, { archive: format, include }))
      assert.deepEqual(
        second.archives.map((a) => a.hashes.sha256),
        first.archives.map((a) => a.hashes.sha256),
        format,
      )
      const changed = await packageStaged(options(base, { archive: format, include, mtime: 1_700_000_002 }))
      assert.notEqual(changed.archives[0]?.hashes.sha256, first.archives[0]?.hashes.sha256, `${format}: the member time is in the bytes`)
    }
  })
  test('gzip header: no name, no time, OS Unix', async () => {
    const base = await project()
    const result = await packageStaged(options(base, {}))
    const header = Array.from(fs.readFileSync(result.archives[0]?.path ?? '').subarray(0, 10))
    // ID1 ID2 CM=deflate FLG=0 (no name, no comment) MTIME=0 XFL=2 (best compression) OS=3 (Unix)
    assert.deepEqual(header, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3])
  })
  test('members in the given order with modes 0755/0644 and the given time', async () => {
    const base = await project()
    fs.chmodSync(path.join(base.workspace, 'LICENSE'), 0o664)
    fs.symlinkSync('a.md', path.join(base.workspace, 'docs', 'linked.md'))
    const result = await packageStaged(options(base, { include: ['LICENSE', 'docs/tool.sh', 'docs/linked.md'] }))
    const listing = sh('tar', ['--utc', '-tvzf', result.archives[0]?.path ?? ''], base.workspace)
    // The link arrives as the file it names.
    assert.match(
      listing,
      /^-rwxr-xr-x 0\/0 +300000 2023-11-14 22:13 app\n-rw-r--r-- 0\/0 +4 2023-11-14 22:13 LICENSE\n-rwxr-xr-x 0\/0 +10 2023-11-14 22:13 docs\/tool\.sh\n-rw-r--r-- 0\/0 +4 2023-11-14 22:13 docs\/linked\.md\n$/,
    )
  })
})

describe('checksums and manifest', () => {
  test('sha256 and sha512: SUMS files and per-file files verify; the manifest lists every file', async () => {
    const base = await project()
    const result = await packageStaged(options(base, { checksums: ['sha256', 'sha512'] }))
    assert.deepEqual(result.sums, ['SHA256SUMS', 'SHA512SUMS'])
    const sums256 = sh('sha256sum', ['-c', 'SHA256SUMS'], base.stageDir)
    assert.equal(sums256.trim().split('\n').length, 4, sums256)
    for (const name of ['app', 'helper', 'app-1.2.3-aarch64-unknown-linux-gnu.tar.gz', 'helper-1.2.3-aarch64-unknown-linux-gnu.tar.gz']) {
      assert.match(sums256, new RegExp(`^${name.replace(/\./g, '\\.')}: OK$`, 'm'))
      assert.match(sh('sha256sum', ['-c', `${name}.sha256`], base.stageDir), /: OK/)
      assert.match(sh('sha512sum', ['-c', `${name}.sha512`], base.stageDir), /: OK/)
    }
    assert.match(sh('sha512sum', ['-c', 'SHA512SUMS'], base.stageDir), /helper: OK/)
    const manifest = JSON.parse(fs.readFileSync(result.manifestPath, 'utf8'))
    assert.deepEqual(
      manifest.files.map((f: { name: string; kind: string }) => `${f.kind}:${f.name}`),
      ['binary:app', 'binary:helper', 'archive:app-1.2.3-aarch64-unknown-linux-gnu.tar.gz', 'archive:helper-1.2.3-aarch64-unknown-linux-gnu.tar.gz'],
    )
    for (const file of manifest.files) {
      assert.equal(file.sha256, await sha256Of(path.join(base.stageDir, file.name)))
      assert.match(file.sha512, /^[0-9a-f]{128}$/)
      assert.equal(file.size, fs.statSync(path.join(base.stageDir, file.name)).size)
    }
    assert.deepEqual(manifest.sums, ['SHA256SUMS', 'SHA512SUMS'])
  })
  test('sha512 alone: no SHA256SUMS, and archive: none packs nothing', async () => {
    const base = await project()
    const result = await packageStaged(options(base, { checksums: ['sha512'], archive: undefined }))
    assert.deepEqual(result.archives, [])
    assert.ok(!fs.existsSync(path.join(base.stageDir, 'SHA256SUMS')))
    assert.match(sh('sha512sum', ['-c', 'SHA512SUMS'], base.stageDir), /app: OK\nhelper: OK/)
  })
})

describe('Docker layout', () => {
  test('each binary also lands in <docker-dir>/<platform>/<bin>, executable', async () => {
    const base = await project()
    const dockerDir = path.join(base.workspace, 'docker-bin')
    const result = await packageStaged(options(base, { dockerDir, dockerPlatform: 'linux/arm/v7' }))
    assert.deepEqual(result.docker, [path.join(dockerDir, 'linux/arm/v7/app'), path.join(dockerDir, 'linux/arm/v7/helper')])
    assert.ok(fs.readFileSync(path.join(dockerDir, 'linux/arm/v7/app')).equals(fs.readFileSync(path.join(base.stageDir, 'app'))))
    assert.equal(mode(path.join(dockerDir, 'linux/arm/v7/app')), 0o755)
    assert.deepEqual(JSON.parse(fs.readFileSync(result.manifestPath, 'utf8')).docker, ['linux/arm/v7/app', 'linux/arm/v7/helper'])
  })
})

describe('includes stay inside the workspace', () => {
  const refusal = (input: string, advice: RegExp) => (error: unknown) => error instanceof InputError && error.input === input && advice.test(error.message)
  test('a missing literal file is an error, an empty glob a warning', async () => {
    const base = await project()
    await assert.rejects(findIncludes(['LICENCE'], base.workspace, base.workspace), refusal('include', /no such file/))
    assert.deepEqual(await findIncludes(['*.nothing'], base.workspace, base.workspace), [])
  })
  test('a link to outside the workspace is refused', async () => {
    const base = await project()
    fs.symlinkSync('/etc/hostname', path.join(base.workspace, 'HOSTNAME'))
    await assert.rejects(findIncludes(['HOSTNAME'], base.workspace, base.workspace), refusal('include', /outside the workspace/))
    await assert.rejects(findIncludes(['HOST*'], base.workspace, base.workspace), refusal('include', /outside the workspace/))
  })
  test('a folder is refused; the target folder is never walked; globs skip broken links and linked folders', async () => {
    const base = await project()
    fs.symlinkSync(path.join(base.workspace, 'nowhere'), path.join(base.workspace, 'docs', 'broken.md'))
    fs.symlinkSync(path.join(base.workspace, 'docs', 'guide'), path.join(base.workspace, 'docs', 'linked.md'))
    await assert.rejects(findIncludes(['docs/broken.md'], base.workspace, base.workspace), refusal('include', /no such file|link to nothing/))
    await assert.rejects(findIncludes(['docs'], base.workspace, base.workspace), refusal('include', /not a file/))
    assert.deepEqual(
      (await findIncludes(['**/app', '**/*.md'], base.workspace, base.workspace)).map((e) => e.name),
      ['docs/a.md', 'docs/guide/b.md'],
    )
  })
})

describe('include globs, matched on real files', () => {
  // Each row: the pattern, the files it must find, files beside them it must not.
  const rows: [string, string[], string[]][] = [
    ['LICENSE*', ['LICENSE', 'LICENSE-MIT', 'LICENSE.txt'], ['docs/LICENSE', 'XLICENSE']],
    ['docs/*.md', ['docs/a.md'], ['docs/sub/b.md', 'a.md', 'docs/a.mdx']],
    ['docs/**/*.md', ['docs/a.md', 'docs/sub/deep/b.md'], ['a.md', 'docsx/a.md']],
    ['**', ['a', 'x/y/z'], []],
    ['file?.[ct]xt', ['file1.txt', 'fileA.cxt'], ['file10.txt', 'file1.dxt']],
    ['{LICENSE,NOTICE}', ['LICENSE', 'NOTICE'], ['README']],
    ['**/*.md', ['a.md', 'docs/b.md'], ['target/release/c.md', '.git/d.md', 'node_modules/m/e.md', 'crates/x/target/f.md']],
  ]
  for (const [pattern, yes, no] of rows) {
    test(`${pattern} finds ${yes.join(', ')}`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glob-'))
      for (const name of [...yes, ...no]) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
        fs.writeFileSync(path.join(dir, name), name)
      }
      assert.deepEqual(
        (await findIncludes([pattern], dir, dir)).map((e) => e.name),
        [...yes].sort(),
      )
    })
  }
  test('a glob under target/ finds nothing there; a literal path there is still taken', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glob-'))
    fs.mkdirSync(path.join(dir, 'target', 'doc'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'target', 'doc', 'x.html'), 'x')
    assert.deepEqual(await findIncludes(['target/doc/*.html'], dir, dir), [])
    assert.deepEqual(
      (await findIncludes(['target/doc/x.html'], dir, dir)).map((e) => e.name),
      ['target/doc/x.html'],
    )
  })
})

describe('the version for {version}', () => {
  test('tag, then package id, then Cargo.toml', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'version-'))
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[workspace]\nmembers = []\n[workspace.package]\nversion = "3.1.4"\n')
    assert.equal(resolveVersion('path+file:///x#app@0.1.0', dir, 'refs/tags/v9.0.0'), 'v9.0.0')
    assert.equal(resolveVersion('path+file:///x#app@0.1.0', dir, 'refs/heads/main'), '0.1.0')
    assert.equal(resolveVersion('', dir, undefined), '3.1.4')
    assert.equal(resolveVersion('', os.tmpdir(), undefined), undefined)
  })
})
