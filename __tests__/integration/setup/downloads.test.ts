/**
 * The pinned downloads for real: @actions/tool-cache fetches from a local HTTP server (its
 * own process), the SHA-256 is checked, a mismatch is refused before anything is extracted,
 * a match is extracted into RUNNER_TOOL_CACHE and found there again without a download.
 * The official archives cannot be fetched here, so the server holds archives built in the
 * official layouts from what this machine has: zig 0.13.0 from PyPI's wheel as
 * zig-linux-x86_64-0.13.0/zig (+ lib/), Debian's protoc as bin/protoc (+ include/). The real
 * pins refuse them; the success path runs with each archive's own SHA-256.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tc from '@actions/tool-cache'
import { sha256Of } from '../../../src/common/checksum.js'
import { ActionError } from '../../../src/errors.js'
import { downloadVerified, ensureProtoc, ensureZig, installPinned, type PinnedRelease } from '../../../src/setup/downloads.js'
import { PROTOC_VERSION, ZIG_VERSION, protocArchive, toolCacheVersion, zigArchive } from '../../../src/setup/pinned.js'
import { ROOT, ZIG_DIR } from '../../support/harness.js'

const ZIG_FOLDER = `zig-linux-x86_64-${ZIG_VERSION}`
const ZIG_FILE = `${ZIG_FOLDER}.tar.xz`
const PROTOC_FILE = `protoc-${PROTOC_VERSION}-linux-x86_64.zip`

let scratch = ''
let server: { url: string; child: ChildProcess } | undefined
const savedEnv = { ...process.env }

async function startServer(root: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, '__tests__', 'support', 'file-server-main.ts')], {
    cwd: ROOT,
    env: { ...process.env, FILE_SERVER_ROOT: root },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))
    child.once('exit', (code) => reject(new Error(`the file server ended (${code})`)))
  })
  return { url, child }
}

/** The paths the server was asked for so far. */
async function served(): Promise<[string, number][]> {
  const response = await fetch(`${server?.url}/__requests`)
  return Array.from((await response.json()) as { path: string; status: number }[], (r): [string, number] => [r.path, r.status])
}

const runnerTemp = (): string => process.env.RUNNER_TEMP ?? ''
const toolCache = (): string => process.env.RUNNER_TOOL_CACHE ?? ''

/** zig's archive as ziglang.org lays it out: one folder with zig, lib/, LICENSE, README.md. */
function buildZigArchive(out: string): void {
  execFileSync('tar', ['-C', ZIG_DIR, `--transform=s,^,${ZIG_FOLDER}/,`, '-cJf', out, 'zig', 'lib', 'LICENSE', 'README.md'], {
    env: { ...process.env, XZ_OPT: '-0 -T2' },
  })
}

/** protoc's archive as GitHub's releases lay it out: bin/protoc and include/google/protobuf/*.proto at the top. */
function buildProtocArchive(out: string): void {
  const dir = fs.mkdtempSync(path.join(scratch, 'protoc-'))
  fs.mkdirSync(path.join(dir, 'bin'))
  fs.copyFileSync('/usr/bin/protoc', path.join(dir, 'bin', 'protoc'))
  fs.chmodSync(path.join(dir, 'bin', 'protoc'), 0o755)
  const include = path.join(dir, 'include', 'google', 'protobuf')
  fs.mkdirSync(include, { recursive: true })
  for (const name of fs.readdirSync('/usr/include/google/protobuf').filter((n) => n.endsWith('.proto'))) fs.copyFileSync(path.join('/usr/include/google/protobuf', name), path.join(include, name))
  execFileSync('zip', ['-q', '-r', out, 'bin', 'include'], { cwd: dir })
}

function zigRelease(url: string, sha256: string): PinnedRelease {
  return { tool: 'zig', version: ZIG_VERSION, archive: { name: ZIG_FOLDER, url, sha256 }, executable: 'zig', skip: 'Put zig on PATH before this step to skip the download.' }
}

function protocRelease(url: string, sha256: string): PinnedRelease {
  return { tool: 'protoc', version: PROTOC_VERSION, archive: { url, sha256 }, executable: 'bin/protoc', skip: 'Install protoc on PATH before this step.' }
}

/** The folder's entries, as an array of this realm (jest runs tests in a VM context of their own). */
const entries = (dir: string): string[] => Array.from(fs.readdirSync(dir))

async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ActionError, String(error))
    assert.match(error.message, message)
    return true
  })
}

/** A download refused: the error, and RUNNER_TEMP and the tool cache left as they were. */
async function assertRefused(release: PinnedRelease, message: RegExp): Promise<void> {
  const tempBefore = entries(runnerTemp())
  await rejectsWith(installPinned(release), message)
  assert.deepEqual(entries(runnerTemp()), tempBefore, 'nothing downloaded or extracted is left')
  assert.equal(tc.find(release.tool, toolCacheVersion(release.version)), '', 'nothing is cached')
}

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'downloads-'))
  const serve = path.join(scratch, 'serve')
  fs.mkdirSync(serve)
  buildZigArchive(path.join(serve, ZIG_FILE))
  buildProtocArchive(path.join(serve, PROTOC_FILE))
  fs.mkdirSync(path.join(serve, 'moved'))
  // A zig archive in another layout: the program is not where the pinned release has it.
  execFileSync('tar', ['-C', ZIG_DIR, '--transform=s,^,zig/,', '-cJf', path.join(serve, 'moved', ZIG_FILE), 'README.md'])
  server = await startServer(serve)
  for (const name of ['temp', 'tool-cache']) fs.mkdirSync(path.join(scratch, name))
  process.env.RUNNER_TEMP = path.join(scratch, 'temp')
  process.env.RUNNER_TOOL_CACHE = path.join(scratch, 'tool-cache')
})

afterAll(async () => {
  if (server) {
    const ended = new Promise((resolve) => server?.child.once('exit', resolve))
    server.child.kill('SIGTERM')
    await ended
  }
  process.env = savedEnv
  fs.rmSync(scratch, { recursive: true, force: true })
})

describe('pinned downloads from a local server', () => {
  test('the real zig pin refuses the served archive: the URL and both SHA-256s named, nothing extracted or cached', async () => {
    const pinned = zigArchive('linux', 'x64')
    assert.ok(pinned)
    const url = `${server?.url}/${ZIG_FILE}`
    const actual = await sha256Of(path.join(scratch, 'serve', ZIG_FILE))
    assert.notEqual(actual, pinned.sha256)
    await assertRefused(
      { ...zigRelease(url, pinned.sha256), archive: { ...pinned, url } },
      new RegExp(`^zig ${ZIG_VERSION} from ${url} has SHA256 ${actual}, expected ${pinned.sha256}; refusing to use it\\. Put zig on PATH`),
    )
  })

  test('the real protoc pin refuses the served archive the same way', async () => {
    const pinned = protocArchive('linux', 'x64')
    assert.ok(pinned)
    const url = `${server?.url}/${PROTOC_FILE}`
    const actual = await sha256Of(path.join(scratch, 'serve', PROTOC_FILE))
    await assertRefused(
      { ...protocRelease(url, pinned.sha256), archive: { ...pinned, url } },
      new RegExp(`^protoc ${PROTOC_VERSION} from ${url} has SHA256 ${actual}, expected ${pinned.sha256}; refusing`),
    )
  })

  test('a missing file is a download error that says how to skip the download', async () => {
    const url = `${server?.url}/nothing-here.tar.xz`
    await rejectsWith(downloadVerified(zigRelease(url, '0'.repeat(64))), new RegExp(`^Could not download zig ${ZIG_VERSION} from ${url}: .*404.*\\. Put zig on PATH before this step`))
    assert.deepEqual(entries(runnerTemp()), [])
  })

  test('an archive that matches its checksum but not the layout is refused and not cached', async () => {
    const url = `${server?.url}/moved/${ZIG_FILE}`
    const sha256 = await sha256Of(path.join(scratch, 'serve', 'moved', ZIG_FILE))
    await assertRefused(zigRelease(url, sha256), new RegExp(`has no ${ZIG_FOLDER}/zig; the release's layout changed`))
  })

  test('zig with its archive’s own SHA-256: verified, extracted into the tool cache, and zig cc works from there', async () => {
    const url = `${server?.url}/${ZIG_FILE}`
    const sha256 = await sha256Of(path.join(scratch, 'serve', ZIG_FILE))
    const dir = await installPinned(zigRelease(url, sha256))
    assert.equal(dir, path.join(toolCache(), 'zig', ZIG_VERSION, 'x64'))
    assert.ok(fs.existsSync(`${dir}.complete`), 'the tool cache marks the version complete')
    assert.equal(tc.find('zig', ZIG_VERSION), dir)
    assert.deepEqual(entries(runnerTemp()), [], 'the download and the extracted tree are removed')
    const zig = path.join(dir, 'zig')
    assert.equal(execFileSync(zig, ['version'], { encoding: 'utf8' }).trim(), ZIG_VERSION)
    // zig finds its lib/ beside itself: the archive's folder became the cached folder.
    const env = JSON.parse(execFileSync(zig, ['env'], { encoding: 'utf8' })) as { lib_dir: string }
    assert.equal(env.lib_dir, path.join(dir, 'lib'))
    const c = path.join(scratch, 'a.c')
    fs.writeFileSync(c, '#include <stdio.h>\nint f(void) { return puts("x"); }\n')
    execFileSync(zig, ['cc', '-target', 'x86_64-linux-musl', '-c', c, '-o', `${c}.o`], { env: { ...process.env, ZIG_GLOBAL_CACHE_DIR: path.join(scratch, 'zig-cache') } })
    assert.match(execFileSync('file', [`${c}.o`], { encoding: 'utf8' }), /ELF 64-bit LSB relocatable, x86-64/)
  })

  test('ensureZig with no zig on PATH takes the cached zig without a download', async () => {
    const before = await served()
    process.env.PATH = '/usr/bin:/bin'
    try {
      assert.equal(await ensureZig(), path.join(toolCache(), 'zig', ZIG_VERSION, 'x64', 'zig'))
    } finally {
      process.env.PATH = savedEnv.PATH
    }
    assert.deepEqual(await served(), before)
  })

  test('protoc with its archive’s own SHA-256: cached; ensureProtoc then finds it there, PROTOC and PROTOC_INCLUDE set, no download', async () => {
    const url = `${server?.url}/${PROTOC_FILE}`
    const dir = await installPinned(protocRelease(url, await sha256Of(path.join(scratch, 'serve', PROTOC_FILE))))
    // 25.1 is cached as 25.1.0: the tool cache finds semver folders only.
    assert.equal(dir, path.join(toolCache(), 'protoc', '25.1.0', 'x64'))
    const before = await served()
    // Debian's protoc 3.21 on PATH is older than the 25 asked for, so the cached release is used.
    const setup = await ensureProtoc('25')
    assert.deepEqual(setup.env, { PROTOC: path.join(dir, 'bin', 'protoc'), PROTOC_INCLUDE: path.join(dir, 'include') })
    assert.ok(fs.existsSync(path.join(dir, 'include', 'google', 'protobuf', 'descriptor.proto')))
    // The served binary is Debian's, repacked: it runs from the tool cache.
    assert.match(execFileSync(setup.env.PROTOC ?? '', ['--version'], { encoding: 'utf8' }), /^libprotoc 3\.21\./)
    assert.deepEqual(await served(), before)
    assert.deepEqual(await served(), [
      [`/${ZIG_FILE}`, 200],
      [`/${PROTOC_FILE}`, 200],
      ['/nothing-here.tar.xz', 404],
      [`/moved/${ZIG_FILE}`, 200],
      [`/${ZIG_FILE}`, 200],
      [`/${PROTOC_FILE}`, 200],
    ])
  })
})
