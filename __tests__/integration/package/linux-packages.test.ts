/**
 * The Linux packages' files found on a real tree (globs, links, units and scripts by
 * debhelper's names), and dpkg-deb and rpmbuild run on them: the same bytes from two
 * folders, root-owned members at the build's time.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InputError } from '../../../src/errors.js'
import type { CrateInfo } from '../../../src/inputs/package-metadata.js'
import { resolveDebFiles, resolveRpmFiles } from '../../../src/inputs/package-files.js'
import { debSpec, rpmSpec } from '../../../src/inputs/package-specs.js'
import { buildDeb } from '../../../src/package/linux/deb.js'
import { buildRpm } from '../../../src/package/linux/rpm.js'

const EPOCH = 1767225600

/** A crate in a workspace: files, a link out of it, a debian/ folder. */
function project(): { root: string; crate: CrateInfo } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'linux-files-'))
  const dir = path.join(root, 'app')
  const write = (name: string, text: string, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), text)
    fs.chmodSync(path.join(dir, name), mode)
  }
  write('README.md', '# app\n')
  write('share/a.txt', 'a\n')
  write('share/sub/b.txt', 'b\n')
  write('conf/app.toml', 'x = 1\n')
  write('long.txt', 'Long text.\n')
  write('debian/app.service', '[Unit]\nDescription=app\n\n[Service]\nExecStart=/usr/bin/app\n\n[Install]\nWantedBy=multi-user.target\n')
  write('debian/app.worker.service', '[Service]\nExecStart=/usr/bin/app --work\n')
  write('debian/app.tmpfile', 'd /run/app 0755 root root -\n')
  write('debian/postinst', '#!/bin/sh\nset -e\n#DEBHELPER#\n', 0o755)
  fs.symlinkSync('/etc/hostname', path.join(dir, 'outside'))
  const crate: CrateInfo = { id: 'app-id', name: 'app', version: '1.0.0', authors: ['A <a@example.org>'], license: 'MIT', description: 'An app', dir, bins: ['app'] }
  return { root, crate }
}

function binary(dir: string): Map<string, string> {
  const file = path.join(dir, 'app-binary')
  fs.copyFileSync('/bin/true', file)
  return new Map([['app', file]])
}

describe('files of a deb', () => {
  test('globs keep the path below their fixed part; /etc files, units and scripts are found', async () => {
    const { root, crate } = project()
    const spec = debSpec({
      ...crate,
      deb: {
        assets: ['$auto', ['share/**/*.txt', 'usr/share/app/', '644'], ['conf/app.toml', 'etc/app/', '600'], ['README.md', 'usr/share/doc/app/README', '644']],
        'extended-description-file': 'long.txt',
        'maintainer-scripts': 'debian',
        'systemd-units': [{}, { 'unit-name': 'worker', start: false }],
      },
    })
    const files = await resolveDebFiles(spec, root, binary(root))
    assert.deepEqual(
      files.files.map((file) => `${file.dest} ${file.mode.toString(8)}`),
      [
        '/usr/bin/app 755',
        '/usr/share/app/a.txt 644',
        '/usr/share/app/sub/b.txt 644',
        '/etc/app/app.toml 600',
        '/usr/share/doc/app/README 644',
        '/usr/lib/systemd/system/app.service 644',
        '/usr/lib/tmpfiles.d/app.conf 644',
        '/usr/lib/systemd/system/worker.service 644',
      ],
    )
    assert.deepEqual(
      files.units.map((unit) => [unit.unit, unit.installable, unit.rule.start]),
      [
        ['app.service', true, true],
        ['app.conf', false, true],
        ['worker.service', false, false],
      ],
    )
    assert.deepEqual(Object.keys(files.scripts), ['postinst'])
    assert.equal(files.extendedDescription, 'Long text.\n')
  })
  test.each([
    ['a link that leads out of the project', { assets: [['outside', 'usr/share/app/x', '644']] }, /leads to .*outside the project/],
    ['a missing file', { assets: [['nothing.txt', 'usr/share/app/', '644']] }, /no such file/],
    ['a glob that matches nothing', { assets: [['share/*.md', 'usr/share/app/', '644']] }, /matches no file/],
    ['a folder', { assets: [['share', 'usr/share/app/', '644']] }, /not a file/],
    ['a conffile no asset installs', { 'conf-files': ['/etc/app/other.toml'] }, /no asset installs \/etc\/app\/other\.toml/],
  ])('refused: %s', async (_name, deb, message) => {
    const { root, crate } = project()
    await assert.rejects(resolveDebFiles(debSpec({ ...crate, deb }), root), (error: unknown) => error instanceof InputError && message.test(error.message))
  })
  test('systemd units need #DEBHELPER# in the scripts', async () => {
    const { root, crate } = project()
    fs.writeFileSync(path.join(crate.dir, 'debian', 'postinst'), '#!/bin/sh\necho hi\n')
    await assert.rejects(resolveDebFiles(debSpec({ ...crate, deb: { 'maintainer-scripts': 'debian', 'systemd-units': {} } }), root), /postinst has no #DEBHELPER# line/)
  })
  test('a binary the bin input left out: dropped from $auto, refused when named', async () => {
    const { root, crate } = project()
    const two = { ...crate, bins: ['app', 'tool'] }
    const files = await resolveDebFiles(debSpec(two), root, binary(root))
    assert.deepEqual(
      files.files.map((file) => file.dest),
      ['/usr/bin/app'],
    )
    await assert.rejects(resolveDebFiles(debSpec({ ...two, deb: { assets: [['target/release/tool', 'usr/bin/', '755']] } }), root, binary(root)), /staged no binary tool/)
  })
})

const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')
const have = (program: string): boolean => {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', program])
    return true
  } catch {
    return false
  }
}

describe('dpkg-deb and rpmbuild on the staged trees', () => {
  test('the same bytes from two folders; root-owned members at the build time', async () => {
    const outputs: string[][] = []
    for (const attempt of [0, 1]) {
      const { root, crate } = project()
      const spec = debSpec({ ...crate, deb: { assets: ['$auto', ['conf/app.toml', 'etc/app/', '644']], 'maintainer-scripts': 'debian', 'systemd-units': {} } })
      const files = await resolveDebFiles(spec, root, binary(root))
      const out = fs.mkdtempSync(path.join(os.tmpdir(), `linux-out-${attempt}-`))
      const deb = await buildDeb({ spec, files, arch: 'amd64', autoDepends: ['libc6 (>= 2.34)'], workDir: path.join(root, 'work'), outputDir: out, epoch: EPOCH })
      const built = [deb.path]
      if (have('rpmbuild')) {
        const rpm = rpmSpec({
          ...crate,
          rpm: {
            assets: [
              { source: 'target/release/app', dest: '/usr/bin/app', mode: '755' },
              { source: 'conf/app.toml', dest: '/etc/app/app.toml', config: 'noreplace' },
            ],
          },
        })
        built.push((await buildRpm({ spec: rpm, files: await resolveRpmFiles(rpm, root, binary(root)), arch: 'x86_64', workDir: path.join(root, 'work'), outputDir: out, epoch: EPOCH })).path)
      }
      outputs.push(built)
      if (attempt === 0) {
        const contents = execFileSync('dpkg-deb', ['--contents', deb.path], { encoding: 'utf8' })
        assert.match(contents, /^-rwxr-xr-x root\/root +\d+ 2026-01-01 00:00 \.\/usr\/bin\/app$/m)
        assert.match(contents, /^-rw-r--r-- root\/root +\d+ 2026-01-01 00:00 \.\/usr\/share\/doc\/app\/changelog\.Debian\.gz$/m)
        assert.match(execFileSync('dpkg-deb', ['--field', deb.path, 'Depends'], { encoding: 'utf8' }), /^libc6 \(>= 2\.34\)\n$/)
      }
    }
    assert.deepEqual(outputs[0]?.map(sha256), outputs[1]?.map(sha256))
    assert.deepEqual(
      outputs[0]?.map((file) => path.basename(file)),
      ['app_1.0.0-1_amd64.deb', ...(have('rpmbuild') ? ['app-1.0.0-1.x86_64.rpm'] : [])],
    )
  })
})
