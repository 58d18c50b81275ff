/**
 * The build cache: restore before the build, save in the post step. Two entries with
 * different lifetimes: cargo home's registry and git databases (keyed by the lockfile)
 * and the target directory for this target (keyed by the configuration fingerprint).
 * The cache never fails the build: every problem here is a warning.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { judgeStamp, stampText, type CacheKeys, type StampVerdict } from './keys.js'
import { hasCacheService } from '../common/runner.js'

/** The storage behind the cache: @actions/cache in production, memory in tests. */
export interface CacheBackend {
  available(): Promise<boolean>
  /** The key that matched (exact or by prefix), or undefined on a miss */
  restore(paths: string[], key: string, restoreKeys: string[]): Promise<string | undefined>
  /** false when the backend declined or failed and has said why */
  save(paths: string[], key: string): Promise<boolean>
}

// @actions/cache is loaded on first use: it is most of the bundle's start-up time, and
// builds with cache: false never need it.
const actionsCache = (): Promise<typeof import('@actions/cache')> => import('@actions/cache')

export const actionsCacheBackend: CacheBackend = {
  // Without the runner's cache service variables there is no service: no need to load the client.
  available: async () => hasCacheService() && (await actionsCache()).isFeatureAvailable(),
  restore: async (paths, key, restoreKeys) => (await actionsCache()).restoreCache(paths, key, restoreKeys),
  // saveCache warns by itself and returns -1 when it could not save.
  save: async (paths, key) => (await (await actionsCache()).saveCache(paths, key)) !== -1,
}

/** One cache entry: what it holds and under which keys. Passed to the post step through state. */
export interface CacheEntry {
  name: 'registry' | 'target' | 'zig'
  paths: string[]
  keys: CacheKeys
  /** The key restore matched, if any */
  matched?: string
  restoredBytes?: number
}

export interface CacheState {
  entries: CacheEntry[]
  /** cache-save: false leaves everything unsaved */
  save?: boolean
  /** cache-on-failure: save after a failed main step too */
  onFailure?: boolean
  /** What pruning needs to know about the target directory */
  prune: PruneRequest
}

export const STATE_KEY = 'rust-xbuild-cache'
/** Saved by the main step when it reaches its end without failing; a main that never got there failed. */
export const MAIN_STATE_KEY = 'rust-xbuild-main'
export const MAIN_SUCCEEDED = 'succeeded'

/** Total size of files under the paths (symlinks not followed). */
export function sizeOf(paths: readonly string[]): number {
  let total = 0
  const walk = (file: string): void => {
    let stat: fs.Stats
    try {
      stat = fs.lstatSync(file)
    } catch {
      return
    }
    if (stat.isDirectory()) for (const child of fs.readdirSync(file)) walk(path.join(file, child))
    else total += stat.size
  }
  for (const file of paths) walk(file)
  return total
}

export async function restoreEntry(backend: CacheBackend, entry: CacheEntry): Promise<CacheEntry> {
  try {
    const matched = await backend.restore(entry.paths, entry.keys.key, entry.keys.restoreKeys)
    if (!matched) {
      core.info(`${entry.name}: no cache for ${entry.keys.key}`)
      return entry
    }
    const restoredBytes = sizeOf(entry.paths)
    core.info(`${entry.name}: restored ${matched}${matched === entry.keys.key ? ' (exact)' : ' (by prefix)'}`)
    return { ...entry, matched, restoredBytes }
  } catch (error) {
    core.warning(`Restoring the ${entry.name} cache failed; building without it: ${errorMessage(error)}`)
    return entry
  }
}

/** Save unless the exact key was restored (nothing new to store). Returns the saved size. */
export async function saveEntry(backend: CacheBackend, entry: CacheEntry): Promise<number | undefined> {
  const outcome = await saveEntryOutcome(backend, entry)
  return typeof outcome === 'number' ? outcome : undefined
}

/** The saved size, or why nothing was saved (for the job summary). */
export async function saveEntryOutcome(backend: CacheBackend, entry: CacheEntry): Promise<number | string> {
  if (entry.matched === entry.keys.key) {
    core.info(`${entry.name}: exact hit on ${entry.keys.key}, not saving again.`)
    return 'exact hit, not saved again'
  }
  const existing = entry.paths.filter((file) => fs.existsSync(file))
  if (!existing.length) {
    core.info(`${entry.name}: nothing to save.`)
    return 'nothing to save'
  }
  const bytes = sizeOf(existing)
  try {
    if (!(await backend.save(existing, entry.keys.key))) {
      // @actions/cache reports a refused reservation as info only; the job still says it here.
      core.warning(`The ${entry.name} cache was not saved under ${entry.keys.key}: the cache service declined (another job may have saved this key first) or failed, as logged above. The job goes on.`)
      return 'not saved (see the warning)'
    }
    core.info(`${entry.name}: saved ${entry.keys.key} (${bytes} bytes before compression)`)
    return bytes
  } catch (error) {
    // Another job saving the same key first, a too-large entry, the service down: never fatal.
    core.warning(`Saving the ${entry.name} cache failed: ${errorMessage(error)}`)
    return 'not saved (see the warning)'
  }
}

export const STAMP_FILE = '.rust-xbuild-stamp'

/**
 * A target directory built under another configuration (another stamp, or none: a
 * self-hosted runner's leftovers, a project's own cache) is cleaned for this target:
 * the cmake crate and others do not rebuild C objects when only flags change.
 */
export function enforceStamp(tripleDir: string, fingerprintValue: string): StampVerdict {
  const stampFile = path.join(tripleDir, STAMP_FILE)
  const exists = fs.existsSync(tripleDir)
  const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : undefined
  const verdict = judgeStamp(exists, stamp, fingerprintValue)
  if (verdict === 'other' || verdict === 'unknown') {
    core.notice(
      `Cleaned ${tripleDir}: it was built ${verdict === 'other' ? 'under another build configuration' : 'without rust-xbuild (no stamp)'}, and C objects from build scripts (the cmake crate, cc without rerun-if-env-changed) would not be rebuilt for the new flags.`,
    )
    fs.rmSync(tripleDir, { recursive: true, force: true })
  }
  return verdict
}

export function writeStamp(tripleDir: string, fingerprintValue: string): void {
  fs.mkdirSync(tripleDir, { recursive: true })
  fs.writeFileSync(path.join(tripleDir, STAMP_FILE), stampText(fingerprintValue))
}

export interface PruneRequest {
  /** <target-dir>/<triple>/<profile-dir> and the host <target-dir>/<profile-dir> */
  profileDirs: string[]
  /** Names of the workspace's own crates, as cargo writes them (hyphens as underscores too) */
  workspaceCrates: string[]
  /** Crate names in Cargo.lock */
  lockedCrates: string[]
  /** The staging directory, never worth caching */
  stageDir: string
}

/** `.fingerprint/<name>-<hash>`, `build/<name>-<hash>`, `deps/lib<name>-<hash>.rlib` → name */
export function crateOfArtifact(fileName: string): string | undefined {
  const library = /^lib([A-Za-z0-9_-]+?)-[0-9a-f]{16}\.(rlib|rmeta|so|a|dylib)$/.exec(fileName)
  if (library) return library[1]
  return /^([A-Za-z0-9_-]+?)-[0-9a-f]{16}(?:\.[a-z]+)?$/.exec(fileName)?.[1]
}

/** Before saving: drop what has no value next time. Returns the bytes removed. */
export function pruneTargetDir(request: PruneRequest): number {
  const normalise = (name: string): string => name.replace(/-/g, '_')
  const own = new Set(request.workspaceCrates.map(normalise))
  const locked = new Set(request.lockedCrates.map(normalise))
  let removed = 0
  const remove = (file: string): void => {
    removed += sizeOf([file])
    fs.rmSync(file, { recursive: true, force: true })
  }
  if (fs.existsSync(request.stageDir)) remove(request.stageDir)
  for (const dir of request.profileDirs) {
    if (!fs.existsSync(dir)) continue
    for (const transient of ['incremental', 'examples']) if (fs.existsSync(path.join(dir, transient))) remove(path.join(dir, transient))
    for (const sub of ['deps', 'build', '.fingerprint']) {
      const folder = path.join(dir, sub)
      if (!fs.existsSync(folder)) continue
      for (const entry of fs.readdirSync(folder)) {
        const crate = crateOfArtifact(entry)
        if (crate === undefined) continue
        const name = normalise(crate)
        // The workspace's own crates are rebuilt anyway; crates gone from the lockfile never will be used.
        if (own.has(name) || (locked.size && !locked.has(name) && !name.startsWith('build_script_'))) remove(path.join(folder, entry))
      }
    }
    // The final executables and their dep-info files at the profile root.
    for (const entry of fs.readdirSync(dir)) {
      const file = path.join(dir, entry)
      if (fs.statSync(file).isFile() && own.has(normalise(entry.replace(/\.(d|exe|pdb)$/, '')))) remove(file)
    }
  }
  return removed
}
