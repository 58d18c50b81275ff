import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { InputError } from '../../../src/errors.js'
import type { CrateInfo } from '../../../src/inputs/package-metadata.js'
import { debSpec, rpmSpec } from '../../../src/inputs/package-specs.js'
import type { UnitFile } from '../../../src/inputs/package-files.js'
import { changelogDate, descriptionLines, maintainerScripts, renderConffiles, renderControl, renderMd5sums, resolveDepends, systemdFragments } from '../../../src/package/linux/deb-control.js'
import { renderRpmSpec, rpmbuildArgs } from '../../../src/package/linux/rpm.js'
import { dpkgDebArgs } from '../../../src/package/linux/deb.js'

const crate = (extra: Partial<CrateInfo> = {}): CrateInfo => ({
  id: 'path+file:///p#my_tool@1.2.3-rc.1',
  name: 'my_tool',
  version: '1.2.3-rc.1',
  authors: ['Ann <ann@example.org>', 'Bo'],
  license: 'MIT OR Apache-2.0',
  description: 'Does things',
  homepage: 'https://example.org',
  dir: '/p',
  bins: ['my-tool', 'helper'],
  ...extra,
})

const refuses = (key: RegExp, message: RegExp) => (error: unknown) => error instanceof InputError && key.test(error.input) && message.test(error.message)

describe('cargo-deb metadata → the deb', () => {
  test('defaults from Cargo.toml alone', () => {
    const spec = debSpec(crate({ readme: 'README.md' }))
    assert.equal(spec.name, 'my-tool')
    assert.equal(spec.version, '1.2.3~rc.1-1')
    assert.equal(spec.maintainer, 'Ann <ann@example.org>')
    assert.equal(spec.copyright, 'Ann <ann@example.org>, Bo')
    assert.equal(spec.priority, 'optional')
    assert.equal(spec.depends, '$auto')
    assert.deepEqual(spec.extendedDescription, { file: 'README.md' })
    assert.deepEqual(
      spec.assets.map((asset) => [asset.built ?? asset.source, asset.dest, asset.mode?.toString(8)]),
      [
        ['my-tool', '/usr/bin/my-tool', '755'],
        ['helper', '/usr/bin/helper', '755'],
        ['README.md', '/usr/share/doc/my-tool/README.md', '644'],
      ],
    )
  })
  test('the table: names, relations, assets in both forms, conf-files, units', () => {
    const spec = debSpec(
      crate({
        deb: {
          name: 'mytool',
          revision: '3',
          depends: ['$auto', 'ca-certificates'],
          recommends: 'curl',
          section: 'net',
          assets: [['target/release/my-tool', 'usr/bin/', '755'], { source: 'conf/a.toml', dest: '/etc/mytool/a.toml', mode: '0640' }, ['assets/*', 'usr/share/mytool/']],
          'conf-files': ['etc/mytool/a.toml'],
          'maintainer-scripts': 'debian/',
          'systemd-units': [{ 'unit-name': 'worker', start: false }],
          features: ['x'],
        },
      }),
    )
    assert.equal(spec.name, 'mytool')
    assert.equal(spec.version, '1.2.3~rc.1-3')
    assert.equal(spec.depends, '$auto, ca-certificates')
    assert.deepEqual(spec.relations, [['Recommends', 'curl']])
    assert.deepEqual(
      spec.assets.map((asset) => [asset.built ?? asset.source, asset.dest, asset.mode?.toString(8)]),
      [
        ['my-tool', '/usr/bin/', '755'],
        ['conf/a.toml', '/etc/mytool/a.toml', '640'],
        ['assets/*', '/usr/share/mytool/', undefined],
      ],
    )
    assert.deepEqual(spec.confFiles, ['/etc/mytool/a.toml'])
    assert.deepEqual(spec.systemdUnits, [{ unitName: 'worker', enable: true, start: false, restartAfterUpgrade: true, stopOnUpgrade: true }])
    assert.match(spec.notes.join('\n'), /package\.metadata\.deb\.features is not applied/)
  })
  test.each([
    ['an asset outside the project', { assets: [['../secret', 'usr/share/x', '644']] }, /assets\[0\]\.source/, /outside the project/],
    ['an absolute source', { assets: [['/etc/passwd', 'usr/share/x', '644']] }, /assets\[0\]\.source/, /files outside the project are refused/],
    ['a bad mode', { assets: [['README.md', 'usr/share/x', '999']] }, /assets\[0\]\.mode/, /octal mode/],
    ['a dest that climbs', { assets: [['README.md', 'usr/../../etc/x', '644']] }, /assets\[0\]\.dest/, /\.\. segments/],
    ['a built file that is no binary', { assets: [['target/release/libfoo.so', 'usr/lib/', '644']] }, /assets\[0\]\.source/, /only the crate's binaries/],
    ['an unknown key', { sektion: 'utils' }, /package\.metadata\.deb\.sektion/, /not a key cargo-deb knows/],
    ['systemd-units without maintainer-scripts', { 'systemd-units': { enable: true } }, /systemd-units/, /needs maintainer-scripts/],
    ['a bad name', { name: 'My Tool' }, /\.name/, /lower case/],
    ['a bad priority', { priority: 'urgent' }, /\.priority/, /required, important/],
  ])('refused: %s', (_name, deb, key, message) => assert.throws(() => debSpec(crate({ deb })), refuses(key, message)))
  test('no maintainer and no authors', () => assert.throws(() => debSpec(crate({ authors: [] })), refuses(/maintainer/, /needs a maintainer/)))
})

describe('cargo-generate-rpm metadata → the rpm', () => {
  test('defaults: the binaries to /usr/bin, /bin/sh required', () => {
    const spec = rpmSpec(crate())
    assert.equal(spec.name, 'my_tool')
    assert.equal(spec.version, '1.2.3~rc.1')
    assert.equal(spec.release, '1')
    assert.equal(spec.summary, 'Does things')
    assert.equal(spec.url, 'https://example.org')
    assert.deepEqual(spec.relations, [['Requires', '/bin/sh']])
    assert.deepEqual(
      spec.assets.map((asset) => [asset.built, asset.dest]),
      [
        ['my-tool', '/usr/bin/my-tool'],
        ['helper', '/usr/bin/helper'],
      ],
    )
  })
  test('the table: release, epoch, config and doc assets, requires with versions, scripts', () => {
    const spec = rpmSpec(
      crate({
        rpm: {
          release: 2,
          epoch: 1,
          'require-sh': false,
          'auto-req': 'no',
          assets: [
            { source: 'conf/a.toml', dest: '/etc/a.toml', mode: '640', config: 'noreplace', user: 'root', group: 'adm' },
            { source: 'README.md', dest: '/usr/share/doc/x/', doc: true },
          ],
          requires: { filesystem: '>= 3, < 4', alternative: '*' },
          post_install_script: 'echo 100%',
        },
      }),
    )
    assert.equal(spec.release, '2')
    assert.equal(spec.epoch, 1)
    assert.equal(spec.autoReq, false)
    assert.deepEqual(spec.relations, [
      ['Requires', 'filesystem >= 3'],
      ['Requires', 'filesystem < 4'],
      ['Requires', 'alternative'],
    ])
    assert.deepEqual(spec.scripts, [['post', 'echo 100%']])
    assert.deepEqual(spec.assets[0], { key: 'package.metadata.generate-rpm.assets[0]', source: 'conf/a.toml', dest: '/etc/a.toml', mode: 0o640, config: 'noreplace', user: 'root', group: 'adm' })
  })
  test.each([
    ['no license', { license: undefined }, {}, /package\.license/, /needs a license/],
    ['no summary', { description: undefined }, {}, /package\.description/, /one-line summary/],
    ['an asset without dest', {}, { assets: [{ source: 'README.md' }] }, /assets\[0\]\.dest/, /dest of the asset is undefined/],
    ['a bad config', {}, { assets: [{ source: 'a', dest: '/a', config: 'missingok' }] }, /assets\[0\]\.config/, /"noreplace"/],
    ['a version constraint without operator', {}, { requires: { glibc: '2.17' } }, /requires\.glibc/, /comparisons/],
    ['a hyphen in the version', {}, { version: '1.0-1' }, /\.version/, /no -/],
  ])('refused: %s', (_name, fields, rpm, key, message) => assert.throws(() => rpmSpec(crate({ ...fields, rpm })), refuses(key, message)))
})

const unit = (name: string, rule: Partial<UnitFile['rule']> = {}, installable = true): UnitFile => ({
  dest: `/usr/lib/systemd/system/${name}`,
  source: `/p/debian/${name}`,
  mode: 0o644,
  unit: name,
  installable,
  rule: { enable: true, start: true, restartAfterUpgrade: true, stopOnUpgrade: true, ...rule },
})

describe('deb control members', () => {
  test('control: cargo-deb field order, continuation lines', () => {
    const spec = debSpec(crate({ deb: { section: 'utils', depends: '$auto, adduser', provides: 'tool' } }))
    const control = renderControl(spec, { arch: 'arm64', depends: resolveDepends(spec.depends, ['libc6 (>= 2.17)']), installedSize: 12, extendedDescription: 'First paragraph.\n\nSecond.\n' })
    assert.equal(
      control,
      [
        'Package: my-tool',
        'Version: 1.2.3~rc.1-1',
        'Architecture: arm64',
        'Homepage: https://example.org',
        'Section: utils',
        'Priority: optional',
        'Maintainer: Ann <ann@example.org>',
        'Installed-Size: 12',
        'Depends: libc6 (>= 2.17), adduser',
        'Provides: tool',
        'Description: Does things',
        ' First paragraph.',
        ' .',
        ' Second.',
        '',
      ].join('\n'),
    )
  })
  test.each([
    ['$auto', ['libc6 (>= 2.34)', 'libgcc-s1'], 'libc6 (>= 2.34), libgcc-s1'],
    ['$auto', [], ''],
    ['adduser, $auto', ['libc6'], 'adduser, libc6'],
    ['libc6, $auto', ['libc6'], 'libc6'],
  ])('depends %j with %j → %j', (written, auto, expected) => assert.equal(resolveDepends(written, auto), expected))
  test('descriptions keep indented lines and mark blank ones', () => assert.deepEqual(descriptionLines('\nText\n\n  code\tx\n'), [' Text', ' .', '   code    x']))
  test('conffiles: the listed ones and everything under /etc', () => {
    const spec = debSpec(crate({ deb: { 'conf-files': ['/opt/x.conf'] } }))
    assert.equal(renderConffiles(spec, ['/usr/bin/x', '/etc/x/a.conf', '/opt/x.conf']), '/opt/x.conf\n/etc/x/a.conf\n')
  })
  test('md5sums without the leading slash, sorted', () => {
    assert.equal(
      renderMd5sums([
        { dest: '/usr/bin/b', md5: 'bb' },
        { dest: '/etc/a', md5: 'aa' },
      ]),
      'aa  etc/a\nbb  usr/bin/b\n',
    )
  })
  test('changelog dates are RFC 2822 in UTC', () => assert.equal(changelogDate(1767225600), 'Thu, 01 Jan 2026 00:00:00 +0000'))
  test('systemd: enabled, started on install, restarted after upgrade, stopped on removal', () => {
    const scripts = systemdFragments([unit('app.service')])
    assert.match(scripts.postinst ?? '', /deb-systemd-helper unmask app\.service/)
    assert.match(scripts.postinst ?? '', /if deb-systemd-helper --quiet was-enabled app\.service; then\n\t\tdeb-systemd-helper enable app\.service/)
    assert.match(scripts.postinst ?? '', /deb-systemd-invoke restart app\.service[^\n]*\n\t\telse\n\t\t\tdeb-systemd-invoke start app\.service/)
    assert.match(scripts.prerm ?? '', /\[ "\$1" = remove \]; then\n\tdeb-systemd-invoke stop app\.service/)
    assert.match(scripts.postrm ?? '', /deb-systemd-helper purge app\.service/)
  })
  test('systemd: enable false, start false, no restart: enabled only if it was, never started, stopped before upgrades', () => {
    const scripts = systemdFragments([unit('app.service', { enable: false, start: false, restartAfterUpgrade: false })])
    assert.match(scripts.postinst ?? '', /if deb-systemd-helper debian-installed app\.service/)
    assert.doesNotMatch(scripts.postinst ?? '', /deb-systemd-invoke/)
    assert.doesNotMatch(scripts.prerm ?? '', /deb-systemd-invoke/)
  })
  test('systemd: templates and units without [Install] are not enabled', () => {
    const scripts = systemdFragments([unit('app@.service'), unit('oneshot.service', {}, false)])
    assert.doesNotMatch(scripts.postinst ?? '', /enable/)
    assert.doesNotMatch(scripts.postinst ?? '', /app@/)
    assert.match(scripts.postinst ?? '', /deb-systemd-invoke restart oneshot\.service/)
  })
  test('maintainer scripts: #DEBHELPER# replaced; generated ones get a shell header', () => {
    const scripts = maintainerScripts({ postinst: '#!/bin/sh\nset -e\necho mine\n#DEBHELPER#\nexit 0\n', preinst: '#!/bin/sh\n#DEBHELPER#\n' }, { postinst: 'echo generated\n', prerm: 'echo stop\n' })
    assert.equal(scripts.postinst, '#!/bin/sh\nset -e\necho mine\necho generated\nexit 0\n')
    assert.equal(scripts.preinst, '#!/bin/sh\n\n')
    assert.equal(scripts.prerm, '#!/bin/sh\nset -e\necho stop\n')
  })
  test('dpkg-deb: root owner, gzip 9', () => assert.deepEqual(dpkgDebArgs('/t/root', '/s/x.deb'), ['--root-owner-group', '-Zgzip', '-z9', '--build', '/t/root', '/s/x.deb']))
})

describe('rpm spec', () => {
  test('tags, escaped macros, scriptlets, files with owners, modes, config and doc', () => {
    const spec = rpmSpec(crate({ rpm: { summary: '100% tested', requires: { glibc: '>= 2.17' }, post_install_script: 'echo %post' } }))
    const text = renderRpmSpec(spec, {
      files: [
        { dest: '/usr/bin/my-tool', source: '/s/my-tool', mode: 0o755 },
        { dest: '/etc/my tool.conf', source: '/p/c', mode: 0o640, config: 'noreplace', group: 'adm' },
        { dest: '/usr/share/doc/my_tool/README', source: '/p/README', mode: 0o644, doc: true },
      ],
      units: [],
      scripts: { post: 'echo %post\n' },
    })
    assert.equal(
      text,
      [
        'Name: my_tool',
        'Version: 1.2.3~rc.1',
        'Release: 1',
        'Summary: 100%% tested',
        'License: MIT OR Apache-2.0',
        'URL: https://example.org',
        'Requires: /bin/sh',
        'Requires: glibc >= 2.17',
        '',
        '%description',
        'Does things',
        '',
        '%post',
        'echo %%post',
        '',
        '%files',
        '%config(noreplace) %attr(0640,root,adm) "/etc/my tool.conf"',
        '%attr(0755,root,root) "/usr/bin/my-tool"',
        '%doc %attr(0644,root,root) "/usr/share/doc/my_tool/README"',
        '',
      ].join('\n'),
    )
  })
  test('rpmbuild: binary only, the target arch, reproducible macros', () => {
    const args = rpmbuildArgs({ spec: '/t/x.spec', root: '/t/root', arch: 'armv7hl', topDir: '/t/top', outputDir: '/s' })
    assert.deepEqual(args.slice(0, 6), ['-bb', '--quiet', '--target', 'armv7hl-linux', '--buildroot', '/t/root'])
    for (const define of ['_buildhost reproducible', 'use_source_date_epoch_as_buildtime 1', 'clamp_mtime_to_source_date_epoch 1', '_binary_payload w9.gzdio', '_rpmdir /s'])
      assert.ok(args.includes(define), define)
    assert.equal(args.at(-1), '/t/x.spec')
  })
})
