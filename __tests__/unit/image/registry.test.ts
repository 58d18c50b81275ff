import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { parsePlatform } from '../../../src/image/layout.js'
import { parsePushReference, parseReference } from '../../../src/image/reference.js'
import { authFileJson, checkLayoutPath, inspectRawArgs, manifestForPlatform, parseCopyOutput, pullArgs, pushArgs } from '../../../src/image/registry.js'

const common = { retryTimes: 3, commandTimeout: '15m' }

describe('skopeo command lines', () => {
  const remote = parsePushReference('ghcr.io/o/app:1', 'image')
  const local = parsePushReference('127.0.0.1:5000/app:1', 'image')
  test('push: every platform, digests kept, credentials only through the auth file', () =>
    assert.deepEqual(pushArgs('/l', remote, { ...common, authFile: '/t/auth.json', digestFile: '/t/d' }), [
      '--command-timeout',
      '15m',
      '--debug',
      'copy',
      '--all',
      '--preserve-digests',
      '--retry-times',
      '3',
      '--digestfile',
      '/t/d',
      '--dest-authfile',
      '/t/auth.json',
      'oci:/l',
      'docker://ghcr.io/o/app:1',
    ]))
  test('TLS checks off only for loopback registries', () => {
    assert.ok(pushArgs('/l', local, { ...common, digestFile: '/t/d' }).includes('--dest-tls-verify=false'))
    assert.ok(!pushArgs('/l', remote, { ...common, digestFile: '/t/d' }).some((a) => a.includes('tls-verify')))
    assert.ok(!inspectRawArgs(remote, common).some((a) => a.includes('tls-verify')))
    assert.ok(inspectRawArgs(local, common).includes('--tls-verify=false'))
    assert.ok(pullArgs(local, '/b', common).includes('--src-tls-verify=false'))
    assert.ok(!pullArgs(remote, '/b', common).some((a) => a.includes('tls-verify')))
  })
  test('the auth file', () => {
    assert.deepEqual(JSON.parse(authFileJson('ghcr.io', { username: 'u', password: 'p:w' })), { auths: { 'ghcr.io': { auth: Buffer.from('u:p:w').toString('base64') } } })
    assert.throws(() => authFileJson('ghcr.io', { username: 'a:b', password: 'p' }), /contains ':'/)
  })
  test('a layout path with a colon is refused (oci:<path>:<ref>)', () => {
    assert.throws(() => checkLayoutPath('/tmp/a:b'), /contains ':'/)
    assert.doesNotThrow(() => checkLayoutPath('/tmp/a-b'))
  })
})

describe('a platform of a base image', () => {
  const ref = parseReference('alpine:3.20', 'image-base')
  const index = Buffer.from(
    JSON.stringify({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { digest: 'sha256:1', platform: { os: 'linux', architecture: 'amd64' } },
        { digest: 'sha256:2', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { digest: 'sha256:3', platform: { os: 'unknown', architecture: 'unknown' } },
      ],
    }),
  )
  test('picked from the index (arm64/v8 is arm64)', () => assert.equal(manifestForPlatform(index, parsePlatform('linux/arm64'), ref), 'sha256:2'))
  test('a missing platform lists those present', () =>
    assert.throws(() => manifestForPlatform(index, parsePlatform('linux/arm/v7'), ref), /docker.io\/library\/alpine:3.20 has no linux\/arm\/v7 variant; it has linux\/amd64, linux\/arm64\/v8\.$/))
  test('a single manifest: no choice to make', () =>
    assert.equal(manifestForPlatform(Buffer.from('{"mediaType":"application/vnd.oci.image.manifest.v1+json"}'), parsePlatform('linux/arm64'), ref), undefined))
})

describe("skopeo's report of a push", () => {
  const d = (c: string) => `sha256:${c.repeat(64)}`
  test('skipped layers and configs, upload sessions', () =>
    assert.deepEqual(
      parseCopyOutput(
        [
          `Copying blob ${d('a')}`,
          `Copying blob ${d('b')}`,
          `Copying config ${d('c')}`,
          `time="x" level=debug msg="Skipping blob ${d('a')} (already present):"`,
          `time="x" level=debug msg="Uploading /v2/app/blobs/uploads/"`,
          `time="x" level=debug msg="Checking /v2/app/blobs/${d('c')}"`,
          `time="x" level=debug msg="... already exists"`,
        ].join('\n'),
      ),
      { uploaded: [d('b')], skipped: [d('a'), d('c')], uploadSessions: 1 },
    ))
  test('nothing copied', () => assert.deepEqual(parseCopyOutput('Writing manifest list to image destination\n'), { uploaded: [], skipped: [], uploadSessions: 0 }))
})
