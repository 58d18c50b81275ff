import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { protocArchive, toolCacheVersion, zigArchive } from '../../../src/setup/pinned.js'

describe('pinned releases', () => {
  // ziglang.org/download/index.json, 0.13.0: `tarball` and `shasum` of each platform.
  const zigTable: [NodeJS.Platform, string, string, string][] = [
    ['linux', 'x64', 'zig-linux-x86_64-0.13.0.tar.xz', 'd45312e61ebcc48032b77bc4cf7fd6915c11fa16e4aad116b66c9468211230ea'],
    ['linux', 'arm64', 'zig-linux-aarch64-0.13.0.tar.xz', '041ac42323837eb5624068acd8b00cd5777dac4cf91179e8dad7a7e90dd0c556'],
    ['darwin', 'x64', 'zig-macos-x86_64-0.13.0.tar.xz', '8b06ed1091b2269b700b3b07f8e3be3b833000841bae5aa6a09b1a8b4773effd'],
    ['darwin', 'arm64', 'zig-macos-aarch64-0.13.0.tar.xz', '46fae219656545dfaf4dce12fb4e8685cec5b51d721beee9389ab4194d43394c'],
    ['win32', 'x64', 'zig-windows-x86_64-0.13.0.zip', 'd859994725ef9402381e557c60bb57497215682e355204d754ee3df75ee3c158'],
    ['win32', 'arm64', 'zig-windows-aarch64-0.13.0.zip', '95ff88427af7ba2b4f312f45d2377ce7a033e5e3c620c8caaa396a9aba20efda'],
  ]
  test.each(zigTable)('zig on %s/%s: %s', (platform, arch, file, sha256) => {
    assert.deepEqual(zigArchive(platform, arch), { name: file.replace(/\.(tar\.xz|zip)$/, ''), url: `https://ziglang.org/download/0.13.0/${file}`, sha256 })
  })
  test('no zig pinned for a runner ziglang.org has no 0.13.0 archive for', () => assert.equal(zigArchive('linux', 'riscv64'), undefined))
  test('protoc: linux x64 and arm64, macOS; none for windows', () => {
    assert.deepEqual(protocArchive('linux', 'x64'), {
      url: 'https://github.com/protocolbuffers/protobuf/releases/download/v25.1/protoc-25.1-linux-x86_64.zip',
      sha256: 'ed8fca87a11c888fed329d6a59c34c7d436165f662a2c875246ddb1ac2b6dd50',
    })
    assert.match(protocArchive('linux', 'arm64')?.url ?? '', /protoc-25\.1-linux-aarch_64\.zip$/)
    assert.match(protocArchive('darwin', 'arm64')?.url ?? '', /protoc-25\.1-osx-aarch_64\.zip$/)
    assert.equal(protocArchive('win32', 'x64'), undefined)
  })
  test.each([
    ['25.1', '25.1.0'],
    ['0.13.0', '0.13.0'],
    ['3', '3.0.0'],
  ])('tool cache version of %s: %s', (version, expected) => assert.equal(toolCacheVersion(version), expected))
})
