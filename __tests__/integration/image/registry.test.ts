/**
 * The image modules against real programs: static hello binaries for linux/amd64,
 * linux/arm64 and linux/arm/v7 (the distribution's cross gcc) assembled into one image,
 * pushed with skopeo to Debian's docker-registry on 127.0.0.1 (with and without htpasswd),
 * read back, each platform's binary taken out of the registry's layer and run (qemu for
 * arm64 and arm/v7); a re-push uploads nothing; a base image fetched per platform; the
 * archive reproducible and pushable.
 */
import { afterAll, beforeAll, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ActionError } from '../../../src/errors.js'
import { createLayer, MediaType, sha256 } from '../../../src/image/layer.js'
import { assembleImage, openContainersLabels, parsePlatform, platformString, type ImageLayout, type PlatformImageInput } from '../../../src/image/layout.js'
import { readBinaries, writeArchive, writeLayout } from '../../../src/image/oci-dir.js'
import { parsePushReference, parseReference } from '../../../src/image/reference.js'
import { Skopeo } from '../../../src/image/registry.js'
import { blobUploads, fileFromLayer, RUN_WITH, startRegistry, staticHellos, type RegistryServer } from '../../support/registry.js'
import { requires } from '../../support/prerequisites.js'

const needed = ['skopeo', 'docker-registry', 'htpasswd', 'aarch64-linux-gnu-gcc', 'arm-linux-gnueabihf-gcc', 'qemu-aarch64', 'qemu-arm']
const missing = needed.filter((program) => spawnSync('sh', ['-c', `command -v ${program}`]).status !== 0)
const CREATED = '2024-05-01T12:00:00.000Z'
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7']
const CREDENTIALS = { username: 'ci', password: 's3cret pass' }

requires(missing.length > 0 && `programs ${missing.join(', ')} (scripts/setup-debian.sh)`)('an image pushed to a real registry', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'image-itg-'))
  const skopeo = new Skopeo({ tempDir: path.join(work, 'skopeo'), retryTimes: 1, commandTimeout: '5m' })
  let open: RegistryServer
  let locked: RegistryServer
  let binaries: Record<string, string>
  let layout: ImageLayout
  const layoutDir = path.join(work, 'layout')

  const inputs = (): PlatformImageInput[] =>
    PLATFORMS.map((platform) => ({
      platform,
      files: readBinaries([{ name: 'hello', path: binaries[platform] ?? '' }]),
      labels: openContainersLabels({ source: 'https://github.com/example/hello', revision: '0123456789abcdef', version: '1.2.3', created: CREATED }),
      created: CREATED,
    }))

  beforeAll(async () => {
    binaries = staticHellos(path.join(work, 'bin'))
    open = await startRegistry(path.join(work, 'open'))
    locked = await startRegistry(path.join(work, 'locked'), CREDENTIALS)
    layout = await assembleImage(inputs(), { refName: '1' })
    writeLayout(layout, layoutDir)
  })
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop()])
    fs.rmSync(work, { recursive: true, force: true })
  })

  test('pushed: the registry serves the index we built, and each platform runs from its layer', async () => {
    const reference = parsePushReference(`${open.host}/team/hello:1`, 'image')
    const started = Date.now()
    const pushed = await skopeo.push(layoutDir, reference)
    console.log(`push (${Date.now() - started} ms):\n${pushed.output}uploaded ${pushed.uploaded.length}, skipped ${pushed.skipped.length}, upload sessions ${pushed.uploadSessions}`)
    assert.equal(pushed.digest, layout.index.digest)
    assert.equal(pushed.uploaded.length, 6) // 3 layers + 3 configs
    assert.equal(blobUploads(open), 6)
    const raw = await skopeo.inspectRaw(reference)
    assert.equal(sha256(raw), layout.index.digest)
    const index = JSON.parse(raw.toString()) as { manifests: { platform: { os: string; architecture: string; variant?: string } }[] }
    assert.deepEqual(
      index.manifests.map((m) => platformString(m.platform)),
      ['linux/amd64', 'linux/arm/v7', 'linux/arm64'],
    )

    for (const platform of PLATFORMS) {
      // Pulled back from the registry as a one-platform OCI layout: the same reader a base goes through.
      const image = await skopeo.pullPlatform(reference, parsePlatform(platform), path.join(work, 'pulled', platform.replace(/\//g, '-')))
      assert.deepEqual(image.config.config?.Entrypoint, ['/usr/local/bin/hello'])
      assert.equal((image.config.config?.Labels as Record<string, string>)['org.opencontainers.image.revision'], '0123456789abcdef')
      assert.equal(image.config.created, CREATED)
      const top = image.manifest.layers.at(-1)
      assert.ok(top)
      const blob = fs.readFileSync(path.join(image.blobDir, ...top.digest.split(':')))
      const { data, header, names } = await fileFromLayer(blob, 'usr/local/bin/hello')
      assert.deepEqual(names, ['usr/', 'usr/local/', 'usr/local/bin/', 'usr/local/bin/hello'])
      assert.equal(header.mode, 0o755)
      assert.equal(header.uid, 0)
      const extracted = path.join(work, 'run', platform.replace(/\//g, '-'))
      fs.mkdirSync(path.dirname(extracted), { recursive: true })
      fs.writeFileSync(extracted, data, { mode: 0o755 })
      const [runner, ...args] = [...(RUN_WITH[platform] ?? []), extracted]
      const output = execFileSync(runner ?? extracted, args, { encoding: 'utf8' })
      assert.equal(output.trim(), `hello from ${{ 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64', 'linux/arm/v7': 'armv7' }[platform]}`)
    }
  })

  test('a second push uploads no blob twice and keeps the digest', async () => {
    const reference = parsePushReference(`${open.host}/team/hello:1`, 'image')
    const before = blobUploads(open)
    const started = Date.now()
    const again = await skopeo.push(layoutDir, reference)
    console.log(`re-push (${Date.now() - started} ms):\n${again.output}uploaded ${again.uploaded.length}, skipped ${again.skipped.length}, upload sessions ${again.uploadSessions}`)
    assert.equal(again.digest, layout.index.digest)
    assert.deepEqual(again.uploaded, [])
    assert.equal(again.uploadSessions, 0)
    assert.equal(again.skipped.length, 6)
    assert.equal(blobUploads(open), before)
  })

  test('the same inputs give the same image and archive bytes; the archive pushes as the same index', async () => {
    const again = await assembleImage(inputs(), { refName: '1' })
    assert.equal(again.index.digest, layout.index.digest)
    writeLayout(again, path.join(work, 'layout2'))
    await writeArchive(layoutDir, path.join(work, 'a.tar'), CREATED)
    await writeArchive(path.join(work, 'layout2'), path.join(work, 'b.tar'), CREATED)
    assert.ok(fs.readFileSync(path.join(work, 'a.tar')).equals(fs.readFileSync(path.join(work, 'b.tar'))))
    const copied = spawnSync('skopeo', ['copy', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci-archive:${path.join(work, 'a.tar')}`, `docker://${open.host}/from-archive:1`], {
      encoding: 'utf8',
    })
    assert.equal(copied.status, 0, copied.stderr)
    assert.equal(sha256(await skopeo.inspectRaw(parseReference(`${open.host}/from-archive:1`, 'image'))), layout.index.digest)
  })

  test('a base image: fetched per platform, its layers and Env kept, a missing platform named', async () => {
    // A two-platform base with a marker file, Env and Cmd, pushed as a Docker manifest list (as Docker Hub serves alpine).
    const base = await assembleImage(
      ['linux/amd64', 'linux/arm64'].map((platform) => ({
        platform,
        files: [{ name: 'base-marker', data: Buffer.from(platform), mode: 0o644 }],
        entrypoint: '/bin/sh',
        labels: { 'base.label': 'yes' },
        created: '2024-01-01T00:00:00Z',
      })),
    )
    writeLayout(base, path.join(work, 'base-layout'))
    const pushedBase = spawnSync('skopeo', ['copy', '--all', '--format', 'v2s2', '--dest-tls-verify=false', `oci:${path.join(work, 'base-layout')}`, `docker://${open.host}/base:1`], {
      encoding: 'utf8',
    })
    assert.equal(pushedBase.status, 0, pushedBase.stderr)
    const baseRef = parseReference(`${open.host}/base:1`, 'image-base')
    const fetched = await skopeo.pullPlatform(baseRef, parsePlatform('linux/arm64'), path.join(work, 'base-arm64'))
    const onBase = await assembleImage([{ ...(inputs()[1] as PlatformImageInput), base: fetched }])
    const image = onBase.images[0]
    assert.ok(image)
    assert.equal(image.layers.length, 2)
    assert.equal(image.layers[0]?.digest, fetched.manifest.layers[0]?.digest)
    assert.equal(image.layers[0]?.mediaType, MediaType.LayerGzip)
    writeLayout(onBase, path.join(work, 'on-base'))
    const pushed = await skopeo.push(path.join(work, 'on-base'), parsePushReference(`${open.host}/on-base:1`, 'image'))
    assert.equal(pushed.digest, onBase.index.digest)
    await assert.rejects(
      skopeo.pullPlatform(baseRef, parsePlatform('linux/arm/v7'), path.join(work, 'base-armv7')),
      (error: unknown) => error instanceof ActionError && /base:1 has no linux\/arm\/v7 variant; it has linux\/amd64, linux\/arm64/.test(error.message),
    )
  })

  test('htpasswd: refused without or with wrong credentials (with the hint), pushed and read back with them', async () => {
    const reference = parsePushReference(`${locked.host}/team/hello:1`, 'image')
    for (const credentials of [undefined, { username: 'ci', password: 'wrong' }])
      await assert.rejects(skopeo.push(layoutDir, reference, credentials), (error: unknown) => error instanceof ActionError && /registry-username and registry-password/.test(error.message))
    const pushed = await skopeo.push(layoutDir, reference, CREDENTIALS)
    assert.equal(pushed.digest, layout.index.digest)
    assert.ok(!pushed.debug.includes(CREDENTIALS.password) && !pushed.debug.includes(Buffer.from(`ci:${CREDENTIALS.password}`).toString('base64')))
    assert.equal(sha256(await skopeo.inspectRaw(reference, CREDENTIALS)), layout.index.digest)
    assert.equal(fs.readdirSync(path.join(work, 'skopeo')).length, 0) // no auth file left behind
  })

  test('a layer made again from the same binary is the one the image holds', async () => {
    const layer = await createLayer([{ name: 'hello', data: fs.readFileSync(binaries['linux/amd64'] ?? '') }], CREATED)
    assert.deepEqual(layout.images.find((image) => platformString(image.platform) === 'linux/amd64')?.layers, [layer.descriptor])
  })
})
