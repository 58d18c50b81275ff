import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { createLayer } from '../../../src/image/layer.js'
import { assembleImage, createdTimestamp, imageConfig, openContainersLabels, parsePlatform, platformString, samePlatform, type BaseImage } from '../../../src/image/layout.js'

const CREATED = '2024-05-01T12:00:00.000Z'
const file = { name: 'app', data: Buffer.from('binary') }

describe('platforms', () => {
  const cases: [string, string][] = [
    ['linux/arm/v7', 'linux/arm/v7'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/amd64', 'linux/amd64'],
    ['Linux/ARM/v6', 'linux/arm/v6'],
  ]
  for (const [text, normal] of cases) test(`${text} → ${normal}`, () => assert.equal(platformString(parsePlatform(text)), normal))
  test('arm64 and arm64/v8 are one platform; arm/v6 and arm/v7 are not', () => {
    assert.ok(samePlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'linux', architecture: 'arm64' }))
    assert.ok(!samePlatform({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm', variant: 'v7' }))
  })
  test('not os/architecture', () => assert.throws(() => parsePlatform('amd64'), /os\/architecture/))
})

describe('labels and time', () => {
  test('SOURCE_DATE_EPOCH wins; otherwise whole seconds of the given time', () => {
    assert.equal(createdTimestamp(1700000000, new Date()), '2023-11-14T22:13:20.000Z')
    assert.equal(createdTimestamp(undefined, new Date('2024-01-01T00:00:00.750Z')), '2024-01-01T00:00:00.000Z')
  })
  test('org.opencontainers.image.* for the known facts only', () =>
    assert.deepEqual(openContainersLabels({ source: 'https://github.com/o/r', revision: 'abc', version: '', created: CREATED }), {
      'org.opencontainers.image.created': CREATED,
      'org.opencontainers.image.revision': 'abc',
      'org.opencontainers.image.source': 'https://github.com/o/r',
    }))
})

describe('layers', () => {
  test('the same files in any order give the same bytes; gzip has no name and no mtime', async () => {
    const files = [
      { name: 'b', data: Buffer.from('bbb') },
      { name: 'a', data: Buffer.from('aaa'), mode: 0o100755 },
    ]
    const one = await createLayer(files, CREATED)
    const two = await createLayer([...files].reverse(), CREATED)
    assert.deepEqual(one.blob, two.blob)
    // ID1 ID2 CM FLG MTIME(4): FLG 0 (no FNAME), MTIME 0.
    assert.deepEqual(Array.from(one.blob.subarray(0, 8)), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0])
    const tarBytes = zlib.gunzipSync(one.blob)
    const names = [0, 512, 1024, 1536, 2560].map((offset) =>
      tarBytes
        .subarray(offset, offset + 100)
        .toString()
        .replace(/\0.*$/s, ''),
    )
    assert.deepEqual(names, ['usr/', 'usr/local/', 'usr/local/bin/', 'usr/local/bin/a', 'usr/local/bin/b'])
    // uid and gid (octal fields at 108 and 116) are 0 for every entry.
    assert.equal(parseInt(tarBytes.subarray(1536 + 108, 1536 + 116).toString(), 8), 0)
    assert.equal(parseInt(tarBytes.subarray(1536 + 116, 1536 + 124).toString(), 8), 0)
    assert.notEqual((await createLayer(files, '2024-05-01T12:00:01Z')).diffId, one.diffId)
  })
  test('a name that is not a plain file name, or twice', async () => {
    await assert.rejects(createLayer([{ name: '../x', data: Buffer.alloc(1) }], CREATED), /plain file name/)
    await assert.rejects(createLayer([file, file], CREATED), /given twice/)
  })
})

describe('config over a base', () => {
  test('Env and User kept, Cmd dropped with a new Entrypoint, labels merged, diff_ids appended', async () => {
    const layer = await createLayer([file], CREATED)
    const base: BaseImage = {
      config: {
        architecture: 'arm64',
        os: 'linux',
        config: { Env: ['PATH=/bin', 'A=1'], Cmd: ['/bin/sh'], User: '65532', Labels: { keep: 'me', 'org.opencontainers.image.version': 'base' } },
        rootfs: { diff_ids: ['sha256:base'] },
        history: [{ created_by: 'base' }],
      },
      manifest: { layers: [] },
      blobDir: '/nowhere',
      name: 'base',
    }
    const config = imageConfig({
      platform: parsePlatform('linux/arm64'),
      created: CREATED,
      layer,
      entrypoint: ['/usr/local/bin/app'],
      labels: { 'org.opencontainers.image.version': '1.2.3' },
      base,
      createdBy: 'test',
    }) as {
      config: Record<string, unknown>
      rootfs: { diff_ids: string[] }
      history: unknown[]
      variant?: string
    }
    assert.deepEqual(config.config.Env, ['PATH=/bin', 'A=1'])
    assert.equal(config.config.Cmd, undefined)
    assert.equal(config.config.User, '65532')
    assert.deepEqual(config.config.Labels, { keep: 'me', 'org.opencontainers.image.version': '1.2.3' })
    assert.deepEqual(config.rootfs.diff_ids, ['sha256:base', layer.diffId])
    assert.equal(config.history.length, 2)
    assert.equal(config.variant, undefined)
  })
  test('scratch: a default PATH and the entrypoint', async () => {
    const layer = await createLayer([file], CREATED)
    const config = imageConfig({ platform: parsePlatform('linux/arm/v7'), created: CREATED, layer, entrypoint: ['/usr/local/bin/app'], labels: {}, createdBy: 'test' }) as {
      config: Record<string, unknown>
      variant?: string
    }
    assert.deepEqual(config.config.Entrypoint, ['/usr/local/bin/app'])
    assert.match(String((config.config.Env as string[])[0]), /^PATH=.*\/usr\/local\/bin/)
    assert.equal(config.variant, 'v7')
  })
})

describe('the multi-platform image', () => {
  const one = (platform: string, extra: object = {}) => ({ platform, files: [file], labels: {}, created: CREATED, ...extra })
  test('platforms sorted; the same inputs give the same index digest; the index lists each platform', async () => {
    const a = await assembleImage([one('linux/arm/v7'), one('linux/amd64')])
    const b = await assembleImage([one('linux/amd64'), one('linux/arm/v7')])
    assert.deepEqual(
      a.images.map((image) => platformString(image.platform)),
      ['linux/amd64', 'linux/arm/v7'],
    )
    assert.equal(a.index.digest, b.index.digest)
    const index = JSON.parse(a.blobs.find((blob) => blob.digest === a.index.digest)?.data?.toString() ?? '{}') as { manifests: { digest: string; platform: object }[] }
    assert.deepEqual(
      index.manifests.map((m) => [m.digest, m.platform]),
      a.images.map((image) => [image.manifest.digest, { architecture: image.platform.architecture, os: 'linux', ...(image.platform.variant ? { variant: 'v7' } : {}) }]),
    )
    assert.notEqual((await assembleImage([one('linux/amd64', { labels: { x: '1' } })])).index.digest, (await assembleImage([one('linux/amd64')])).index.digest)
  })
  test('errors name what is wrong', async () => {
    await assert.rejects(assembleImage([]), /none of the merged targets has a Docker platform/)
    await assert.rejects(assembleImage([one('linux/amd64', { files: [file, { ...file, name: 'b' }] })]), /2 binaries \(app, b\) and no entrypoint/)
    await assert.rejects(assembleImage([one('linux/amd64', { entrypoint: 'nope' })]), /entrypoint 'nope'/)
    await assert.rejects(assembleImage([one('linux/arm64'), one('linux/arm64/v8')]), /linux\/arm64 is given twice/)
  })
  test('several binaries with an entrypoint named', async () => {
    const layout = await assembleImage([one('linux/amd64', { files: [file, { ...file, name: 'tool' }], entrypoint: 'tool' })])
    assert.deepEqual(layout.images[0]?.entrypoint, ['/usr/local/bin/tool'])
  })
})
