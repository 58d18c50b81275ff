/**
 * Packaging through the bundled action: hostile templates and globs are refused before
 * anything is built, and docker-dir lays the binary out for $TARGETPLATFORM.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { errors, fixture, runAction, sh } from '../../support/harness.js'

describe('hostile packaging inputs are refused before the build', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a name template that climbs out', { name: '../../{bin}' }, /Input 'name' has the value '\.\.\/\.\.\/\{bin\}': .*no path separators/],
    [
      'an include outside the project',
      { include: 'LICENSE, ../../../etc/passwd' },
      /Input 'include' has the value '\.\.\/\.\.\/\.\.\/etc\/passwd': include patterns may not leave the working directory/,
    ],
    ['an absolute include', { include: '/etc/shadow' }, /Input 'include' has the value '\/etc\/shadow': .*absolute paths are refused/],
    ['a docker-dir outside the workspace', { 'docker-dir': '../docker' }, /Input 'docker-dir' has the value '\.\.\/docker': expected a folder inside the workspace/],
    ['an unknown archive format', { archive: 'rar' }, /Input 'archive' has the value 'rar': expected one of auto, tar\.gz, zip, tar\.zst, none/],
    ['upload: release outside a tag build, without release-tag', { upload: 'release', token: 't' }, /Input 'release-tag' has the value '': upload: release needs a tag/],
    ['upload: release of loose binaries', { upload: 'release', archive: 'none', 'release-tag': 'v1' }, /Input 'upload' has the value 'release': a release receives the archives, and archive is none/],
  ]
  for (const [name, inputs, message] of cases) {
    test(name, () => {
      const workspace = fixture('hello')
      const run = runAction({ target: 'x86_64-unknown-linux-gnu', toolchain: 'system', ...inputs }, { workspace })
      assert.equal(run.code, 1)
      const lines = errors(run)
      assert.equal(lines.length, 1, run.log)
      assert.match(lines[0] ?? '', message)
      assert.ok(!fs.existsSync(path.join(workspace, 'target')), 'nothing was built')
    })
  }
})

describe('docker-dir, zip and sha512 through the bundled action', () => {
  test('x86_64: docker-bin/linux/amd64/hello runs; the zip and both sums verify', () => {
    const workspace = fixture('hello')
    fs.writeFileSync(path.join(workspace, 'LICENSE'), 'MIT\n')
    const run = runAction(
      { target: 'x86_64-unknown-linux-gnu', toolchain: 'system', 'docker-dir': 'docker-bin', archive: 'zip', checksum: 'both', include: 'LICENSE', name: '{bin}-{target}', upload: 'none' },
      { workspace },
    )
    assert.equal(run.code, 0, run.log)
    assert.equal(sh(path.join(workspace, 'docker-bin', 'linux', 'amd64', 'hello'), []).trim(), 'hello from x86_64')
    const dir = run.outputs.dir ?? ''
    assert.deepEqual(JSON.parse(run.outputs.archives ?? ''), [path.join(dir, 'hello-x86_64-unknown-linux-gnu.zip')])
    assert.match(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir }), /^hello: OK\nhello-x86_64-unknown-linux-gnu\.cdx\.json: OK\nhello-x86_64-unknown-linux-gnu\.zip: OK\n$/)
    assert.match(sh('sha512sum', ['-c', 'hello-x86_64-unknown-linux-gnu.zip.sha512'], { cwd: dir }), /OK/)
    assert.match(sh('unzip', ['-Z1', path.join(dir, 'hello-x86_64-unknown-linux-gnu.zip')]), /^hello\nLICENSE\n$/)
    assert.match(run.log, /upload: none/)
    assert.match(run.summary, /\| Upload \| none \|/)
    assert.match(run.summary, /\| `hello-x86_64-unknown-linux-gnu\.zip` \| .* \| `[0-9a-f]{64}` \|/)
    assert.deepEqual(errors(run), [])
  })
})

describe('sbom: false', () => {
  test('no SBOM is staged, summed or listed', () => {
    const workspace = fixture('hello')
    const run = runAction({ target: 'x86_64-unknown-linux-gnu', toolchain: 'system', sbom: 'false', upload: 'none' }, { workspace })
    assert.equal(run.code, 0, run.log)
    const dir = run.outputs.dir ?? ''
    assert.deepEqual(
      Array.from(fs.readdirSync(dir)).filter((name) => name.includes('.cdx.json')),
      [],
    )
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8'), /cdx/)
    assert.deepEqual(
      JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).files.map((file: { kind: string }) => file.kind),
      ['binary', 'archive'],
    )
  })
})

describe('nothing is uploaded when verification fails the step', () => {
  test('max-glibc below what the binary needs: packaged, not uploaded', () => {
    const workspace = fixture('hello')
    const run = runAction({ target: 'x86_64-unknown-linux-gnu', toolchain: 'system', 'max-glibc': '2.2' }, { workspace })
    assert.equal(run.code, 1, run.log)
    assert.match(run.log, /::group::Package/)
    assert.doesNotMatch(run.log, /::group::Upload/)
    assert.match(run.summary, /\| Upload \| skipped: verification failed \|/)
  })
})
