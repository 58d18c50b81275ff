/**
 * deb and rpm packages through the bundled action, from a crate with cargo-deb's and
 * cargo-generate-rpm's metadata (assets with modes and a glob, a conffile, a systemd unit,
 * maintainer scripts): dpkg-deb and rpm show the metadata and files, the amd64 .deb
 * installs into a throwaway root and runs, the arm64 binary runs under qemu, lintian finds
 * no error, a second build gives the same bytes, and the merge carries the packages. The
 * packages of a static musl binary are checked by __tests__/e2e/targets/registry.test.ts (x86_64
 * musl), armhf and armv7hl by the ARM target matrix (armv7 gnu, __tests__/support/target-matrix.ts):
 * there the build they need (std from source) is done already.
 */
import { afterAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { attempt, errors, fixture, runAction, runEntry, sh, debianPath, type ActionRun } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'

const EPOCH = '1767225600'
const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-xbuild-linux-packages-'))
const builds = new Map<string, ActionRun>()

function build(target: string, extra: Record<string, string> = {}, workspace = fixture('pkg-hello')): ActionRun {
  const run = runAction({ target, toolchain: 'system', locked: 'true', packages: 'deb, rpm', upload: 'none', ...extra }, { workspace, runnerTemp, env: { SOURCE_DATE_EPOCH: EPOCH } })
  assert.equal(run.code, 0, run.log.slice(-8000))
  assert.deepEqual(errors(run), [])
  return run
}

function staged(run: ActionRun, name: string): string {
  return path.join(run.outputs.dir ?? '', name)
}

afterAll(() => fs.rmSync(runnerTemp, { recursive: true, force: true }))

const missing = ['dpkg-deb', 'rpm', 'lintian', 'qemu-aarch64'].filter((tool) => attempt('sh', ['-c', 'command -v "$1"', 'sh', tool]).status !== 0)

describe('bad package inputs are refused before the build', () => {
  const cases: [string, string, Record<string, string>, (dir: string) => void, RegExp][] = [
    ['an unknown format', 'x86_64-unknown-linux-gnu', { packages: 'deb, apk' }, () => undefined, /Input 'packages' has the value 'deb, apk': unknown package format 'apk'/],
    ['a Linux package for a Windows target', 'x86_64-pc-windows-gnu', { packages: 'deb' }, () => undefined, /Input 'packages' has the value 'deb': deb and rpm packages are for Linux targets/],
    [
      'an asset outside the project',
      'x86_64-unknown-linux-gnu',
      { packages: 'deb' },
      (dir) => edit(dir, '["README.md", "usr/share/doc/pkg-hello/README", "644"]', '["../../etc/passwd", "usr/share/doc/pkg-hello/README", "644"]'),
      /package\.metadata\.deb\.assets\[3\]\.source .*'\.\.\/\.\.\/etc\/passwd': the asset is outside the project/,
    ],
    [
      'a missing source file',
      'x86_64-unknown-linux-gnu',
      { packages: 'rpm' },
      (dir) => edit(dir, '{ source = "README.md", dest = "/usr/share/doc/pkg-hello/README.md"', '{ source = "READ-ME.md", dest = "/usr/share/doc/pkg-hello/README.md"'),
      /package\.metadata\.generate-rpm\.assets\[4\]\.source' has the value 'READ-ME\.md': there is no such file/,
    ],
    [
      'a bad mode',
      'x86_64-unknown-linux-gnu',
      { packages: 'deb' },
      (dir) => edit(dir, '["README.md", "usr/share/doc/pkg-hello/README", "644"]', '["README.md", "usr/share/doc/pkg-hello/README", "rw-r--r--"]'),
      /package\.metadata\.deb\.assets\[3\]\.mode .*'rw-r--r--': expected an octal mode string/,
    ],
    [
      'a key cargo-deb refuses',
      'x86_64-unknown-linux-gnu',
      { packages: 'deb' },
      (dir) => edit(dir, 'section = "utils"', 'sektion = "utils"'),
      /package\.metadata\.deb\.sektion .*not a key cargo-deb knows/,
    ],
  ]
  for (const [name, target, inputs, change, message] of cases) {
    test(name, () => {
      const workspace = fixture('pkg-hello')
      change(workspace)
      const run = runAction({ target, toolchain: 'system', ...inputs }, { workspace })
      assert.equal(run.code, 1, run.log)
      const lines = errors(run)
      assert.equal(lines.length, 1, run.log)
      assert.match(lines[0] ?? '', message)
      assert.ok(!fs.existsSync(path.join(workspace, 'target')), 'nothing was built')
    })
  }
})

function edit(dir: string, from: string, to: string): void {
  const file = path.join(dir, 'Cargo.toml')
  const text = fs.readFileSync(file, 'utf8')
  assert.ok(text.includes(from), from)
  fs.writeFileSync(file, text.replace(from, to))
}

requires(missing.length > 0 && `${missing.join(', ')} (scripts/setup-debian.sh)`)('packages: deb, rpm on x86_64 and aarch64 gnu', () => {
  test('x86_64 gnu: the .deb installs into a throwaway root and runs; lintian finds no error; the .rpm lists its files', () => {
    const run = build('x86_64-unknown-linux-gnu')
    builds.set('x86_64', run)
    const deb = staged(run, 'pkg-hello_0.3.0~rc.1-1_amd64.deb')
    const rpm = staged(run, 'pkg_hello-0.3.0~rc.1-1.x86_64.rpm')
    const info = sh('dpkg-deb', ['--info', deb])
    console.log(`dpkg-deb --info ${path.basename(deb)}:\n${info}`)
    assert.match(info, /^ Package: pkg-hello$/m)
    assert.match(info, /^ Version: 0\.3\.0~rc\.1-1$/m)
    assert.match(info, /^ Architecture: amd64$/m)
    assert.match(info, /^ Maintainer: Rust Xbuild Tests <tests@rust-xbuild\.invalid>$/m)
    assert.match(info, /^ Depends: libc6 \(>= 2\.\d+\), libgcc-s1, adduser$/m)
    assert.match(info, /^ Section: utils$/m)
    assert.match(info, /^ Description: Greeting service, packaged by rust-xbuild\n {2}pkg-hello greets whoever asks/m)
    assert.match(info, /^ +\d+ bytes, +1 lines +conffiles/m)
    for (const script of ['postinst', 'prerm', 'postrm']) assert.match(info, new RegExp(`^ +\\d+ bytes, +\\d+ lines +\\* +${script} +#!/bin/sh$`, 'm'))
    const contents = sh('dpkg-deb', ['--contents', deb])
    assert.match(contents, /^-rwxr-xr-x root\/root .* \.\/usr\/bin\/pkg-hello$/m)
    assert.match(contents, /^-rwxr-xr-x root\/root .* \.\/usr\/bin\/pkg-hello-ctl$/m)
    assert.match(contents, /^-rw-r--r-- root\/root .* \.\/etc\/pkg-hello\/pkg-hello\.toml$/m)
    assert.match(contents, /^-rw-r--r-- root\/root .* \.\/usr\/lib\/systemd\/system\/pkg-hello\.service$/m)
    assert.match(contents, /^-rw-r--r-- root\/root .* \.\/usr\/share\/pkg-hello\/greetings\.txt$/m)
    assert.match(contents, /^-rw-r--r-- root\/root .* \.\/usr\/share\/doc\/pkg-hello\/copyright$/m)

    // Installed for real by dpkg into a root of its own: the maintainer script runs, the binary runs.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pkg-root-'))
    for (const dir of ['var/lib/dpkg/updates', 'var/lib/dpkg/info', 'var/lib/dpkg/triggers']) fs.mkdirSync(path.join(root, dir), { recursive: true })
    fs.writeFileSync(path.join(root, 'var/lib/dpkg/status'), '')
    const install = attempt('dpkg', [`--root=${root}`, '--force-not-root', '--force-depends', '--force-script-chrootless', '--log=/dev/null', '--install', deb])
    assert.equal(install.status, 0, install.stdout + install.stderr)
    assert.match(sh('dpkg-query', [`--root=${root}`, '-W', '-f=${Package} ${Version} ${Status}', 'pkg-hello']), /^pkg-hello 0\.3\.0~rc\.1-1 install ok installed$/)
    assert.equal(fs.readFileSync(path.join(root, 'var/lib/pkg-hello/state'), 'utf8'), "configured by pkg-hello's postinst\n")
    assert.match(sh(path.join(root, 'usr/bin/pkg-hello'), []).trim(), /^pkg-hello 0\.3\.0-rc\.1 hello from x86_64$/)
    assert.match(fs.readFileSync(path.join(root, 'var/lib/dpkg/info/pkg-hello.conffiles'), 'utf8'), /^\/etc\/pkg-hello\/pkg-hello\.toml$/m)
    const postinst = fs.readFileSync(path.join(root, 'var/lib/dpkg/info/pkg-hello.postinst'), 'utf8')
    assert.match(postinst, /deb-systemd-helper enable pkg-hello\.service/)
    assert.doesNotMatch(postinst, /#DEBHELPER#|deb-systemd-invoke start/)

    const lintian = attempt('lintian', ['--no-tag-display-limit', deb])
    console.log(`lintian ${path.basename(deb)}:\n${lintian.stdout}${lintian.stderr}`)
    assert.doesNotMatch(lintian.stdout, /^E: /m)

    const rpmInfo = sh('rpm', ['-qip', rpm])
    console.log(`rpm -qip ${path.basename(rpm)}:\n${rpmInfo}`)
    assert.match(rpmInfo, /^Name\s+: pkg_hello$/m)
    assert.match(rpmInfo, /^Version\s+: 0\.3\.0~rc\.1$/m)
    assert.match(rpmInfo, /^Release\s+: 1$/m)
    assert.match(rpmInfo, /^Architecture: x86_64$/m)
    assert.match(rpmInfo, /^License\s+: MIT$/m)
    assert.match(rpmInfo, /^URL\s+: https:\/\/rust-xbuild\.invalid\/pkg-hello$/m)
    assert.match(rpmInfo, /^Summary\s+: Greeting service, packaged by rust-xbuild$/m)
    const files = sh('rpm', ['-qlvp', rpm])
    assert.match(files, /^-rwxr-xr-x\s+1 root\s+root .* \/usr\/bin\/pkg-hello$/m)
    assert.match(files, /^-rw-r--r--\s+1 root\s+root .* \/etc\/pkg-hello\/pkg-hello\.toml$/m)
    assert.match(files, /^-rw-r--r--\s+1 root\s+root .* \/usr\/share\/pkg-hello\/greetings\.txt$/m)
    assert.match(sh('rpm', ['-qcp', rpm]), /^\/etc\/pkg-hello\/pkg-hello\.toml$/m)
    assert.match(sh('rpm', ['-qdp', rpm]), /^\/usr\/share\/doc\/pkg-hello\/README\.md$/m)
    const requires = sh('rpm', ['-qRp', rpm])
    assert.match(requires, /^libc\.so\.6\(GLIBC_2\.\d+\)\(64bit\)$/m)
    assert.match(requires, /^shadow-utils$/m)
    assert.match(sh('rpm', ['-qp', '--scripts', rpm]), /postinstall scriptlet \(using \/bin\/sh\):\nmkdir -p \/var\/lib\/pkg-hello/)

    // Listed, summed and described like the archives.
    assert.match(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: run.outputs.dir ?? '' }), /^pkg-hello_0\.3\.0~rc\.1-1_amd64\.deb: OK\npkg_hello-0\.3\.0~rc\.1-1\.x86_64\.rpm: OK$/m)
    const manifest = JSON.parse(fs.readFileSync(staged(run, 'manifest.json'), 'utf8')) as { files: { name: string; kind: string }[] }
    assert.deepEqual(
      manifest.files.filter((file) => file.kind === 'package').map((file) => file.name),
      ['pkg-hello_0.3.0~rc.1-1_amd64.deb', 'pkg_hello-0.3.0~rc.1-1.x86_64.rpm'],
    )
  })

  test('x86_64 gnu again, from another checkout: the same bytes', () => {
    const first = builds.get('x86_64')
    assert.ok(first, 'the first build ran')
    const again = runAction(
      { target: 'x86_64-unknown-linux-gnu', toolchain: 'system', locked: 'true', packages: 'deb, rpm', upload: 'none' },
      { workspace: fixture('pkg-hello'), env: { SOURCE_DATE_EPOCH: EPOCH, PATH: debianPath() } },
    )
    assert.equal(again.code, 0, again.log.slice(-6000))
    for (const name of ['pkg-hello_0.3.0~rc.1-1_amd64.deb', 'pkg_hello-0.3.0~rc.1-1.x86_64.rpm']) {
      assert.equal(sh('sha256sum', [staged(again, name)]).split(' ')[0], sh('sha256sum', [staged(first, name)]).split(' ')[0], name)
    }
  })

  test('aarch64 gnu: arm64 and aarch64 packages whose binary runs under qemu', () => {
    const run = build('aarch64-unknown-linux-gnu')
    builds.set('aarch64', run)
    const deb = staged(run, 'pkg-hello_0.3.0~rc.1-1_arm64.deb')
    assert.match(sh('dpkg-deb', ['--field', deb, 'Architecture', 'Depends']).trim(), /^Architecture: arm64\nDepends: libc6 \(>= 2\.\d+\), libgcc-s1, adduser$/)
    const extracted = fs.mkdtempSync(path.join(os.tmpdir(), 'pkg-arm64-'))
    sh('dpkg-deb', ['-x', deb, extracted])
    assert.match(sh('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', path.join(extracted, 'usr/bin/pkg-hello')]).trim(), /^pkg-hello 0\.3\.0-rc\.1 hello from aarch64$/)
    const rpm = staged(run, 'pkg_hello-0.3.0~rc.1-1.aarch64.rpm')
    assert.match(sh('rpm', ['-qp', '--queryformat', '%{ARCH}', rpm]), /^aarch64$/)
    assert.match(sh('rpm', ['-qRp', rpm]), /^libc\.so\.6\(GLIBC_2\.\d+\)\(64bit\)$/m)
  })

  test('the merge carries the four packages of the two targets to the top of the merged folder', () => {
    const runs = ['x86_64', 'aarch64'].map((key) => builds.get(key))
    assert.ok(runs.every(Boolean), 'the two builds ran')
    // The staging folders, as the matrix's artifacts arrive in one merge job.
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pkg-merge-'))
    for (const run of runs) fs.cpSync(run?.outputs.dir ?? '', path.join(workspace, 'in', path.basename(run?.outputs.dir ?? '')), { recursive: true })
    const merged = runEntry('merge/index.js', { dirs: 'in/*', upload: 'none' }, { workspace, env: { PATH: debianPath(), SOURCE_DATE_EPOCH: EPOCH } })
    assert.equal(merged.code, 0, merged.log.slice(-6000))
    const out = merged.outputs.dir ?? ''
    // Spread into a literal: an array of the test's realm (jest runs tests in a VM context), for deepEqual.
    const names = [...fs.readdirSync(out)].filter((name) => /\.(deb|rpm)$/.test(name)).sort()
    assert.deepEqual(names, ['pkg-hello_0.3.0~rc.1-1_amd64.deb', 'pkg-hello_0.3.0~rc.1-1_arm64.deb', 'pkg_hello-0.3.0~rc.1-1.aarch64.rpm', 'pkg_hello-0.3.0~rc.1-1.x86_64.rpm'])
    assert.match(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out }), /pkg-hello_0\.3\.0~rc\.1-1_arm64\.deb: OK/)
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { files: { name: string; kind: string; target: string }[] }
    assert.deepEqual(
      manifest.files
        .filter((file) => file.kind === 'package')
        .map((file) => `${file.target} ${file.name}`)
        .sort(),
      [
        'aarch64-unknown-linux-gnu pkg-hello_0.3.0~rc.1-1_arm64.deb',
        'aarch64-unknown-linux-gnu pkg_hello-0.3.0~rc.1-1.aarch64.rpm',
        'x86_64-unknown-linux-gnu pkg-hello_0.3.0~rc.1-1_amd64.deb',
        'x86_64-unknown-linux-gnu pkg_hello-0.3.0~rc.1-1.x86_64.rpm',
      ],
    )
  })
})
