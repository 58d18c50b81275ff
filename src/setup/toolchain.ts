/**
 * The Rust toolchain: which one is active for the project, installing it and the target
 * only when missing (no network call when everything is present), and the facts the
 * plan needs from rustc.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { parse as parseToml } from 'smol-toml'
import { Input } from '../common/constants.js'
import { ActionError, InputError } from '../errors.js'
import { exec, which, type ExecResult } from '../exec.js'
import { searchPath } from '../common/runner.js'
import { closest } from '../common/target.js'

export interface Toolchain {
  kind: 'rustup' | 'system'
  /** rustup toolchain name (stable, 1.85.0, ...) */
  rustupName?: string
  /** Environment cargo and rustc need to select it */
  env: Record<string, string>
  /** `rustc -V` */
  version: string
  /** `rustc -vV`: the toolchain's identity for cache keys */
  verbose: string
  host: string
  release: string
  nightly: boolean
  sysroot: string
}

/** What a rust-toolchain(.toml) file asks for: rustup installs the components, targets and profile with the channel. */
export interface ToolchainFile {
  file: string
  channel: string
  components: string[]
  targets: string[]
  profile?: string
}

const PROFILES = ['minimal', 'default', 'complete']
// Names rustup takes as values; a leading '-' would be read as an option.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

function names(value: unknown, key: string, fileName: string): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || !NAME.test(item))) {
    throw new ActionError(`${fileName}: toolchain.${key} must be a list of names such as ${key === 'targets' ? '"aarch64-unknown-linux-gnu"' : '"rust-src"'}, not ${JSON.stringify(value)}.`)
  }
  return value as string[]
}

/** A rust-toolchain or rust-toolchain.toml file's text, read as rustup reads it; undefined when it names no channel. */
export function parseToolchainFile(text: string, fileName: string): Omit<ToolchainFile, 'file'> | undefined {
  if (fileName.endsWith('.toml') || /^\s*\[toolchain\]/m.test(text)) {
    const data = parseToml(text) as { toolchain?: Record<string, unknown> }
    const table = data.toolchain ?? {}
    const channel = typeof table.channel === 'string' ? table.channel.trim() : ''
    if (!channel) return undefined
    if (!NAME.test(channel)) throw new ActionError(`${fileName}: toolchain.channel must be a toolchain name such as "1.85.0" or "stable", not ${JSON.stringify(table.channel)}.`)
    const profile = table.profile
    if (profile !== undefined && (typeof profile !== 'string' || !PROFILES.includes(profile))) {
      throw new ActionError(`${fileName}: toolchain.profile must be one of ${PROFILES.join(', ')}, not ${JSON.stringify(profile)}.`)
    }
    return { channel, components: names(table.components, 'components', fileName), targets: names(table.targets, 'targets', fileName), ...(profile ? { profile } : {}) }
  }
  const line = text.trim().split('\n')[0]?.trim()
  if (!line) return undefined
  if (!NAME.test(line)) throw new ActionError(`${fileName}: the first line must be a toolchain name such as 1.85.0 or stable, not ${JSON.stringify(line)}.`)
  return { channel: line, components: [], targets: [] }
}

/** The project's toolchain file in the working directory or its parents, as rustup looks. */
export function findToolchainFile(start: string): ToolchainFile | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    for (const name of ['rust-toolchain', 'rust-toolchain.toml']) {
      const file = path.join(dir, name)
      if (fs.existsSync(file) && fs.statSync(file).isFile()) {
        const spec = parseToolchainFile(fs.readFileSync(file, 'utf8'), name)
        if (spec) return { file, ...spec }
      }
    }
    if (path.dirname(dir) === dir) return undefined
  }
}

/** `rustc -vV` fields. */
export function parseRustcVersion(output: string): { host: string; release: string } {
  const field = (name: string): string => new RegExp(`^${name}: (.*)$`, 'm').exec(output)?.[1]?.trim() ?? ''
  return { host: field('host'), release: field('release') }
}

/** Whether a rustup toolchain list entry ("stable-x86_64-unknown-linux-gnu (default)") is `name`. */
export function isInstalledToolchain(listOutput: string, name: string): boolean {
  return listOutput
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .some((installed) => installed === name || (installed.startsWith(`${name}-`) && /^-[a-z0-9_]+-[a-z0-9_]+-/.test(installed.slice(name.length))))
}

/** What to install with a toolchain that is missing: the file's profile, components and targets, else the minimal profile. */
export function installArgs(name: string, wants: { components: readonly string[]; targets: readonly string[]; profile?: string }): string[] {
  return [
    'toolchain',
    'install',
    name,
    '--profile',
    wants.profile ?? 'minimal',
    ...(wants.components.length ? ['--component', wants.components.join(',')] : []),
    ...(wants.targets.length ? ['--target', wants.targets.join(',')] : []),
    '--no-self-update',
  ]
}

/**
 * The requested components missing from `rustup component list --installed` (names with
 * the host's triple, "rust-std-aarch64-unknown-linux-gnu", or without, "rust-src").
 */
export function missingComponents(requested: readonly string[], installedList: string, host: string): string[] {
  const installed = new Set(installedList.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? ''))
  return requested.filter((name) => !installed.has(name) && !installed.has(`${name}-${host}`))
}

/** The requested targets missing from `rustup target list --installed`. */
export function missingTargets(requested: readonly string[], installedList: string): string[] {
  const installed = new Set(installedList.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? ''))
  return requested.filter((target) => !installed.has(target))
}

/**
 * cargo's and rustc's environment for a rustup toolchain: its own bin folder first on PATH,
 * so that the action, cargo and build scripts run that toolchain's cargo, rustc and rustdoc,
 * never another cargo earlier on the runner's PATH; RUSTUP_TOOLCHAIN for whatever calls
 * rustup's proxies, which must not install anything behind the action's back.
 */
export function rustupToolchainEnv(name: string, binDirs: readonly string[], runnerPath: string): Record<string, string> {
  const first = [...new Set(binDirs)]
  const rest = runnerPath.split(path.delimiter).filter((dir) => dir && !first.includes(dir))
  return { RUSTUP_TOOLCHAIN: name, RUSTUP_AUTO_INSTALL: '0', PATH: [...first, ...rest].join(path.delimiter) }
}

async function rustcFacts(env: Record<string, string>, cwd: string): Promise<Pick<Toolchain, 'version' | 'verbose' | 'host' | 'release' | 'nightly' | 'sysroot'>> {
  const [verbose, sysrootOutput] = await Promise.all([exec('rustc', ['-vV'], { env, cwd }), exec('rustc', ['--print', 'sysroot'], { env, cwd })])
  const { host, release } = parseRustcVersion(verbose.stdout)
  const sysroot = sysrootOutput.stdout.trim()
  return { version: verbose.stdout.split('\n')[0] ?? '', verbose: verbose.stdout, host, release, nightly: /-(nightly|dev)/.test(release), sysroot }
}

/**
 * rustup, never installing on its own: in a folder with a rust-toolchain.toml, any rustup
 * command (even `rustup toolchain list`) installs what the file asks for, over the network,
 * unless RUSTUP_AUTO_INSTALL=0 (rustup 1.28.1 and later).
 */
function rustup(args: string[]): Promise<ExecResult> {
  return exec('rustup', args, { env: { RUSTUP_AUTO_INSTALL: '0' } })
}

/** A rustup command that changes the installation, in the log with the time it took and what rustup said. */
async function rustupChange(args: string[]): Promise<void> {
  const started = Date.now()
  const said = (await rustup(args)).stderr.trim()
  core.info(`rustup ${args.join(' ')}: ${((Date.now() - started) / 1000).toFixed(1)} s${said ? `\n${said}` : ''}`)
}

/** Select (and if missing, install) the toolchain. Network only when something is not installed. */
export async function ensureToolchain(requested: string | undefined, cwd: string): Promise<Toolchain> {
  const rustupOnPath = requested === 'system' ? undefined : await which('rustup')
  if (!rustupOnPath) {
    if (requested && requested !== 'system') {
      throw new InputError(
        Input.Toolchain,
        requested,
        'rustup is not on PATH, so the action cannot select this toolchain; install rustup first, or use toolchain: system for the cargo and rustc on PATH.',
      )
    }
    if (!(await which('cargo')) || !(await which('rustc'))) {
      throw new ActionError('No Rust toolchain found: neither rustup nor cargo and rustc are on PATH. Install Rust first (for example with rustup).')
    }
    if (!requested) core.info('rustup is not on PATH: using the cargo and rustc on PATH.')
    return { kind: 'system', env: {}, ...(await rustcFacts({}, cwd)) }
  }

  // The toolchain input wins over the project's file, as RUSTUP_TOOLCHAIN does in rustup.
  const fromFile = requested ? undefined : findToolchainFile(cwd)
  const name = requested ?? fromFile?.channel ?? 'stable'
  const wants = { components: fromFile?.components ?? [], targets: fromFile?.targets ?? [], ...(fromFile?.profile ? { profile: fromFile.profile } : {}) }
  core.info(`Toolchain ${name} (${requested ? 'toolchain input' : fromFile ? fromFile.file : 'default'})`)
  const installed = isInstalledToolchain((await rustup(['toolchain', 'list'])).stdout, name)
  // Never `rustup toolchain install` on an installed toolchain: it checks the network for updates.
  if (installed) core.info(`${name} is installed.`)
  else await rustupChange(installArgs(name, wants))
  const bins = await Promise.all(['cargo', 'rustc'].map(async (tool) => path.dirname((await rustup(['which', '--toolchain', name, tool])).stdout.trim())))
  const env = rustupToolchainEnv(name, bins, searchPath())
  core.info(`cargo and rustc of ${name}: ${[...new Set(bins)].join(', ')}`)
  const facts = await rustcFacts(env, cwd)
  if (installed) await addMissing(name, wants, facts.host)
  return { kind: 'rustup', rustupName: name, env, ...facts }
}

/** The components and targets a toolchain file asks for that an installed toolchain lacks. */
async function addMissing(name: string, wants: { components: readonly string[]; targets: readonly string[] }, host: string): Promise<void> {
  if (wants.components.length) {
    const missing = missingComponents(wants.components, (await rustup(['component', 'list', '--installed', '--toolchain', name])).stdout, host)
    if (missing.length) await rustupChange(['component', 'add', '--toolchain', name, ...missing])
  }
  if (wants.targets.length) {
    const missing = missingTargets(wants.targets, (await rustup(['target', 'list', '--installed', '--toolchain', name])).stdout)
    if (missing.length) await rustupChange(['target', 'add', '--toolchain', name, ...missing])
  }
}

/** Refuse unknown triples with the closest ones rustc knows. */
export async function checkTargetKnown(toolchain: Toolchain, triple: string, targetAsGiven: string, cwd: string): Promise<void> {
  const list = (await exec('rustc', ['--print', 'target-list'], { env: toolchain.env, cwd })).stdout.split('\n').filter(Boolean)
  if (list.includes(triple)) return
  const suggestions = closest(triple, list)
  const hint = suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ''
  throw new InputError(Input.Target, targetAsGiven, `${triple} is not a target ${toolchain.version} knows (rustc --print target-list).${hint}`)
}

function hasStd(sysroot: string, triple: string): boolean {
  const lib = path.join(sysroot, 'lib', 'rustlib', triple, 'lib')
  return fs.existsSync(lib) && fs.readdirSync(lib).some((file) => /^libstd-.*\.rlib$/.test(file))
}

function hasRustSrc(sysroot: string): boolean {
  return fs.existsSync(path.join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library', 'std', 'Cargo.toml'))
}

/**
 * Make the target buildable: its std (rustup target add, only when missing), or with
 * build-std the rust-src component. Fails with advice when there is no std to be had.
 */
export async function ensureTarget(toolchain: Toolchain, triple: string, buildStd: boolean): Promise<void> {
  if (buildStd) {
    if (hasRustSrc(toolchain.sysroot)) return core.info('rust-src is installed: the standard library is built from source.')
    if (toolchain.kind === 'rustup' && toolchain.rustupName) {
      core.info('Adding the rust-src component for build-std.')
      await rustupChange(['component', 'add', 'rust-src', '--toolchain', toolchain.rustupName])
      return
    }
    throw new ActionError(
      `build-std needs the standard library's source, which ${toolchain.version} does not have at ${toolchain.sysroot}/lib/rustlib/src. Install it (rustup component add rust-src, or Debian's rust-src package).`,
    )
  }
  if (hasStd(toolchain.sysroot, triple)) return core.info(`The standard library for ${triple} is installed.`)
  if (toolchain.kind === 'rustup' && toolchain.rustupName) {
    const available = (await rustup(['target', 'list', '--toolchain', toolchain.rustupName])).stdout
    if (available.split('\n').some((line) => line.trim().split(/\s+/)[0] === triple)) {
      core.info(`Adding target ${triple} to ${toolchain.rustupName}.`)
      await rustupChange(['target', 'add', '--toolchain', toolchain.rustupName, triple])
      return
    }
  }
  throw new ActionError(
    `${triple} has no prebuilt standard library in ${toolchain.version}` +
      (toolchain.kind === 'system' ? ` (none under ${toolchain.sysroot}/lib/rustlib/${triple})` : ' (rustup offers none for it)') +
      '. Set build-std: true to build it from source.',
  )
}
