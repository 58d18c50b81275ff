import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { protocArchive, zigArchive } from '../../../src/setup/pinned.js'

describe('pinned releases', () => {
  test('pinned zig archives per runner platform', () => {
    assert.equal(zigArchive('linux', 'x64')?.url, 'https://ziglang.org/download/0.13.0/zig-linux-x86_64-0.13.0.tar.xz')
    assert.match(zigArchive('linux', 'arm64')?.sha256 ?? '', /^[0-9a-f]{64}$/)
    assert.match(zigArchive('win32', 'x64')?.url ?? '', /\.zip$/)
    assert.equal(zigArchive('linux', 'riscv64'), undefined)
  })
  test('protoc: linux x64 and arm64, macOS; none for windows', () => {
    assert.deepEqual(protocArchive('linux', 'x64'), {
      url: 'https://github.com/protocolbuffers/protobuf/releases/download/v25.1/protoc-25.1-linux-x86_64.zip',
      sha256: 'ed8fca87a11c888fed329d6a59c34c7d436165f662a2c875246ddb1ac2b6dd50',
    })
    assert.match(protocArchive('linux', 'arm64')?.url ?? '', /protoc-25\.1-linux-aarch_64\.zip$/)
    assert.match(protocArchive('darwin', 'arm64')?.url ?? '', /protoc-25\.1-osx-aarch_64\.zip$/)
    assert.equal(protocArchive('win32', 'x64'), undefined)
  })
})
