/**
 * The runner's environment, read in one place (as docker's actions-toolkit does): the
 * workspace, the temporary folder, the runner's OS and architecture, the services and
 * tokens a runner provides. Everything else reads these functions, not process.env.
 */
import os from 'node:os'
import path from 'node:path'
import { TEMP_FOLDER } from './constants.js'

export type Environment = Readonly<Record<string, string | undefined>>

/** The whole environment, only for exec.ts, which hands it to the programs it runs. */
export function environment(): Environment {
  return process.env
}

/** The variables whose names match, for the rules that depend on the user's variables (cargo's flag precedence, cache keys). */
export function variablesMatching(patterns: readonly RegExp[]): Record<string, string> {
  const found: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && patterns.some((pattern) => pattern.test(name))) found[name] = value
  return found
}

/** PATH as the action was started with. */
export function searchPath(): string {
  return process.env.PATH ?? ''
}

export function workspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd()
}

/** The action's own folder under RUNNER_TEMP (`<temp>/rust-xbuild/<name>`). */
export function actionTempDir(name: string): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), TEMP_FOLDER, name)
}

/**
 * The machine the action runs on, as node names it (linux/x64): the one notion of the host for
 * what is downloaded for it and what its caches are keyed by. (What is built is decided by
 * rustc's host triple, `Host` in common/target.ts, which names the same machine.)
 */
export function runnerMachine(): { os: NodeJS.Platform; arch: NodeJS.Architecture } {
  return { os: process.platform, arch: process.arch }
}

/** True on a GitHub Actions runner (not a local run). */
export function onActionsRunner(): boolean {
  return process.env.GITHUB_ACTIONS === 'true'
}

/** The artifact service (v4, the results service) needs the runtime token and the results URL a runner provides. */
export function hasArtifactService(): boolean {
  return Boolean(process.env.ACTIONS_RUNTIME_TOKEN && process.env.ACTIONS_RESULTS_URL)
}

/**
 * @actions/cache's rule for which service it talks to (internal/config.js): v2 when
 * ACTIONS_CACHE_SERVICE_V2 is set to anything, except on GitHub Enterprise Server, which has no
 * v2; the server counts as GHES unless GITHUB_SERVER_URL's host is github.com, *.ghe.com or
 * *.localhost. Undefined when GITHUB_SERVER_URL is no URL (the library would throw).
 */
export function cacheServiceVersion(env: Environment): 'v1' | 'v2' | undefined {
  let host: string
  try {
    host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname.toUpperCase()
  } catch {
    return undefined
  }
  const ghes = host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST')
  return !ghes && env.ACTIONS_CACHE_SERVICE_V2 ? 'v2' : 'v1'
}

/** Whether the cache has a service, as `isFeatureAvailable()` decides: v2 needs ACTIONS_RESULTS_URL, v1 ACTIONS_CACHE_URL. */
export function cacheServiceAvailable(env: Environment): boolean {
  const version = cacheServiceVersion(env)
  return version === 'v2' ? Boolean(env.ACTIONS_RESULTS_URL) : version === 'v1' && Boolean(env.ACTIONS_CACHE_URL)
}

export function hasCacheService(): boolean {
  return cacheServiceAvailable(process.env)
}

export function hasStepSummary(): boolean {
  return Boolean(process.env.GITHUB_STEP_SUMMARY)
}

export function apiUrl(): string {
  return process.env.GITHUB_API_URL || 'https://api.github.com'
}

export function commitSha(): string | undefined {
  return process.env.GITHUB_SHA
}

export function gitRef(): string | undefined {
  return process.env.GITHUB_REF
}

/** SOURCE_DATE_EPOCH when the workflow sets a valid one. */
export function sourceDateEpoch(): number | undefined {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH)
  return Number.isFinite(epoch) && epoch > 0 ? epoch : undefined
}

/** `owner/name` of the workflow's repository. */
export function repository(): string | undefined {
  return process.env.GITHUB_REPOSITORY || undefined
}

export function serverUrl(): string {
  return process.env.GITHUB_SERVER_URL || 'https://github.com'
}

/** The user the workflow runs for: the default registry user name for ghcr.io. */
export function actor(): string | undefined {
  return process.env.GITHUB_ACTOR || undefined
}
