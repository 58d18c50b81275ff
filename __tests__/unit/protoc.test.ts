import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { normalizeProtocVersion, parseProtocVersion, protocArchive, protocSatisfies } from '../../src/protoc.js'

describe('protoc versions across the 3.20 renumbering', () => {
  const parse: [string, string | undefined][] = [
    ['libprotoc 3.21.12\n', '21.12'],
    ['libprotoc 25.1\n', '25.1'],
    ['libprotoc 3.6.1', '6.1'],
    ['protoc: command not found', undefined],
  ]
  for (const [output, expected] of parse) test(`parse ${JSON.stringify(output)}`, () => assert.equal(parseProtocVersion(output), expected))

  const satisfies: [string, string, boolean][] = [
    ['21.12', 'any', true],
    ['21.12', '3.21', true],
    ['21.12', '21.0', true],
    ['21.12', '22.0', false],
    ['25.1', '3.21.12', true],
    ['6.1', '3.20', false],
    ['25.1', '25.1', true],
    ['25.1', '25.2', false],
  ]
  for (const [found, wanted, expected] of satisfies) test(`${found} meets ${wanted}: ${expected}`, () => assert.equal(protocSatisfies(found, wanted), expected))
  test('normalize', () => assert.equal(normalizeProtocVersion('3.21'), '21.0'))
})

describe('pinned release', () => {
  test('linux x64 and arm64, macOS; none for windows', () => {
    assert.deepEqual(protocArchive('linux', 'x64'), {
      url: 'https://github.com/protocolbuffers/protobuf/releases/download/v25.1/protoc-25.1-linux-x86_64.zip',
      sha256: 'ed8fca87a11c888fed329d6a59c34c7d436165f662a2c875246ddb1ac2b6dd50',
    })
    assert.match(protocArchive('linux', 'arm64')?.url ?? '', /protoc-25\.1-linux-aarch_64\.zip$/)
    assert.match(protocArchive('darwin', 'arm64')?.url ?? '', /protoc-25\.1-osx-aarch_64\.zip$/)
    assert.equal(protocArchive('win32', 'x64'), undefined)
  })
})
