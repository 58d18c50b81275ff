/**
 * Path remapping for reproducible binaries (docs/reproducibility.md): rustc embeds the absolute
 * paths of non-member crates in panic messages and debug info, and C compilers write
 * the directory they ran in. Each folder that can differ between two checkouts is mapped
 * to a fixed name: `--remap-path-prefix` for rustc, `-ffile-prefix-map` for C and C++.
 * Pure: the folders are found by the caller.
 */
import path from 'node:path'
import type { ConfigFile } from './cargo-config.js'
import { isInside } from '../common/paths.js'

export interface PathRemap {
  from: string
  to: string
}

export interface RemapRequest {
  /** The checkout (GITHUB_WORKSPACE) */
  workspace: string
  /** The working directory, when it is outside the checkout */
  workDir: string
  cargoHome: string
  /** CARGO_TARGET_DIR or build.target-dir, when set */
  targetDir?: string
  /** Directory sources from the cargo config files, by source name */
  directorySources: Record<string, string>
  /** `<sysroot>/lib/rustlib/src/rust`, with build-std only */
  rustSrc?: string
}

/**
 * The maps, least specific first: rustc and GCC both let the LAST matching map win
 * (measured), so a folder nested in another (a CARGO_HOME inside the checkout) keeps its
 * own name whichever of the two builds nests it. Folders inside one already mapped get a
 * map of their own only when they can move independently (CARGO_HOME, the target dir).
 */
export function pathRemaps(request: RemapRequest): PathRemap[] {
  const maps: PathRemap[] = [{ from: request.workspace, to: '/ws' }]
  if (!isInside(request.workspace, request.workDir)) maps.push({ from: request.workDir, to: '/wd' })
  maps.push({ from: request.cargoHome, to: '/cargo' })
  for (const [name, dir] of Object.entries(request.directorySources).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!isInside(request.workspace, dir) && !isInside(request.cargoHome, dir)) maps.push({ from: dir, to: `/source/${name}` })
  }
  if (request.targetDir) maps.push({ from: request.targetDir, to: '/target' })
  if (request.rustSrc) maps.push({ from: request.rustSrc, to: '/rustc-src' })
  const unique = new Map(maps.map((map) => [path.resolve(map.from), { from: path.resolve(map.from), to: map.to }]))
  return [...unique.values()].sort((a, b) => a.from.length - b.from.length)
}

export const rustRemapFlags = (maps: readonly PathRemap[]): string[] => maps.map((map) => `--remap-path-prefix=${map.from}=${map.to}`)
export const cRemapFlags = (maps: readonly PathRemap[]): string[] => maps.map((map) => `-ffile-prefix-map=${map.from}=${map.to}`)

/**
 * The flags as the manifest and the cache fingerprint record them: a map's FROM is the
 * runner's path, which must change neither the recorded bytes nor the cache key (cargo
 * itself rebuilds what a changed flag affects; the remaps change no crate hash, measured).
 */
export function portableFlags(flags: readonly string[], maps: readonly PathRemap[]): string[] {
  const ours = new Set(rustRemapFlags(maps))
  // Ordered by name: the real order follows the lengths of the runner's paths.
  const recorded = [...maps].sort((a, b) => (a.to < b.to ? -1 : 1)).map((map) => `--remap-path-prefix=<${map.to.slice(1).split('/')[0]}>=${map.to}`)
  return [...recorded, ...flags.filter((flag) => !ours.has(flag))]
}

/** `[source.<name>] directory = "..."` of every config file, relative paths against the folder holding `.cargo/`. */
export function directorySources(configs: readonly ConfigFile[]): Record<string, string> {
  const found: Record<string, string> = {}
  for (const config of configs) {
    const sources = config.data.source
    if (!sources || typeof sources !== 'object') continue
    for (const [name, value] of Object.entries(sources as Record<string, unknown>)) {
      const dir = (value as { directory?: unknown } | undefined)?.directory
      if (typeof dir === 'string') found[name] = path.resolve(path.dirname(path.dirname(config.path)), dir)
    }
  }
  return found
}

/** `build.target-dir` of the config files (the last, most specific, wins), resolved like cargo does. */
export function configTargetDir(configs: readonly ConfigFile[]): string | undefined {
  let found: string | undefined
  for (const config of configs) {
    const dir = (config.data.build as { 'target-dir'?: unknown } | undefined)?.['target-dir']
    if (typeof dir === 'string') found = path.resolve(path.dirname(path.dirname(config.path)), dir)
  }
  return found
}
