import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { stdoutOf } from '../../support/fakes.js'
import { crateOfArtifact, enforceStamp, pruneTargetDir, restoreEntry, saveEntry, STAMP_FILE, writeStamp, type CacheBackend, type CacheEntry } from '../../../src/cache/store.js'

/** Stores copies of the saved paths' files by key; restores by exact key, then by prefix (newest first). */
class MemoryCache implements CacheBackend {
  readonly store = new Map<string, Map<string, Buffer>>()
  readonly calls: string[] = []
  constructor(
    private readonly isAvailable = true,
    private readonly failWith?: string,
  ) {}
  async available(): Promise<boolean> {
    return this.isAvailable
  }
  async restore(paths: string[], key: string, restoreKeys: string[]): Promise<string | undefined> {
    this.calls.push(`restore ${key}`)
    if (this.failWith) throw new Error(this.failWith)
    const keys = [...this.store.keys()].reverse()
    const matched = this.store.has(key) ? key : restoreKeys.map((prefix) => keys.find((k) => k.startsWith(prefix))).find(Boolean)
    if (!matched) return undefined
    for (const [file, content] of this.store.get(matched) ?? []) {
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, content)
    }
    void paths
    return matched
  }
  async save(paths: string[], key: string): Promise<boolean> {
    this.calls.push(`save ${key}`)
    if (this.failWith) throw new Error(this.failWith)
    const files = new Map<string, Buffer>()
    const walk = (file: string): void => {
      if (fs.statSync(file).isDirectory()) for (const child of Array.from(fs.readdirSync(file))) walk(path.join(file, child))
      else files.set(file, fs.readFileSync(file))
    }
    for (const file of paths) walk(file)
    this.store.set(key, files)
    return true
  }
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'cache-test-'))

function entry(dir: string, key: string): CacheEntry {
  return { name: 'target', paths: [dir], keys: { key, restoreKeys: [key.replace(/[^-]+$/, '')], parts: [] } }
}

describe('restore and save through the cache interface', () => {
  test('miss, save, then an exact hit that is not saved again', async () => {
    const backend = new MemoryCache()
    const dir = path.join(tmp(), 'target')
    const missed = await restoreEntry(backend, entry(dir, 'k-fp-lock1'))
    assert.equal(missed.matched, undefined)
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'obj.o'), 'object')
    assert.equal(await saveEntry(backend, missed), 6)
    fs.rmSync(dir, { recursive: true })
    const hit = await restoreEntry(backend, entry(dir, 'k-fp-lock1'))
    assert.equal(hit.matched, 'k-fp-lock1')
    assert.equal(hit.restoredBytes, 6)
    assert.equal(fs.readFileSync(path.join(dir, 'obj.o'), 'utf8'), 'object')
    assert.equal(await saveEntry(backend, hit), undefined)
    assert.deepEqual(backend.calls, ['restore k-fp-lock1', 'save k-fp-lock1', 'restore k-fp-lock1'])
  })
  test('a new lockfile restores by prefix and saves the new key', async () => {
    const backend = new MemoryCache()
    const dir = path.join(tmp(), 'target')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'a'), 'x')
    await saveEntry(backend, entry(dir, 'k-fp-lock1'))
    const restored = await restoreEntry(backend, entry(dir, 'k-fp-lock2'))
    assert.equal(restored.matched, 'k-fp-lock1')
    await saveEntry(backend, restored)
    assert.ok(backend.store.has('k-fp-lock2'))
  })
  test('another fingerprint never restores', async () => {
    const backend = new MemoryCache()
    const dir = path.join(tmp(), 'target')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'a'), 'x')
    await saveEntry(backend, entry(dir, 'k-fp1-lock1'))
    assert.equal((await restoreEntry(backend, entry(dir, 'k-fp2-lock1'))).matched, undefined)
  })
  test('service errors warn and the build goes on', async () => {
    const backend = new MemoryCache(true, 'Cache service responded with 503')
    const dir = path.join(tmp(), 'target')
    const restore = await stdoutOf(() => restoreEntry(backend, entry(dir, 'k-fp-lock')))
    assert.equal(restore.result.matched, undefined)
    assert.match(restore.output, /^::warning::Restoring the target cache failed; building without it: Cache service responded with 503$/m)
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'a'), 'x')
    const save = await stdoutOf(() => saveEntry(backend, restore.result))
    assert.equal(save.result, undefined)
    assert.match(save.output, /^::warning::.*target.*Cache service responded with 503$/m)
  })
})

describe('the stamp in the target directory', () => {
  test('same configuration keeps the directory; another one cleans it; no stamp cleans it', () => {
    const dir = path.join(tmp(), 'x86_64-unknown-linux-gnu')
    assert.equal(enforceStamp(dir, 'fp1'), 'fresh')
    writeStamp(dir, 'fp1')
    fs.writeFileSync(path.join(dir, 'simd.o'), 'avx2 object')
    assert.equal(enforceStamp(dir, 'fp1'), 'same')
    assert.ok(fs.existsSync(path.join(dir, 'simd.o')))
    assert.equal(enforceStamp(dir, 'fp2'), 'other')
    assert.equal(fs.existsSync(dir), false)
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'simd.o'), 'from a project cache')
    assert.equal(enforceStamp(dir, 'fp2'), 'unknown')
    assert.equal(fs.existsSync(dir), false)
    writeStamp(dir, 'fp2')
    assert.match(fs.readFileSync(path.join(dir, STAMP_FILE), 'utf8'), /fp2/)
  })
})

describe('pruning before save', () => {
  test('artifact names', () => {
    const cases: [string, string | undefined][] = [
      ['libring-0123456789abcdef.rlib', 'ring'],
      ['ring-0123456789abcdef', 'ring'],
      ['ring_hello-0123456789abcdef.d', 'ring_hello'],
      ['build-script-build', undefined],
      ['libc-0123456789abcdef', 'libc'],
      ['liblibc-0123456789abcdef.rlib', 'libc'],
      ['libc-0123456789abcdef.d', 'libc'],
    ]
    for (const [file, crate] of cases) assert.equal(crateOfArtifact(file), crate, file)
  })
  test('own crates, incremental data, staged binaries and unlocked crates go; locked dependencies stay', () => {
    const root = tmp()
    const profile = path.join(root, 'target', 'aarch64-unknown-linux-gnu', 'release')
    const files = [
      'deps/libring-0123456789abcdef.rlib',
      'deps/ring_hello-0123456789abcdef',
      'deps/libold_crate-0123456789abcdef.rlib',
      '.fingerprint/ring-0123456789abcdef/lib-ring',
      '.fingerprint/ring-hello-0123456789abcdef/bin-ring-hello',
      'build/ring-0123456789abcdef/out/libring-core.a',
      'incremental/ring_hello-1/s-1/x',
      'ring-hello',
      'ring-hello.d',
    ]
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(profile, file)), { recursive: true })
      fs.writeFileSync(path.join(profile, file), 'x')
    }
    const stageDir = path.join(root, 'target', 'xbuild', 'aarch64-unknown-linux-gnu')
    fs.mkdirSync(stageDir, { recursive: true })
    fs.writeFileSync(path.join(stageDir, 'ring-hello'), 'x')
    const removed = pruneTargetDir({ profileDirs: [profile, path.join(root, 'target', 'release')], workspaceCrates: ['ring-hello'], lockedCrates: ['ring', 'ring-hello', 'libc'], stageDir })
    assert.ok(removed > 0)
    const left = (Array.from(fs.readdirSync(profile, { recursive: true, encoding: 'utf8' })) as string[]).filter((f) => fs.statSync(path.join(profile, f)).isFile()).sort()
    assert.deepEqual(left, ['.fingerprint/ring-0123456789abcdef/lib-ring', 'build/ring-0123456789abcdef/out/libring-core.a', 'deps/libring-0123456789abcdef.rlib'])
    assert.equal(fs.existsSync(stageDir), false)
  })
})
