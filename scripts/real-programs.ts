/**
 * Real programs nobody here wrote (issue 17, item 4): published crates from crates.io at their
 * own Cargo.lock (what `cargo install --locked` builds), built by the bundled action alone, the
 * runner's way (__tests__/support/harness.ts runAction), with Debian's toolchain (`toolchain:
 * system`; build-std where Debian has no std) and a CARGO_HOME of our own that fetches from
 * crates.io; then each binary runs under qemu-user: `--version` and one real use. Prints a
 * table program × target: built, ran, static, highest GLIBC_x.y, seconds, and the action's
 * slowest phases. Needs the network to crates.io, scripts/setup-debian.sh and
 * `npm run package` first.
 *
 * Usage: nice -n 15 node --import tsx scripts/real-programs.ts [filter ...]
 *   `rg@x86_64` builds one pair; other filters keep the programs (rg, fd) and targets (musl,
 *   aarch64) they name; none: every pair.
 * Logs: $REAL_PROGRAMS_DIR (default /tmp/real-programs)/logs/<program>-<target>.log
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { publishedCrate, cratesIoCargoHome, type PublishedCrate } from '../__tests__/support/crates-io.js'
import { readelf, runAction } from '../__tests__/support/harness.js'

export interface Program {
  crate: string
  version: string
  bin: string
  features?: string
  /** Why this program: the C it builds */
  why: string
  /** A real use, run in `data` (a folder with hello.txt holding `foobar` and sub/needle.txt); its output must match */
  use: { args: string[]; expect: RegExp }
  /** What `--version` must print */
  versionOutput: RegExp
}

export const PROGRAMS: Program[] = [
  {
    crate: 'ripgrep',
    version: '15.2.0',
    bin: 'rg',
    features: 'pcre2',
    why: 'pcre2-sys: PCRE2 (C, with its JIT) built by cc',
    // A look-behind: only the PCRE2 engine (-P) has them, so the C library ran.
    use: { args: ['-P', '--no-config', '(?<=foo)bar', 'hello.txt'], expect: /^foobar$/m },
    versionOutput: /^ripgrep 15\.2\.0[\s\S]*\+pcre2[\s\S]*PCRE2 10\.\d+ is available/,
  },
  {
    crate: 'fd-find',
    version: '10.5.0',
    bin: 'fd',
    why: 'tikv-jemalloc-sys: jemalloc built by its autotools configure + make (64-bit targets; fd leaves jemalloc out on 32-bit musl)',
    use: { args: ['--no-ignore', 'needle', '.'], expect: /^(\.\/)?sub\/needle\.txt$/m },
    versionOutput: /^fd 10\.5\.0$/m,
  },
]

export interface Target {
  triple: string
  buildStd: boolean
  /** The emulator and its arguments, before the binary; none: runs natively */
  qemu: string[]
}

export const TARGETS: Target[] = [
  // The cross sysroot's libc on the library path too: with libc6:arm64 installed, the loader
  // takes /lib/aarch64-linux-gnu's libc.so.6 (another build), and a program hangs at its first
  // thread (docs/offline-testing.md): rg --files and fd did.
  { triple: 'aarch64-unknown-linux-gnu', buildStd: false, qemu: ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu', '-E', 'LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib'] },
  { triple: 'x86_64-unknown-linux-musl', buildStd: true, qemu: [] },
  { triple: 'armv7-unknown-linux-musleabihf', buildStd: true, qemu: ['qemu-arm', '-cpu', 'cortex-a7'] },
]

export interface Outcome {
  program: string
  target: string
  built: boolean
  ran: string
  static: string
  glibc: string
  seconds: number
  phases: string
  note: string
}

/** A folder the real uses run in: hello.txt with `foobar`, sub/needle.txt. */
export function useData(root: string): string {
  const data = path.join(root, 'data')
  fs.mkdirSync(path.join(data, 'sub'), { recursive: true })
  fs.writeFileSync(path.join(data, 'hello.txt'), 'foo\nfoobar\nbar\n')
  fs.writeFileSync(path.join(data, 'sub', 'needle.txt'), 'x\n')
  return data
}

/** Run a built binary under the target's emulator; the output or why it failed. */
export function runUnder(target: Target, binary: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const [program, ...pre] = target.qemu.length ? target.qemu : [binary]
  const argv = target.qemu.length ? [...pre, binary, ...args] : args
  const result = spawnSync(program ?? binary, argv, { cwd, encoding: 'utf8', timeout: 120_000 })
  const output = `${result.stdout}${result.stderr}`
  return { ok: result.status === 0, output: result.status === 0 ? output : `exit ${result.status ?? result.signal}: ${output}` }
}

/** The phases of the action's summary table (`| name | seconds |`) that took over 2 s. */
export function slowPhases(summary: string): string {
  const rows = [...summary.matchAll(/^\| ([^|]+?) \| (\d+\.\d) \|/gm)].map((m) => ({ name: m[1] ?? '', seconds: Number(m[2]) }))
  return rows
    .filter((row) => row.seconds >= 2)
    .map((row) => `${row.name} ${row.seconds.toFixed(0)} s`)
    .join(', ')
}

function check(target: Target, binary: string, program: Program, data: string): string {
  const version = runUnder(target, binary, ['--version'], data)
  if (!version.ok || !program.versionOutput.test(version.output)) return `no: --version: ${version.output.trim().slice(0, 300)}`
  const use = runUnder(target, binary, program.use.args, data)
  if (!use.ok || !program.use.expect.test(use.output)) return `no: ${program.use.args.join(' ')}: ${use.output.trim().slice(0, 300)}`
  return 'yes'
}

interface Context {
  root: string
  cargoHome: string
  runnerTemp: string
  data: string
  logs: string
}

function buildOne(context: Context, source: PublishedCrate, program: Program, target: Target): Outcome {
  const workspace = path.join(context.root, 'work', `${program.bin}-${target.triple}`)
  fs.rmSync(workspace, { recursive: true, force: true })
  fs.cpSync(source.dir, workspace, { recursive: true })
  const inputs: Record<string, string> = { target: target.triple, toolchain: 'system', locked: 'true', bin: program.bin }
  if (program.features) inputs.features = program.features
  if (target.buildStd) inputs['build-std'] = 'true'
  const started = performance.now()
  const run = runAction(inputs, { workspace, runnerTemp: context.runnerTemp, env: { CARGO_HOME: context.cargoHome }, timeoutMinutes: 90 })
  const seconds = (performance.now() - started) / 1000
  fs.writeFileSync(path.join(context.logs, `${program.bin}-${target.triple}.log`), `${run.log}\n== summary\n${run.summary}`)
  const outcome: Outcome = {
    program: `${program.bin} ${program.version}`,
    target: target.triple,
    built: run.code === 0,
    ran: '-',
    static: '-',
    glibc: '-',
    seconds,
    phases: slowPhases(run.summary),
    note: '',
  }
  if (run.code !== 0) {
    outcome.note = run.stdout.split('\n').find((line) => line.startsWith('::error')) ?? `exit ${run.code}`
    return outcome
  }
  const binary = path.join(run.outputs.dir ?? '', program.bin)
  const elf = readelf(binary)
  outcome.static = !elf.interpreter && elf.needed.length === 0 ? 'yes' : `no (${elf.needed.join(' ')})`
  outcome.glibc = elf.glibc ?? '-'
  outcome.ran = check(target, binary, program, context.data)
  return outcome
}

export function table(outcomes: Outcome[]): string {
  const lines = ['| program | target | built | ran (--version, a real use) | static | highest GLIBC | seconds | phases ≥ 2 s |', '|---|---|---|---|---|---|---|---|']
  for (const o of outcomes) lines.push(`| ${o.program} | ${o.target} | ${o.built ? 'yes' : `no: ${o.note}`} | ${o.ran} | ${o.static} | ${o.glibc} | ${o.seconds.toFixed(0)} | ${o.phases} |`)
  return lines.join('\n')
}

/**
 * The builds to run, in order: `bin@target` picks one pair (`fd@armv7`); other filters pick
 * programs (by bin or crate) and targets (part of the triple), every pair of them; none: all.
 */
export function select(filters: string[]): [Program, Target][] {
  const pairs = filters
    .filter((f) => f.includes('@'))
    .flatMap((f) => {
      const [bin, triple] = f.split('@')
      const program = PROGRAMS.find((p) => p.bin === bin || p.crate === bin)
      const target = TARGETS.find((t) => triple && t.triple.includes(triple))
      if (!program || !target) throw new Error(`${f}: no such program@target`)
      return [[program, target] as [Program, Target]]
    })
  const rest = filters.filter((f) => !f.includes('@'))
  if (pairs.length && !rest.length) return pairs
  const programs = PROGRAMS.filter((p) => rest.some((f) => p.bin === f || p.crate.includes(f)))
  const targets = TARGETS.filter((t) => rest.some((f) => t.triple.includes(f)))
  const all = (programs.length ? programs : PROGRAMS).flatMap((p) => (targets.length ? targets : TARGETS).map((t): [Program, Target] => [p, t]))
  return [...pairs, ...all]
}

async function main(): Promise<void> {
  const pairs = select(process.argv.slice(2))
  const root = process.env.REAL_PROGRAMS_DIR ?? '/tmp/real-programs'
  const context: Context = {
    root,
    cargoHome: cratesIoCargoHome(path.join(root, 'cargo-home')),
    // One RUNNER_TEMP for all builds, as the steps of one job share it (zig's cache per target).
    runnerTemp: path.join(root, 'runner-temp'),
    data: useData(root),
    logs: path.join(root, 'logs'),
  }
  fs.mkdirSync(context.logs, { recursive: true })
  fs.mkdirSync(context.runnerTemp, { recursive: true })
  const outcomes: Outcome[] = []
  for (const [program, target] of pairs) {
    const source = await publishedCrate(program.crate, program.version, path.join(root, 'crates'))
    console.log(`== ${program.bin} ${program.version} for ${target.triple}`)
    const outcome = buildOne(context, source, program, target)
    outcomes.push(outcome)
    console.log(table([outcome]).split('\n')[2])
    fs.writeFileSync(path.join(root, `table-${process.pid}.md`), `${table(outcomes)}\n`)
  }
  console.log(`\n${table(outcomes)}\n(logs: ${context.logs})`)
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
