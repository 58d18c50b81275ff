/**
 * Runs the bundled action (dist/index.js) the way a runner does: INPUT_<NAME> variables,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP and GITHUB_WORKSPACE, against real
 * crates copied from __tests__/fixtures, with an offline CARGO_HOME.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const FIXTURES = path.join(ROOT, '__tests__', 'fixtures')
const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-xbuild-e2e-'))

let offlineHome: string | undefined
/** A CARGO_HOME whose crates-io is Debian's packaged crates plus std's vendored ones. */
export function offlineCargoHome(): string {
  offlineHome ??= execFileSync('bash', [path.join(ROOT, 'scripts', 'offline-cargo-home.sh'), path.join(SCRATCH, 'cargo-home')], { encoding: 'utf8' }).trim()
  return offlineHome
}

/** The zig release the action pins (0.13.0), from PyPI's ziglang wheel (scripts/setup-debian.sh). */
export const ZIG_DIR = '/opt/rust-xbuild/ziglang-0.13.0/ziglang'

/** PATH for Debian's toolchain (cargo-web/rustc-web in /usr/bin), without rustup, with zig. */
export function debianPath(): string {
  return [ZIG_DIR, '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':')
}

/** A fresh copy of a fixture crate (without any target directory). */
export function fixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(SCRATCH, `${name}-`))
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true, filter: (src) => path.basename(src) !== 'target' })
  return dir
}

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  log: string
}

/** Parse the GITHUB_OUTPUT file: `name<<delimiter\nvalue\ndelimiter` entries. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match?.[1] || !match[2]) continue
    const end = lines.indexOf(match[2], i + 1)
    outputs[match[1]] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return outputs
}

export interface RunOptions {
  /** The workspace (GITHUB_WORKSPACE); working-directory is relative to it */
  workspace: string
  /** Environment beyond the base one (PATH, CARGO_HOME, HOME) */
  env?: Record<string, string>
  /** false: use this process's PATH and CARGO_HOME (rustup) instead of Debian's toolchain */
  debian?: boolean
  /** RUNNER_TEMP, stable across runs as within one job; default: a new one per run */
  runnerTemp?: string
}

export function runAction(inputs: Record<string, string>, options: RunOptions): ActionRun {
  const toolchain: Record<string, string> =
    options.debian === false
      ? {
          PATH: process.env.PATH ?? '',
          ...(process.env.CARGO_HOME ? { CARGO_HOME: process.env.CARGO_HOME } : {}),
          ...(process.env.RUSTUP_HOME ? { RUSTUP_HOME: process.env.RUSTUP_HOME } : {}),
        }
      : { PATH: debianPath(), CARGO_HOME: offlineCargoHome() }
  return runEntry('index.js', inputs, { ...options, env: { ...toolchain, ...options.env } })
}

/**
 * One bundled entry (`index.js`, `merge/index.js`) run as a runner runs it: INPUT_<NAME>
 * variables, fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, RUNNER_TEMP and
 * GITHUB_WORKSPACE, plus `options.env` (which must bring PATH).
 */
export function runEntry(entry: string, inputs: Record<string, string>, options: RunOptions): ActionRun {
  const runDir = fs.mkdtempSync(path.join(SCRATCH, 'run-'))
  const outputFile = path.join(runDir, 'output')
  const summaryFile = path.join(runDir, 'summary.md')
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  const runnerTemp = options.runnerTemp ?? path.join(runDir, 'runner-temp')
  fs.mkdirSync(runnerTemp, { recursive: true })
  const env: Record<string, string> = {
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: options.workspace,
    ...options.env,
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', entry)], { env, encoding: 'utf8', cwd: options.workspace, maxBuffer: 256 * 1024 * 1024, timeout: 15 * 60 * 1000 })
  const run = {
    code: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: parseOutputFile(fs.readFileSync(outputFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    log: `${result.stdout}\n${result.stderr}`,
  }
  if (process.env.E2E_VERBOSE) console.log(run.log)
  return run
}

/** The action's ::error:: lines. */
export function errors(run: ActionRun): string[] {
  return run.stdout.split('\n').filter((line) => line.startsWith('::error'))
}

/** Run a command and return its output; throws with output on failure. */
export function sh(program: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  return execFileSync(program, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Like sh, but returns the exit status and signal instead of throwing. */
export function attempt(program: string, args: string[], options: { cwd?: string } = {}): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const result = spawnSync(program, args, { cwd: options.cwd, encoding: 'utf8' })
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr }
}

/** ELF facts as readelf sees them. */
export function readelf(file: string): { interpreter: boolean; needed: string[]; machine: string; glibc: string | undefined } {
  const headers = sh('readelf', ['-h', '-l', '-d', '-V', '--wide', file])
  const needed = [...headers.matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g)].map((m) => m[1] ?? '')
  const versions = [...headers.matchAll(/GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] as const)
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])
  const top = versions.at(-1)
  return {
    interpreter: /Requesting program interpreter/.test(headers) || /^\s*INTERP\s/m.test(headers),
    needed,
    machine: /Machine:\s+(.+)/.exec(headers)?.[1]?.trim() ?? '',
    glibc: top ? `${top[0]}.${top[1]}${top[2] ? `.${top[2]}` : ''}` : undefined,
  }
}

/** The rustflags output split into the action's leading path remaps (as `to` names) and the rest. */
export function splitRemaps(flags: string): { remapsTo: string[]; rest: string } {
  const words = flags.split(' ')
  const remaps = words.filter((word, i) => word.startsWith('--remap-path-prefix=') && words.slice(0, i).every((w) => w.startsWith('--remap-path-prefix=')))
  return { remapsTo: remaps.map((word) => word.slice(word.lastIndexOf('=') + 1)), rest: words.slice(remaps.length).join(' ') }
}
