/**
 * The Build cache phase of the main step (keys, restore, the stamp rule) and the post
 * step (prune, save). The configuration is computed once here and handed to the post
 * step through state.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { parse as parseToml } from 'smol-toml'
import { fingerprint, registryCacheKeys, RELEVANT_VARIABLES, relevantEnv, targetCacheKeys, zigCacheKeys, type FingerprintParts } from './keys.js'
import { enforceStamp, pruneTargetDir, writeStamp, restoreEntry, saveEntryOutcome, MAIN_STATE_KEY, MAIN_SUCCEEDED, STATE_KEY, type CacheBackend, type CacheEntry, type CacheState } from './store.js'
import { renderCacheSummary, whyNotSaved, type SavedEntry } from './report.js'
import { Output } from '../common/constants.js'
import { variablesMatching, hasStepSummary, onActionsRunner, runnerMachine } from '../common/runner.js'
import { errorMessage } from '../errors.js'
import type { BuildRequest } from '../inputs/phase.js'
import { cargoSelectionArgs, type BuildPlan } from '../plan/build-plan.js'
import { defaultCargoHome } from '../plan/cargo-config.js'
import { encodeRustflags } from '../plan/rustflags.js'
import { workspacePackages, type CargoMetadata } from '../setup/metadata.js'
import type { SelectedToolchain, TargetSetup } from '../setup/phase.js'
import { linkerIdentity } from '../setup/linker.js'
import { actionsCacheBackend } from './store.js'

/** Cargo's directory name for a profile. */
export function profileDirName(profile: string): string {
  if (profile === 'dev' || profile === 'test') return 'debug'
  if (profile === 'bench') return 'release'
  return profile
}

export function lockedCrateNames(lockText: string): string[] {
  const lock = parseToml(lockText) as { package?: { name?: string }[] }
  return [...new Set((lock.package ?? []).map((p) => p.name ?? '').filter(Boolean))]
}

export interface CacheRequest {
  enabled: boolean
  /** cache-save and cache-on-failure, for the post step */
  save: boolean
  onFailure: boolean
  backend: CacheBackend
  /** `cargo metadata --no-deps`, read by the project check */
  manifests: CargoMetadata
  cargoHome: string
  /** Variables the action adds to cargo's environment (compiler wrappers, pkg-config, protoc, the encoded rustflags) */
  cargoEnv: Record<string, string>
  triple: string
  profile: string
  rustcVerbose: string
  parts: Omit<FingerprintParts, 'env'>
  stageDir: string
  /** zig's global cache folder, target, CPU and version, when zig links */
  zig?: { dir: string; target: string; cpu: string; version: string }
}

export interface CacheOutcome {
  fingerprint: string
  tripleDir: string
  entries: CacheEntry[]
  /** true only on an exact hit of the target entry */
  hit: boolean
  stamp: string
}

/** What of the project the keys and the pruning read: the lock file and the members' manifests. */
interface ProjectFiles {
  targetDirectory: string
  lockText: string
  /** The lock file, then each member's manifest path (relative) and text, in path order */
  lockAndManifests: string
  /** The members' names and their targets' names: the crates that are always rebuilt */
  workspaceCrates: string[]
}

function readProjectFiles(manifests: CargoMetadata): ProjectFiles {
  const root = manifests.workspace_root
  const lockFile = path.join(root, 'Cargo.lock')
  const lockText = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : ''
  const members = workspacePackages(manifests)
  const files = members.map((member) => member.manifest_path).sort()
  return {
    targetDirectory: manifests.target_directory,
    lockText,
    lockAndManifests: [lockText, ...files.map((file) => `${path.relative(root, file)}\n${fs.readFileSync(file, 'utf8')}`)].join('\n'),
    workspaceCrates: members.flatMap((member) => [member.name, ...member.targets.map((target) => target.name)]),
  }
}

/** The cache entries and their keys (pure but for the runner's name, which is read, not changed). */
function planEntries(request: CacheRequest, project: ProjectFiles, fingerprintValue: string): CacheEntry[] {
  const tripleDir = path.join(project.targetDirectory, request.triple)
  const targetKeys = targetCacheKeys({
    runnerOs: runnerMachine().os,
    runnerArch: runnerMachine().arch,
    triple: request.triple,
    rustcVersion: request.rustcVerbose,
    fingerprint: fingerprintValue,
    lockAndManifests: project.lockAndManifests,
  })
  for (const part of targetKeys.parts) core.info(`key part ${part.name}: ${part.value}`)
  const entries: CacheEntry[] = [
    { name: 'registry', paths: ['registry/index', 'registry/cache', 'git/db'].map((p) => path.join(request.cargoHome, p)), keys: registryCacheKeys(runnerMachine().os, project.lockText) },
    { name: 'target', paths: [tripleDir, path.join(project.targetDirectory, profileDirName(request.profile))], keys: targetKeys },
  ]
  if (request.zig) {
    const { dir, target, cpu, version } = request.zig
    entries.push({ name: 'zig', paths: [dir], keys: zigCacheKeys(runnerMachine().os, runnerMachine().arch, version, target, cpu) })
  }
  return entries
}

/** Restore each entry and hand the post step what it saves and prunes; the entries as restored. */
async function restoreEntries(request: CacheRequest, project: ProjectFiles, entries: CacheEntry[]): Promise<CacheEntry[]> {
  if (!request.enabled) {
    core.info('cache: false — not restoring or saving.')
    return entries
  }
  if (!(await request.backend.available())) {
    const say = onActionsRunner() ? core.warning : core.info
    say('The cache service is not available here (as on some GitHub Enterprise Server setups); building without the cache.')
    return entries
  }
  const restored = await Promise.all(entries.map((entry) => restoreEntry(request.backend, entry)))
  const profileDir = profileDirName(request.profile)
  const state: CacheState = {
    entries: restored,
    save: request.save,
    onFailure: request.onFailure,
    prune: {
      profileDirs: [path.join(project.targetDirectory, request.triple, profileDir), path.join(project.targetDirectory, profileDir)],
      workspaceCrates: project.workspaceCrates,
      // build-std's crates are not in the project's lockfile: keep them all then.
      lockedCrates: project.lockText && !request.parts.buildStd ? lockedCrateNames(project.lockText) : [],
      stageDir: request.stageDir,
    },
  }
  core.saveState(STATE_KEY, JSON.stringify(state))
  return restored
}

export async function prepareCache(request: CacheRequest): Promise<CacheOutcome> {
  const project = readProjectFiles(request.manifests)
  const fingerprintValue = fingerprint({ ...request.parts, env: relevantEnv({ ...variablesMatching(RELEVANT_VARIABLES), ...request.cargoEnv }) })
  const tripleDir = path.join(project.targetDirectory, request.triple)
  const entries = await restoreEntries(request, project, planEntries(request, project, fingerprintValue))
  // Whatever restored or left the directory, it is only reused under this configuration.
  const stamp = enforceStamp(tripleDir, fingerprintValue)
  core.info(`Target directory ${tripleDir}: ${stamp}`)
  // From here on the directory holds this configuration's objects, even if the build fails.
  writeStamp(tripleDir, fingerprintValue)
  const target = entries.find((entry) => entry.name === 'target')
  return { fingerprint: fingerprintValue, tripleDir, entries, hit: target?.matched === target?.keys.key && target?.matched !== undefined, stamp }
}

/** The Build cache phase: every part of the configuration that must bust the cache, then restore. */
export async function restoreBuildCache(
  { inputs, facts, stageDir }: BuildRequest,
  { toolchain }: SelectedToolchain,
  setup: TargetSetup,
  plan: BuildPlan,
  manifests: CargoMetadata,
): Promise<CacheOutcome> {
  const { linker, programPaths, rustcTarget } = setup
  const outcome = await prepareCache({
    enabled: inputs.cache,
    save: inputs.cacheSave,
    onFailure: inputs.cacheOnFailure,
    backend: actionsCacheBackend,
    manifests,
    cargoHome: defaultCargoHome(variablesMatching([/^CARGO_HOME$/])),
    cargoEnv: { ...plan.env, CARGO_ENCODED_RUSTFLAGS: encodeRustflags(plan.portableRustflags) },
    triple: facts.triple,
    profile: inputs.profile,
    rustcVerbose: toolchain.verbose,
    stageDir,
    zig: plan.zigCache && { ...plan.zigCache, version: setup.linkerVersion },
    parts: {
      // The remaps' runner paths change no crate hash: a new checkout path keeps the key.
      rustflags: plan.portableRustflags,
      cCompilers: [linker.cc, linker.cxx, linker.ar].map((tool) => (tool ? [programPaths[tool.program] ?? tool.program, ...tool.args].join(' ') : '')),
      cFlags: plan.cFlags,
      linker: linkerIdentity(linker),
      linkerVersion: setup.linkerVersion,
      glibc: inputs.glibc,
      targetCpu: rustcTarget.baseline.cpu,
      targetFeatures: rustcTarget.baseline.features,
      buildStd: inputs.buildStd,
      profile: inputs.profile,
      // Not the command: cargo test after cargo build (same flags and profile) reuses its objects.
      cargoArgs: [...cargoSelectionArgs(inputs), ...inputs.args],
      userKey: inputs.cacheKey,
    },
  })
  core.setOutput(Output.CacheHit, String(outcome.hit))
  return outcome
}

/** The post step's one phase: saving the cache never fails the job. */
export async function saveBuildCache(): Promise<void> {
  try {
    await core.group('Save the build cache', () => saveCaches(actionsCacheBackend))
  } catch (error) {
    core.warning(`rust-xbuild's post step failed: ${errorMessage(error)}`)
  }
}

/** The main step's last act: the post step (post-if: always()) saves after a failure only with cache-on-failure. */
export function markMainSucceeded(): void {
  core.saveState(MAIN_STATE_KEY, MAIN_SUCCEEDED)
}

/** Prune the target directory, then save what is new; unless cache-save or a failed build says not to. */
export async function saveCaches(backend: CacheBackend): Promise<void> {
  const text = core.getState(STATE_KEY)
  if (!text) return core.info('No cache to save (cache disabled, unavailable, or the build did not get that far).')
  try {
    const state = JSON.parse(text) as CacheState
    const succeeded = core.getState(MAIN_STATE_KEY) === MAIN_SUCCEEDED
    const skipped = whyNotSaved(state, succeeded)
    if (skipped) {
      core.info(`Not saving the cache: ${skipped}.`)
      return await writeCacheSummary({ skipped, entries: [], afterFailure: !succeeded })
    }
    if (!succeeded) core.info('The build failed; saving the cache anyway (cache-on-failure: true).')
    const target = state.entries.find((entry) => entry.name === 'target')
    let pruned: number | undefined
    if (target && target.matched !== target.keys.key) {
      pruned = pruneTargetDir(state.prune)
      core.info(`Pruned ${pruned} bytes (the workspace's own crates, incremental data, staged binaries, crates gone from Cargo.lock).`)
    }
    const entries: SavedEntry[] = []
    for (const entry of state.entries) entries.push({ entry, saved: await saveEntryOutcome(backend, entry) })
    await writeCacheSummary({ entries, pruned, afterFailure: !succeeded })
  } catch (error) {
    core.warning(`Saving the cache failed: ${errorMessage(error)}`)
  }
}

async function writeCacheSummary(result: Parameters<typeof renderCacheSummary>[0]): Promise<void> {
  if (hasStepSummary()) await core.summary.addRaw(renderCacheSummary(result)).write()
}
