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
import { exec, which } from '../exec.js'
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

/** The channel named by a rust-toolchain or rust-toolchain.toml file's text. */
export function parseToolchainFile(text: string, fileName: string): string | undefined {
  if (fileName.endsWith('.toml') || /^\s*\[toolchain\]/m.test(text)) {
    const data = parseToml(text) as { toolchain?: { channel?: unknown } }
    const channel = data.toolchain?.channel
    return typeof channel === 'string' && channel.trim() ? channel.trim() : undefined
  }
  const line = text.trim().split('\n')[0]?.trim()
  return line ? line : undefined
}

/** The project's toolchain file in the working directory or its parents, as rustup looks. */
export function findToolchainFile(start: string): { channel: string; file: string } | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    for (const name of ['rust-toolchain', 'rust-toolchain.toml']) {
      const file = path.join(dir, name)
      if (fs.existsSync(file) && fs.statSync(file).isFile()) {
        const channel = parseToolchainFile(fs.readFileSync(file, 'utf8'), name)
        if (channel) return { channel, file }
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

async function rustcFacts(env: Record<string, string>, cwd: string): Promise<Pick<Toolchain, 'version' | 'verbose' | 'host' | 'release' | 'nightly' | 'sysroot'>> {
  const [verbose, sysrootOutput] = await Promise.all([exec('rustc', ['-vV'], { env, cwd }), exec('rustc', ['--print', 'sysroot'], { env, cwd })])
  const { host, release } = parseRustcVersion(verbose.stdout)
  const sysroot = sysrootOutput.stdout.trim()
  return { version: verbose.stdout.split('\n')[0] ?? '', verbose: verbose.stdout, host, release, nightly: /-(nightly|dev)/.test(release), sysroot }
}

/** Select (and if missing, install) the toolchain. Network only when it is not installed. */
export async function ensureToolchain(requested: string | undefined, cwd: string): Promise<Toolchain> {
  const rustup = requested === 'system' ? undefined : await which('rustup')
  if (!rustup) {
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

  const fromFile = requested ? undefined : findToolchainFile(cwd)
  const name = requested ?? fromFile?.channel ?? 'stable'
  core.info(`Toolchain ${name} (${requested ? 'toolchain input' : fromFile ? fromFile.file : 'default'})`)
  const list = await exec('rustup', ['toolchain', 'list'])
  if (isInstalledToolchain(list.stdout, name)) {
    core.info(`${name} is installed.`)
  } else {
    core.info(`Installing ${name} with the minimal profile.`)
    await exec('rustup', ['toolchain', 'install', name, '--profile', 'minimal', '--no-self-update'])
  }
  const env = { RUSTUP_TOOLCHAIN: name, RUSTUP_AUTO_INSTALL: '0' }
  return { kind: 'rustup', rustupName: name, env, ...(await rustcFacts(env, cwd)) }
}

/** Refuse unknown triples with the closest ones rustc knows. */
export async function checkTargetKnown(toolchain: Toolchain, triple: string, targetInput: string, cwd: string): Promise<void> {
  const list = (await exec('rustc', ['--print', 'target-list'], { env: toolchain.env, cwd })).stdout.split('\n').filter(Boolean)
  if (list.includes(triple)) return
  const suggestions = closest(triple, list)
  const hint = suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ''
  throw new InputError(Input.Target, targetInput, `${triple} is not a target ${toolchain.version} knows (rustc --print target-list).${hint}`)
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
      await exec('rustup', ['component', 'add', 'rust-src', '--toolchain', toolchain.rustupName])
      return
    }
    throw new ActionError(
      `build-std needs the standard library's source, which ${toolchain.version} does not have at ${toolchain.sysroot}/lib/rustlib/src. Install it (rustup component add rust-src, or Debian's rust-src package).`,
    )
  }
  if (hasStd(toolchain.sysroot, triple)) return core.info(`The standard library for ${triple} is installed.`)
  if (toolchain.kind === 'rustup' && toolchain.rustupName) {
    const available = (await exec('rustup', ['target', 'list', '--toolchain', toolchain.rustupName])).stdout
    if (available.split('\n').some((line) => line.trim().split(/\s+/)[0] === triple)) {
      core.info(`Adding target ${triple} to ${toolchain.rustupName}.`)
      await exec('rustup', ['target', 'add', '--toolchain', toolchain.rustupName, triple])
      return
    }
  }
  throw new ActionError(
    `${triple} has no prebuilt standard library in ${toolchain.version}` +
      (toolchain.kind === 'system' ? ` (none under ${toolchain.sysroot}/lib/rustlib/${triple})` : ' (rustup offers none for it)') +
      '. Set build-std: true to build it from source.',
  )
}
