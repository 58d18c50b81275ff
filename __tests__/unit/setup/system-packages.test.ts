import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { hostPkgConfigEnv, needsPorts, osReleaseId, planSystemPackages, rewriteDeb822, rewriteSourcesList } from '../../../src/setup/system-packages.js'
import { targetFacts, type Host } from '../../../src/common/target.js'

const x64: Host = { triple: 'x86_64-unknown-linux-gnu', family: 'x86_64', os: 'linux' }

describe('system-packages plan', () => {
  test('multiarch names and pkg-config for the target (cargo env only)', () => {
    const plan = planSystemPackages(['libzstd-dev', 'libssl-dev', 'zlib1g-dev:arm64'], targetFacts('aarch64-unknown-linux-gnu'), x64)
    assert.deepEqual(plan, {
      arch: 'arm64',
      packages: ['libzstd-dev:arm64', 'libssl-dev:arm64', 'zlib1g-dev:arm64'],
      env: { PKG_CONFIG_ALLOW_CROSS: '1', PKG_CONFIG_LIBDIR: '/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig' },
      linkFlags: [],
      warnings: [],
    })
  })
  test('armv7 uses armhf and the gnueabihf directory', () => {
    const plan = planSystemPackages(['libssl-dev'], targetFacts('armv7-unknown-linux-gnueabihf'), x64)
    assert.deepEqual(plan?.packages, ['libssl-dev:armhf'])
    assert.equal(plan?.env.PKG_CONFIG_LIBDIR, '/usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig')
  })
  test("host build scripts keep the host's pkg-config path", () => {
    const pcPath = '/usr/local/lib/x86_64-linux-gnu/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig\n'
    assert.deepEqual(hostPkgConfigEnv({ PKG_CONFIG_LIBDIR: '/usr/lib/aarch64-linux-gnu/pkgconfig' }, pcPath), { HOST_PKG_CONFIG_LIBDIR: pcPath.trim() })
    assert.deepEqual(hostPkgConfigEnv({}, pcPath), {})
    assert.deepEqual(hostPkgConfigEnv({ PKG_CONFIG_LIBDIR: 'x' }, ''), {})
  })
  test('zig gets the multiarch library directory', () => {
    assert.deepEqual(planSystemPackages(['libzstd-dev'], targetFacts('aarch64-unknown-linux-gnu'), x64, 'zig')?.linkFlags, ['-Lnative=/usr/lib/aarch64-linux-gnu'])
  })
  test('the host target needs no pkg-config settings', () => {
    assert.deepEqual(planSystemPackages(['libssl-dev'], targetFacts('x86_64-unknown-linux-gnu'), x64)?.env, {})
  })
  test('musl: installed, with a warning about glibc-built libraries', () => {
    assert.match(planSystemPackages(['libzstd-dev'], targetFacts('aarch64-unknown-linux-musl'), x64)?.warnings[0] ?? '', /built against glibc/)
  })
  test('none: no plan; a non-Linux target: an input error', () => {
    assert.equal(planSystemPackages([], targetFacts('aarch64-unknown-linux-gnu'), x64), undefined)
    assert.throws(
      () => planSystemPackages(['libssl-dev'], targetFacts('x86_64-pc-windows-gnu'), x64),
      /Input 'system-packages' has the value 'libssl-dev': installs Debian\/Ubuntu packages for a Linux target/,
    )
  })
})

describe('Ubuntu ports mirror', () => {
  const table: [string, string, string, boolean][] = [
    ['ubuntu', 'amd64', 'arm64', true],
    ['ubuntu', 'amd64', 'i386', false],
    ['ubuntu', 'arm64', 'armhf', false],
    ['debian', 'amd64', 'arm64', false],
  ]
  for (const [id, host, arch, expected] of table) test(`${id} ${host} → ${arch}: ${expected}`, () => assert.equal(needsPorts(id, host, arch), expected))
  test('os-release ID', () => {
    assert.equal(osReleaseId('PRETTY_NAME="Ubuntu 24.04 LTS"\nNAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'), 'ubuntu')
    assert.equal(osReleaseId('ID="debian"\n'), 'debian')
  })

  const noble = `Types: deb
URIs: http://azure.archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://azure.archive.ubuntu.com/ubuntu/
Suites: noble-security
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
`
  test('deb822 (ubuntu.sources): main stanzas restricted, one ports stanza with their suites', () => {
    const result = rewriteDeb822(noble, 'arm64')
    assert.equal((result.text ?? '').match(/^Architectures: amd64 i386$/gm)?.length, 2)
    assert.ok(result.text?.startsWith('Types: deb\nURIs: http://azure.archive.ubuntu.com/ubuntu/\nSuites: noble noble-updates noble-backports\n'))
    assert.equal(
      result.ports,
      'Types: deb\nURIs: http://ports.ubuntu.com/ubuntu-ports/\nSuites: noble noble-updates noble-backports noble-security\nComponents: main universe restricted multiverse\nArchitectures: arm64\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n',
    )
    // idempotent: a second run changes nothing
    assert.equal(rewriteDeb822(result.text ?? '', 'arm64').text, undefined)
  })

  const jammy = `# See http://help.ubuntu.com/community/UpgradeNotes
deb http://azure.archive.ubuntu.com/ubuntu/ jammy main restricted
deb-src http://azure.archive.ubuntu.com/ubuntu/ jammy main restricted
deb [signed-by=/etc/apt/keyrings/x.gpg] http://azure.archive.ubuntu.com/ubuntu/ jammy-updates main restricted universe
deb http://security.ubuntu.com/ubuntu jammy-security main restricted
# deb http://archive.canonical.com/ubuntu jammy partner
`
  test('sources.list: deb lines get arch=amd64,i386, ports lines per suite', () => {
    const result = rewriteSourcesList(jammy, 'armhf')
    assert.equal(
      result.text,
      `# See http://help.ubuntu.com/community/UpgradeNotes
deb [arch=amd64,i386] http://azure.archive.ubuntu.com/ubuntu/ jammy main restricted
deb-src http://azure.archive.ubuntu.com/ubuntu/ jammy main restricted
deb [arch=amd64,i386 signed-by=/etc/apt/keyrings/x.gpg] http://azure.archive.ubuntu.com/ubuntu/ jammy-updates main restricted universe
deb [arch=amd64,i386] http://security.ubuntu.com/ubuntu jammy-security main restricted
# deb http://archive.canonical.com/ubuntu jammy partner
`,
    )
    assert.equal(
      result.ports,
      'deb [arch=armhf] http://ports.ubuntu.com/ubuntu-ports/ jammy main restricted\ndeb [arch=armhf] http://ports.ubuntu.com/ubuntu-ports/ jammy-updates main restricted universe\ndeb [arch=armhf] http://ports.ubuntu.com/ubuntu-ports/ jammy-security main restricted\n',
    )
    assert.equal(rewriteSourcesList(result.text ?? '', 'armhf').text, undefined)
  })
})
