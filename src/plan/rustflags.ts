/**
 * The effective rustflags (cargo's rules: docs/how-it-works.md#flags-that-arrive): the project's own flags from
 * the one source cargo would use; `-C target-cpu`/`target-feature` that contradict the
 * requested baseline replaced, and `target-cpu=native` dropped for a cross target; then
 * the baseline, the linker's flags and the `rustflags` input; the path remaps go first. They reach cargo as
 * CARGO_ENCODED_RUSTFLAGS, the source cargo prefers over every other. Pure.
 */
import { cfgMatches, type CfgSet } from '../common/cfg.js'
import type { Baseline } from '../common/cpu.js'
import { rustFlagsForBaseline } from '../common/cpu.js'
import { codegenAt } from '../common/codegen.js'
import type { ConfigFile } from './cargo-config.js'

export interface ProjectFlags {
  flags: string[]
  /** Where cargo would take them from, for messages: `RUSTFLAGS`, `target.x.rustflags in /p/.cargo/config.toml` */
  source: string
  /** Config rustflags that cargo ignores because an environment variable wins */
  shadowed?: string
}

/** A config value of rustflags: a TOML array, or a string split on whitespace. */
function flagList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String)
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean)
  return []
}

function table(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

interface Found {
  flags: string[]
  where: string[]
}

/** `target.<triple>.rustflags` and every matching `target.'cfg(..)'.rustflags`, joined low→high precedence. */
function targetTableFlags(configs: readonly ConfigFile[], env: Record<string, string | undefined>, triple: string, cargoEnvName: string, cfg: CfgSet): Found {
  const found: Found = { flags: [], where: [] }
  for (const config of configs) {
    const targets = table(config.data.target) ?? {}
    for (const [key, value] of Object.entries(targets)) {
      const flags = table(value)?.rustflags
      if (flags === undefined) continue
      if (key === triple || (key.startsWith('cfg(') && cfgMatches(key, cfg))) {
        found.flags.push(...flagList(flags))
        found.where.push(`[target.${key.startsWith('cfg(') ? `'${key}'` : key}] rustflags in ${config.path}`)
      }
    }
  }
  const envName = `CARGO_TARGET_${cargoEnvName}_RUSTFLAGS`
  if (env[envName] !== undefined) {
    found.flags.push(...flagList(env[envName]))
    found.where.push(envName)
  }
  return found
}

function buildTableFlags(configs: readonly ConfigFile[], env: Record<string, string | undefined>): Found {
  const found: Found = { flags: [], where: [] }
  for (const config of configs) {
    const flags = table(config.data.build)?.rustflags
    if (flags === undefined) continue
    found.flags.push(...flagList(flags))
    found.where.push(`[build] rustflags in ${config.path}`)
  }
  if (env.CARGO_BUILD_RUSTFLAGS !== undefined) {
    found.flags.push(...flagList(env.CARGO_BUILD_RUSTFLAGS))
    found.where.push('CARGO_BUILD_RUSTFLAGS')
  }
  return found
}

/**
 * The flags cargo itself would use for this target. First match wins, and a variable
 * that is set but empty still wins (it silently disables every config rustflags).
 * `configs` are ordered from lowest precedence ($CARGO_HOME) to highest (the project dir).
 */
export function projectRustflags(configs: readonly ConfigFile[], env: Record<string, string | undefined>, triple: string, cargoEnvName: string, cfg: CfgSet): ProjectFlags {
  const fromTarget = targetTableFlags(configs, env, triple, cargoEnvName, cfg)
  const fromBuild = buildTableFlags(configs, env)
  const configured = fromTarget.where.length ? fromTarget : fromBuild
  const shadowed = configured.where.length ? configured.where.join(', ') : undefined
  const encoded = env.CARGO_ENCODED_RUSTFLAGS
  if (encoded !== undefined) {
    return { flags: encoded === '' ? [] : encoded.split('\x1f'), source: 'CARGO_ENCODED_RUSTFLAGS', shadowed }
  }
  if (env.RUSTFLAGS !== undefined) {
    return { flags: flagList(env.RUSTFLAGS), source: 'RUSTFLAGS', shadowed }
  }
  if (fromTarget.where.length) return { flags: fromTarget.flags, source: fromTarget.where.join(', ') }
  if (fromBuild.where.length) return { flags: fromBuild.flags, source: fromBuild.where.join(', ') }
  return { flags: [], source: 'none' }
}

export interface ComposeRequest {
  project: ProjectFlags
  baseline: Baseline
  /** True when the target is not the machine running the build */
  cross: boolean
  /** Flags the linker choice needs (e.g. -Clink-self-contained=no for zig and musl) */
  linkFlags: string[]
  /** The `rustflags` input, appended last */
  extra: string[]
  /** --remap-path-prefix flags, put first so that the project's and the input's own maps win (the last match wins) */
  remapFlags?: string[]
}

export interface ComposedFlags {
  flags: string[]
  warnings: string[]
}

export function composeRustflags(request: ComposeRequest): ComposedFlags {
  const { project, baseline, cross } = request
  const warnings: string[] = []
  const kept: string[] = []
  const overridden = new Map(baseline.features.map((f) => [f.slice(1), f]))
  for (let index = 0; index < project.flags.length;) {
    const codegen = codegenAt(project.flags, index)
    const original = project.flags.slice(index, index + (codegen?.width ?? 1))
    index += codegen?.width ?? 1
    if (codegen?.key === 'target-cpu') {
      if (baseline.cpu) {
        if (codegen.value !== baseline.cpu) {
          warnings.push(`Replaced '${original.join(' ')}' from ${project.source} with the target-cpu input '${baseline.cpu}'.`)
        }
        continue
      }
      if (cross && codegen.value === 'native') {
        warnings.push(`Dropped '${original.join(' ')}' from ${project.source}: 'native' is the build machine's CPU, not the target's. Set target-cpu to choose a baseline.`)
        continue
      }
    }
    if (codegen?.key === 'target-feature' && overridden.size) {
      const features = codegen.value.split(',').filter(Boolean)
      const contradicting = features.filter((f) => {
        const mine = overridden.get(f.slice(1))
        return mine !== undefined && mine !== f
      })
      if (contradicting.length) {
        warnings.push(`Removed ${contradicting.join(',')} from '${original.join(' ')}' (${project.source}): the target-features input says otherwise.`)
        const rest = features.filter((f) => !contradicting.includes(f))
        if (rest.length) kept.push(`-Ctarget-feature=${rest.join(',')}`)
        continue
      }
    }
    kept.push(...original)
  }
  return { flags: [...(request.remapFlags ?? []), ...kept, ...rustFlagsForBaseline(baseline), ...request.linkFlags, ...request.extra], warnings }
}

/** CARGO_ENCODED_RUSTFLAGS: the one source cargo always prefers, with no quoting issues. */
export function encodeRustflags(flags: readonly string[]): string {
  return flags.join('\x1f')
}
