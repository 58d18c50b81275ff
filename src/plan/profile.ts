/**
 * The cargo profile's `debug` and `strip` as cargo resolves them (the variable
 * CARGO_PROFILE_<NAME>_<KEY>, then the config files' `[profile.<name>]`, then the workspace
 * Cargo.toml's, then the profile it inherits from, then cargo's built-in defaults), and what
 * `debug-symbols` sets for the cargo child so the binaries carry debug information. Pure.
 */

export interface ProfileSources {
  /** CARGO_PROFILE_* variables of the job */
  env: Record<string, string | undefined>
  /** The config files' data, lowest precedence first */
  configs: readonly Record<string, unknown>[]
  /** The workspace root's Cargo.toml, parsed */
  manifest?: Record<string, unknown>
}

type Value = string | number | boolean

const BUILT_IN: Record<string, Record<string, Value>> = {
  dev: { debug: true },
  release: { debug: false },
  test: { inherits: 'dev' },
  bench: { inherits: 'release' },
}

/** The debug setting `debug-symbols` gives a profile without debug information: function names, inlined frames, files and lines. */
export const DEBUG_LEVEL = 'limited'

export function profileVariable(profile: string, key: string): string {
  return `CARGO_PROFILE_${profile.toUpperCase().replace(/-/g, '_')}_${key.toUpperCase()}`
}

function profileTable(data: Record<string, unknown> | undefined, profile: string): Record<string, unknown> | undefined {
  const profiles = data?.profile
  if (!profiles || typeof profiles !== 'object') return undefined
  const table = (profiles as Record<string, unknown>)[profile]
  return table && typeof table === 'object' ? (table as Record<string, unknown>) : undefined
}

const isValue = (value: unknown): value is Value => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'

/** One setting of a profile, from the highest-precedence source that sets it; inherits followed. */
export function profileSetting(profile: string, key: string, sources: ProfileSources, seen: readonly string[] = []): Value | undefined {
  const fromEnv = sources.env[profileVariable(profile, key)]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  for (const data of [...sources.configs].reverse()) {
    const value = profileTable(data, profile)?.[key]
    if (isValue(value)) return value
  }
  const value = profileTable(sources.manifest, profile)?.[key]
  if (isValue(value)) return value
  const builtIn = BUILT_IN[profile]?.[key]
  if (builtIn !== undefined) return builtIn
  const inherits = key === 'inherits' ? undefined : profileSetting(profile, 'inherits', sources, seen)
  if (typeof inherits === 'string' && !seen.includes(inherits)) return profileSetting(inherits, key, sources, [...seen, profile])
  return undefined
}

/** Whether a `debug` value makes rustc emit DWARF (or CodeView) debug information beyond line directives. */
export function producesDebugInfo(value: Value | undefined): boolean {
  if (value === undefined) return false
  return ['true', '1', '2', 'limited', 'full', 'line-tables-only'].includes(String(value))
}

/** Whether a `strip` value removes debug information before the action sees the binary. */
export function stripsDebugInfo(value: Value | undefined): boolean {
  return value !== undefined && ['true', 'debuginfo', 'symbols'].includes(String(value))
}

/**
 * The variables for the cargo child that make the profile keep debug information, and the
 * notices saying so: debug set when the profile has none, strip turned off when cargo would
 * strip (the action strips the staged copies itself, after keeping their debug information).
 */
export function debugInfoEnv(profile: string, sources: ProfileSources): { env: Record<string, string>; notices: string[] } {
  const env: Record<string, string> = {}
  const notices: string[] = []
  const debug = profileSetting(profile, 'debug', sources)
  if (!producesDebugInfo(debug)) {
    env[profileVariable(profile, 'debug')] = DEBUG_LEVEL
    notices.push(
      `debug-symbols: the ${profile} profile has debug = ${JSON.stringify(debug ?? false)}, so this build sets ${profileVariable(profile, 'debug')}=${DEBUG_LEVEL} for cargo (functions, inlined frames, files and lines); your files are unchanged. Set debug in [profile.${profile}] to choose another level.`,
    )
  }
  const strip = profileSetting(profile, 'strip', sources)
  if (stripsDebugInfo(strip)) {
    env[profileVariable(profile, 'strip')] = 'none'
    notices.push(
      `debug-symbols: the ${profile} profile has strip = ${JSON.stringify(strip)}, which would drop the debug information before it is kept; this build sets ${profileVariable(profile, 'strip')}=none for cargo, and the action strips the staged copies itself.`,
    )
  }
  return { env, notices }
}
