/**
 * A release without buildx: hello built through dist/index.js for x86_64 and aarch64 gnu
 * with +crt-static (static, so scratch can run them) in one workspace, plus an arm/v7
 * staging folder holding a static C hello from the armhf cross gcc (a Rust armv7 build
 * needs build-std here, minutes of CPU). dist/merge/index.js merges the folders (`dirs`,
 * no artifact service) and pushes one image to Debian's docker-registry on 127.0.0.1;
 * the index is read back with skopeo and each platform's entrypoint, taken from its
 * layer, runs (qemu for arm64 and arm/v7).
 */
import { afterAll, beforeAll, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fixture, giveToRunner, runAction, runEntry, type ActionRun } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'
import { blobUploads, fileFromLayer, RUN_WITH, startRegistry, staticHellos, type RegistryServer } from '../../support/registry.js'

const needed = ['skopeo', 'docker-registry', 'htpasswd', 'aarch64-linux-gnu-gcc', 'arm-linux-gnueabihf-gcc', 'qemu-aarch64', 'qemu-arm']
const missing = needed.filter((program) => spawnSync('sh', ['-c', `command -v ${program}`]).status !== 0)
const STATIC = '-C target-feature=+crt-static'
const EPOCH = '1714564800' // 2024-05-01T12:00:00Z
const CREDENTIALS = { username: 'ci', password: 's3cret pass' }
const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`

/** dist/merge/index.js as a runner runs it, in `workspace`, with no artifact service. */
function mergeStep(workspace: string, inputs: Record<string, string>): ActionRun {
  return runEntry('merge/index.js', inputs, {
    workspace,
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_REPOSITORY: 'example/hello',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REF: 'refs/tags/v1.2.3',
      SOURCE_DATE_EPOCH: EPOCH,
    },
  })
}

/** A staging folder as the build action writes it (binary + manifest.json), for a binary built outside it. */
function stagingFolder(dir: string, target: string, binary: string): void {
  fs.mkdirSync(dir, { recursive: true })
  const data = fs.readFileSync(binary)
  fs.writeFileSync(path.join(dir, 'hello'), data, { mode: 0o755 })
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ target, files: [{ name: 'hello', kind: 'binary', size: data.length, sha256: sha256(data).slice(7) }] }))
}

function skopeo(args: string[]): string {
  return execFileSync('skopeo', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
}

/** Every platform of an index in the registry: its manifest digest, config, and the entrypoint's output when run from its top layer. */
async function runEachPlatform(
  host: string,
  repository: string,
  digest: string,
  work: string,
  credentials: string[] = [],
): Promise<Record<string, { manifest: string; output: string; config: Record<string, unknown>; layers: number }>> {
  const raw = skopeo(['inspect', '--raw', '--tls-verify=false', ...credentials, `docker://${host}/${repository}@${digest}`]).replace(/\n$/, '')
  assert.equal(sha256(raw), digest)
  const index = JSON.parse(raw) as { manifests: { digest: string; platform: { os: string; architecture: string; variant?: string } }[] }
  const result: Record<string, { manifest: string; output: string; config: Record<string, unknown>; layers: number }> = {}
  for (const entry of index.manifests) {
    const platform = [entry.platform.os, entry.platform.architecture, entry.platform.variant].filter(Boolean).join('/')
    const dir = path.join(work, platform.replace(/\//g, '-'))
    fs.rmSync(dir, { recursive: true, force: true })
    // skopeo's oci: transport needs the parent folder.
    fs.mkdirSync(work, { recursive: true })
    skopeo(['copy', '--src-tls-verify=false', ...credentials.map((c) => c.replace('--creds', '--src-creds')), `docker://${host}/${repository}@${entry.digest}`, `oci:${dir}`])
    const blob = (d: string) => fs.readFileSync(path.join(dir, 'blobs', ...d.split(':')))
    const layoutIndex = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }
    const manifest = JSON.parse(blob(layoutIndex.manifests[0]?.digest ?? '').toString()) as { config: { digest: string }; layers: { digest: string }[] }
    const config = JSON.parse(blob(manifest.config.digest).toString()) as { config: { Entrypoint: string[] } }
    const entrypoint = config.config.Entrypoint[0] ?? ''
    const { data } = await fileFromLayer(blob(manifest.layers.at(-1)?.digest ?? ''), entrypoint.slice(1))
    const binary = path.join(dir, 'entrypoint')
    fs.writeFileSync(binary, data, { mode: 0o755 })
    const [runner, ...args] = [...(RUN_WITH[platform] ?? []), binary]
    result[platform] = {
      manifest: entry.digest,
      output: execFileSync(runner ?? binary, args, { encoding: 'utf8' }).trim(),
      config: config as unknown as Record<string, unknown>,
      layers: manifest.layers.length,
    }
  }
  return result
}

requires(missing.length > 0 && `programs ${missing.join(', ')} (scripts/setup-debian.sh)`)('merge → one multi-platform image on a real registry', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'image-e2e-'))
  let workspace: string
  let dynamicWorkspace: string
  let open: RegistryServer
  let locked: RegistryServer
  let first: ActionRun

  beforeAll(async () => {
    workspace = fixture('hello')
    for (const target of ['x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu']) {
      const run = runAction({ target, toolchain: 'system', rustflags: STATIC, upload: 'none', archive: 'none' }, { workspace })
      assert.equal(run.code, 0, run.log)
    }
    const hellos = staticHellos(path.join(work, 'c'))
    stagingFolder(path.join(workspace, 'target', 'xbuild', 'armv7-unknown-linux-gnueabihf'), 'armv7-unknown-linux-gnueabihf', hellos['linux/arm/v7'] ?? '')
    dynamicWorkspace = fixture('hello')
    const dynamic = runAction({ target: 'x86_64-unknown-linux-gnu', toolchain: 'system', upload: 'none', archive: 'none' }, { workspace: dynamicWorkspace })
    assert.equal(dynamic.code, 0, dynamic.log)
    open = await startRegistry(path.join(work, 'open'))
    locked = await startRegistry(path.join(work, 'locked'), CREDENTIALS)
    first = mergeStep(workspace, {
      dirs: 'target/xbuild/*',
      expect: 'linux/amd64, linux/arm64, linux/arm/v7',
      image: `${open.host}/team/hello:1.2.3, ${open.host}/team/hello:latest`,
      'image-archive': 'image.tar',
    })
  })
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop()])
    fs.rmSync(work, { recursive: true, force: true })
  })

  test('pushed to both tags; every platform runs its entrypoint from the registry', async () => {
    assert.equal(first.code, 0, first.log)
    const digest = first.outputs['image-digest'] ?? ''
    assert.match(digest, /^sha256:[0-9a-f]{64}$/)
    console.log(
      `${/The image step took .*/.exec(first.log)?.[0]}\n${first.log
        .split('\n')
        .filter((line) => /^(Getting|Copying|Writing|Storing|Pushed|Image index)/.test(line))
        .join('\n')}`,
    )
    for (const tag of ['1.2.3', 'latest']) assert.equal(sha256(skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${open.host}/team/hello:${tag}`]).replace(/\n$/, '')), digest)
    const platforms = await runEachPlatform(open.host, 'team/hello', digest, path.join(work, 'pulled'))
    assert.deepEqual(Object.keys(platforms).sort(), ['linux/amd64', 'linux/arm/v7', 'linux/arm64'])
    assert.equal(platforms['linux/amd64']?.output, 'hello from x86_64')
    assert.equal(platforms['linux/arm64']?.output, 'hello from aarch64')
    assert.equal(platforms['linux/arm/v7']?.output, 'hello from armv7')
    const config = platforms['linux/amd64']?.config as { created: string; config: { Entrypoint: string[]; Labels: Record<string, string> } }
    assert.deepEqual(config.config.Entrypoint, ['/usr/local/bin/hello'])
    assert.equal(config.created, '2024-05-01T12:00:00.000Z')
    assert.deepEqual(config.config.Labels, {
      'org.opencontainers.image.created': '2024-05-01T12:00:00.000Z',
      'org.opencontainers.image.revision': '0123456789abcdef0123456789abcdef01234567',
      'org.opencontainers.image.source': 'https://github.com/example/hello',
      'org.opencontainers.image.version': 'v1.2.3',
    })
    // The merged manifest.json records the index and each platform's manifest.
    const manifest = JSON.parse(fs.readFileSync(path.join(first.outputs.dir ?? '', 'manifest.json'), 'utf8')) as {
      image: { digest: string; platforms: { platform: string; target: string; digest: string }[] }
    }
    assert.equal(manifest.image.digest, digest)
    for (const entry of manifest.image.platforms) assert.equal(entry.digest, platforms[entry.platform]?.manifest)
    assert.deepEqual(manifest.image.platforms.map((p) => p.target).sort(), ['aarch64-unknown-linux-gnu', 'armv7-unknown-linux-gnueabihf', 'x86_64-unknown-linux-gnu'])
    assert.match(first.summary, new RegExp(`\\| image: .*team/hello:1\\.2\\.3.* \\| .*linux/arm/v7.* \\| \`${digest}\` \\|`))
  })

  test('the archive holds the same index, and a second merge gives the same bytes and uploads nothing', () => {
    const archive = path.join(workspace, 'image.tar')
    const before = fs.readFileSync(archive)
    const uploads = blobUploads(open)
    const again = mergeStep(workspace, { dirs: 'target/xbuild/*', image: `${open.host}/team/hello:1.2.3`, 'image-archive': 'image.tar' })
    assert.equal(again.code, 0, again.log)
    console.log(
      `re-push: ${/The image step took .*/.exec(again.log)?.[0]}\n${again.log
        .split('\n')
        .filter((line) => /^Pushed/.test(line))
        .join('\n')}`,
    )
    assert.equal(again.outputs['image-digest'], first.outputs['image-digest'])
    assert.match(again.log, /0 blob\(s\) uploaded, 6 already there/)
    assert.equal(blobUploads(open), uploads)
    assert.ok(fs.readFileSync(archive).equals(before))
    const fromArchive = JSON.parse(skopeo(['inspect', '--raw', `oci-archive:${archive}`])) as { manifests: unknown[] }
    assert.equal(fromArchive.manifests.length, 3)
  })

  test('on a base image: its layer first, entrypoint ours', async () => {
    const run = mergeStep(workspace, {
      dirs: 'target/xbuild/x86_64-unknown-linux-gnu, target/xbuild/aarch64-unknown-linux-gnu',
      image: `${open.host}/team/on-base:1`,
      'image-base': `${open.host}/team/hello:1.2.3`,
    })
    assert.equal(run.code, 0, run.log)
    const platforms = await runEachPlatform(open.host, 'team/on-base', run.outputs['image-digest'] ?? '', path.join(work, 'on-base'))
    assert.equal(platforms['linux/arm64']?.layers, 2)
    assert.equal(platforms['linux/arm64']?.output, 'hello from aarch64')
  })

  test('a base without one of the platforms: a clear error, nothing pushed', () => {
    const amd64Only = mergeStep(workspace, { dirs: 'target/xbuild/x86_64-unknown-linux-gnu', image: `${open.host}/team/amd64-only:1` })
    assert.equal(amd64Only.code, 0, amd64Only.log)
    const run = mergeStep(workspace, { dirs: 'target/xbuild/*', image: `${open.host}/team/never:1`, 'image-base': `${open.host}/team/amd64-only:1` })
    assert.notEqual(run.code, 0)
    assert.match(run.log, new RegExp(`::error::Input 'image-base' has the value '${open.host}/team/amd64-only:1': .*amd64-only:1 has no linux/arm64 variant; it has linux/amd64\\.`))
    assert.ok(!open.log().includes('/v2/team/never/blobs/uploads/'))
  })

  test('a dynamically linked gnu binary on scratch is refused before anything is pushed', () => {
    const run = mergeStep(dynamicWorkspace, { dirs: 'target/xbuild/*', image: `${open.host}/team/dynamic:1` })
    assert.notEqual(run.code, 0)
    assert.match(
      run.log,
      /::error::Dynamically linked binaries cannot run on a scratch image.*x86_64-unknown-linux-gnu\/hello \(interpreter .*ld-linux-x86-64\.so\.2\).*musl.*\+crt-static.*image-base/,
    )
    assert.ok(!open.log().includes('/v2/team/dynamic/'))
  })

  test('dirs are verified against their manifest.json like artifacts; a folder that matches nothing is named', () => {
    const tampered = path.join(work, 'tampered')
    fs.cpSync(path.join(workspace, 'target', 'xbuild', 'x86_64-unknown-linux-gnu'), tampered, { recursive: true })
    fs.appendFileSync(path.join(tampered, 'hello'), 'x')
    giveToRunner(tampered)
    const run = mergeStep(workspace, { dirs: tampered, image: `${open.host}/team/tampered:1` })
    assert.notEqual(run.code, 0)
    assert.match(run.log, /::error::The merge found 1 problem\(s\):%0A- .*tampered: hello does not match its checksum in manifest.json/)
    assert.ok(!open.log().includes('/v2/team/tampered/'))
    const none = mergeStep(workspace, { dirs: 'target/nothing-*' })
    assert.match(none.log, /::error::Input 'dirs' has the value 'target\/nothing-\*': no folder matches it/)
  })

  test('a bad reference names the input and the value', () => {
    const run = mergeStep(workspace, { dirs: 'target/xbuild/*', image: 'ghcr.io/Example/hello:1' })
    assert.notEqual(run.code, 0)
    assert.match(run.log, /::error::Input 'image' has the value 'ghcr.io\/Example\/hello:1': not a valid image reference: the repository part 'Example'/)
  })

  test('htpasswd: refused without credentials (with the hint), pushed with registry-username/registry-password', async () => {
    const refused = mergeStep(workspace, { dirs: 'target/xbuild/*', image: `${locked.host}/team/hello:1` })
    assert.notEqual(refused.code, 0)
    assert.match(refused.log, /authentication required[\s\S]*set registry-username and registry-password/)
    const run = mergeStep(workspace, { dirs: 'target/xbuild/*', image: `${locked.host}/team/hello:1`, 'registry-username': CREDENTIALS.username, 'registry-password': CREDENTIALS.password })
    assert.equal(run.code, 0, run.log)
    assert.equal(run.outputs['image-digest'], first.outputs['image-digest'])
    assert.ok(!run.log.includes(CREDENTIALS.password))
    const platforms = await runEachPlatform(locked.host, 'team/hello', run.outputs['image-digest'] ?? '', path.join(work, 'locked'), ['--creds', `${CREDENTIALS.username}:${CREDENTIALS.password}`])
    assert.equal(platforms['linux/arm/v7']?.output, 'hello from armv7')
  })
})
