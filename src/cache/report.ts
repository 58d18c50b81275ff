/**
 * What the post step did with the cache, as the job summary shows it: each entry saved (its
 * size) or why not, and what was pruned first. Pure.
 */
import type { CacheEntry } from './store.js'

/** Why the post step saves nothing, or undefined when it saves. */
export function whyNotSaved(state: { save?: boolean; onFailure?: boolean }, mainSucceeded: boolean): string | undefined {
  if (state.save === false) return 'cache-save is false for this run'
  if (!mainSucceeded && !state.onFailure) return 'the build failed or did not finish (cache-on-failure: false)'
  return undefined
}

export interface SavedEntry {
  entry: CacheEntry
  /** Bytes saved (before compression), or why nothing was */
  saved: number | string
}

/** Sizes people read: KiB below a MiB (a small target entry is a few KiB), else MiB. */
export const size = (bytes: number): string => (bytes < 1048576 ? `${bytes === 0 ? 0 : Math.max(1, Math.round(bytes / 1024))} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`)

export function renderCacheSummary(result: { skipped?: string; entries: readonly SavedEntry[]; pruned?: number; afterFailure: boolean }): string {
  const lines = ['', '### rust-xbuild cache', '']
  if (result.skipped) return [...lines, `Not saved: ${result.skipped}.`, ''].join('\n')
  if (result.afterFailure) lines.push('Saved after a failed build (cache-on-failure: true).', '')
  lines.push('| entry | key | saved |', '|---|---|---|')
  for (const { entry, saved } of result.entries) lines.push(`| ${entry.name} | \`${entry.keys.key}\` | ${typeof saved === 'number' ? size(saved) : saved} |`)
  lines.push(
    '',
    result.pruned === undefined
      ? 'Nothing pruned (the target directory was an exact hit).'
      : `Pruned before saving: ${size(result.pruned)} (the workspace's own crates, incremental data, staged binaries, crates gone from Cargo.lock).`,
    '',
  )
  return lines.join('\n')
}
