/**
 * cargo-zigbuild side by side with the action (issue 17, item 5): the same crates (the real
 * programs of scripts/real-programs.ts, the xarch fixture and the registry fixture's nine C
 * build systems), both tools from cold (a fresh
 * copy of the crate, so a fresh target directory, and a fresh zig cache: the action's lives
 * under a fresh RUNNER_TEMP, cargo-zigbuild's under fresh ZIG_*_CACHE_DIR and XDG_CACHE_HOME),
 * with the same Debian toolchain (rustc 1.96; build-std for musl, where Debian has no std, as
 * the action does) and the same warm registry (a CARGO_HOME of our own fetching from
 * crates.io), for x86_64, aarch64, armv7 and ARMv6 musl and aarch64 gnu with glibc 2.17. For each: builds?
 * runs (qemu)? static? highest GLIBC_x.y? seconds; and the CPU baseline: a probe crate built
 * with target-cpu x86-64-v3 (x86_64 gnu, glibc 2.17: zig on both sides, no build-std) reports
 * what Rust and its C code were compiled for, and the registry fixture's cc-cpp does the same
 * for C and C++ on armv7 and ARMv6 musl (run on a Cortex-A7 and an ARM1176).
 *
 * Usage: nice -n 15 node --import tsx scripts/bench-zigbuild.ts [filter ...]
 *   filters pick crates (rg, fd, xarch, registry, cc-cpp, probe), targets (x86_64, musl, gnu, aarch64, arm) and one tool
 *   (action, cargo-zigbuild); none: all.
 * Needs the network to crates.io and PyPI (cargo-zigbuild, installed with pip --no-deps: the
 * zig is the action's pinned 0.13.0 at /opt/rust-xbuild, not the ziglang wheel pip would add),
 * scripts/setup-debian.sh and `npm run package`. Logs: $BENCH_ZIGBUILD_DIR (default
 * /tmp/bench-zigbuild)/logs/<tool>-<crate>-<target>.log
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { publishedCrate, cratesIoCargoHome } from '../__tests__/support/crates-io.js'
import { debianPath, FIXTURES, readelf, runAction, ZIG_DIR } from '../__tests__/support/harness.js'
import { builtDir, checkBinary, PACKAGES, TARGETS as CRATES_TARGETS, type CratesPackage } from '../__tests__/support/crates-fixture.js'
import { PROGRAMS, runUnder, slowPhases, useData, type Target } from './real-programs.js'

const ZIGBUILD_VERSION = '0.24.1'
const root = process.env.BENCH_ZIGBUILD_DIR ?? '/tmp/bench-zigbuild'

interface BenchTarget extends Target {
  /** What cargo-zigbuild is given as --target (a glibc floor as a suffix) */
  zigbuild: string
  /** The action's inputs for the same thing */
  inputs: Record<string, string>
  /** Only for these crates (x86_64 gnu: the CPU probes, zig on both sides without build-std) */
  crates?: string[]
}

const TARGETS: BenchTarget[] = [
  { triple: 'x86_64-unknown-linux-musl', zigbuild: 'x86_64-unknown-linux-musl', buildStd: true, qemu: [], inputs: { 'build-std': 'true' } },
  { triple: 'aarch64-unknown-linux-musl', zigbuild: 'aarch64-unknown-linux-musl', buildStd: true, qemu: ['qemu-aarch64'], inputs: { 'build-std': 'true' } },
  {
    triple: 'aarch64-unknown-linux-gnu',
    zigbuild: 'aarch64-unknown-linux-gnu.2.17',
    buildStd: false,
    qemu: ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu', '-E', 'LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib'],
    inputs: { glibc: '2.17' },
  },
  { triple: 'x86_64-unknown-linux-gnu', zigbuild: 'x86_64-unknown-linux-gnu.2.17', buildStd: false, qemu: [], inputs: { glibc: '2.17' }, crates: ['probe', 'probe-native'] },
  // 32-bit ARM musl: the CPU baseline of C and C++ on ARMv7 and ARMv6 (an ARMv7 object in an
  // ARMv6 binary is SIGILL on the arm1176 that crates-fixture runs it on).
  {
    triple: 'armv7-unknown-linux-musleabihf',
    zigbuild: 'armv7-unknown-linux-musleabihf',
    buildStd: true,
    qemu: ['qemu-arm', '-cpu', 'cortex-a7'],
    inputs: { 'build-std': 'true' },
  },
  { triple: 'arm-unknown-linux-musleabihf', zigbuild: 'arm-unknown-linux-musleabihf', buildStd: true, qemu: ['qemu-arm', '-cpu', 'arm1176'], inputs: { 'build-std': 'true' } },
]

interface BenchCrate {
  name: string
  /** The binary to check */
  bin: string
  features?: string
  /** The crate's source folder (copied fresh for every build) */
  source: () => Promise<string>
  /** Each check: arguments and the output it must match */
  checks: { args: string[]; expect: RegExp }[]
  /** Only for this target (the CPU probe: x86_64 gnu with glibc 2.17, zig on both sides, Debian's std) */
  only?: string
  /** Extra action inputs, and the flags a cargo-zigbuild user would set for the same */
  inputs?: Record<string, string>
  rustflags?: string[]
  /** A workspace of binaries (the registry fixture): every package built with --keep-going, each checked as the registry test does */
  packages?: readonly CratesPackage[]
}

/**
 * A crate whose binary prints which x86 features its Rust code and its C code (built by cc
 * 1.2 from crates.io) were compiled for: the CPU baseline, seen from both sides.
 */
function probeCrate(native: boolean): string {
  const dir = path.join(root, 'crates', native ? 'cpu-probe-native' : 'cpu-probe')
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "cpu-probe"\nversion = "0.1.0"\nedition = "2021"\n\n[build-dependencies]\ncc = "1"\n')
  // native: a build script that asks for the build machine's CPU, as lance's did (docs/benchmarks.md).
  const flag = native ? '.flag("-march=native")' : ''
  fs.writeFileSync(path.join(dir, 'build.rs'), `fn main() {\n    cc::Build::new().file("probe.c")${flag}.compile("probe");\n}\n`)
  fs.writeFileSync(
    path.join(dir, 'probe.c'),
    [
      'const char *c_features(void) {',
      '#if defined(__AVX2__) && defined(__FMA__) && defined(__BMI2__)',
      '  return "avx2+fma+bmi2";',
      '#elif defined(__SSE4_2__)',
      '  return "sse4.2";',
      '#else',
      '  return "baseline";',
      '#endif',
      '}',
      '',
    ].join('\n'),
  )
  fs.writeFileSync(
    path.join(dir, 'src', 'main.rs'),
    [
      'use std::ffi::CStr;',
      'extern "C" {',
      '    fn c_features() -> *const std::os::raw::c_char;',
      '}',
      'fn main() {',
      '    let rust = if cfg!(all(target_feature = "avx2", target_feature = "fma", target_feature = "bmi2")) {',
      '        "avx2+fma+bmi2"',
      '    } else if cfg!(target_feature = "sse4.2") {',
      '        "sse4.2"',
      '    } else {',
      '        "baseline"',
      '    };',
      '    let c = unsafe { CStr::from_ptr(c_features()) }.to_str().unwrap();',
      '    println!("rust={rust} c={c}");',
      '}',
      '',
    ].join('\n'),
  )
  if (!fs.existsSync(path.join(dir, 'Cargo.lock'))) execFileSync('cargo', ['generate-lockfile'], { cwd: dir, env: { ...process.env, PATH: debianPath(), CARGO_HOME: cargoHome }, stdio: 'inherit' })
  return dir
}

const cargoHome = cratesIoCargoHome(path.join(root, 'cargo-home'))
const data = useData(root)

const CRATES: BenchCrate[] = [
  ...PROGRAMS.map((p): BenchCrate => ({
    name: p.bin,
    bin: p.bin,
    features: p.features,
    source: async () => (await publishedCrate(p.crate, p.version, path.join(root, 'crates'))).dir,
    checks: [{ args: ['--version'], expect: p.versionOutput }, p.use],
  })),
  {
    name: 'xarch',
    bin: 'xarch',
    source: async () => path.join(FIXTURES, 'xarch'),
    checks: [{ args: [], expect: /^xarch mix\(7\)=1401181143 scale\(2\)=3 c=\S+ arch=\S+$/m }],
  },
  {
    // Nine C build systems of today (__tests__/fixtures/registry), one binary each.
    name: 'registry',
    bin: '',
    source: async () => path.join(FIXTURES, 'registry'),
    checks: [],
    packages: PACKAGES,
  },
  {
    // The registry fixture's C and C++ through cc alone: the baseline probe in about two
    // minutes a build, where the whole fixture takes six to eight (32-bit ARM musl, 2 cores).
    name: 'cc-cpp',
    bin: '',
    source: async () => path.join(FIXTURES, 'registry'),
    checks: [],
    packages: ['cc-cpp'],
  },
  {
    name: 'probe',
    bin: 'cpu-probe',
    source: async () => probeCrate(false),
    checks: [{ args: [], expect: /^rust=avx2\+fma\+bmi2 c=avx2\+fma\+bmi2$/m }],
    only: 'x86_64-unknown-linux-gnu',
    inputs: { 'target-cpu': 'x86-64-v3' },
    rustflags: ['-Ctarget-cpu=x86-64-v3'],
  },
  {
    // A v2 baseline, and a build script passing -march=native: the C must still be v2.
    name: 'probe-native',
    bin: 'cpu-probe',
    source: async () => probeCrate(true),
    checks: [{ args: [], expect: /^rust=sse4\.2 c=sse4\.2$/m }],
    only: 'x86_64-unknown-linux-gnu',
    inputs: { 'target-cpu': 'x86-64-v2' },
    rustflags: ['-Ctarget-cpu=x86-64-v2'],
  },
]

interface Result {
  tool: string
  crate: string
  target: string
  built: boolean
  ran: string
  static: string
  glibc: string
  seconds: number
  note: string
}

function fresh(kind: string, crate: BenchCrate, target: BenchTarget, source: string): string {
  const dir = path.join(root, 'work', `${kind}-${crate.name}-${target.triple}`)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.cpSync(source, dir, { recursive: true, filter: (src) => path.basename(src) !== 'target' })
  return dir
}

function zigbuildBin(): string {
  const dir = path.join(root, 'cargo-zigbuild')
  const bin = path.join(dir, 'bin', 'cargo-zigbuild')
  if (!fs.existsSync(bin)) execFileSync('pip', ['install', '--quiet', '--no-deps', '--target', dir, `cargo-zigbuild==${ZIGBUILD_VERSION}`], { stdio: 'inherit' })
  return bin
}

/** cargo-zigbuild as its README says, on the same toolchain: build-std needs RUSTC_BOOTSTRAP and -Zbuild-std. */
function zigbuild(crate: BenchCrate, target: BenchTarget, source: string): { code: number; log: string; binary: string } {
  const dir = fresh('zigbuild', crate, target, source)
  const caches = path.join(dir, '.caches')
  const selection = crate.packages ? ['--keep-going', ...crate.packages.flatMap((name) => ['-p', name])] : ['--bin', crate.bin]
  const args = ['zigbuild', '--release', '--locked', '--target', target.zigbuild, ...selection]
  if (crate.features) args.push('--features', crate.features)
  if (target.buildStd) args.push('-Zbuild-std=std,panic_abort')
  const rustflags = [...(crate.rustflags ?? []), ...(target.buildStd ? ZIGBUILD_BUILD_STD_FLAGS : [])]
  const env: Record<string, string> = {
    PATH: `${path.dirname(zigbuildBin())}:${debianPath()}`,
    HOME: process.env.HOME ?? '/root',
    CARGO_HOME: cargoHome,
    ZIG_GLOBAL_CACHE_DIR: path.join(caches, 'zig-global'),
    ZIG_LOCAL_CACHE_DIR: path.join(caches, 'zig-local'),
    XDG_CACHE_HOME: caches,
    ...(target.buildStd ? { RUSTC_BOOTSTRAP: '1' } : {}),
    ...(rustflags.length ? { RUSTFLAGS: rustflags.join(' ') } : {}),
  }
  const result = spawnSync('cargo', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  const log = `$ ${Object.entries(env)
    .filter(([name]) => /RUST|ZIG/.test(name))
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')} cargo ${args.join(' ')}\n${result.stdout}${result.stderr}`
  return { code: result.status ?? -1, log, binary: path.join(dir, 'target', target.triple, 'release', crate.bin) }
}

/** A cargo registry with the fixture's crates already downloaded, so that neither tool pays for the network. */
function fetchLocked(source: string): void {
  if (fs.existsSync(path.join(source, 'Cargo.lock')))
    execFileSync('cargo', ['fetch', '--locked'], { cwd: source, env: { ...process.env, PATH: debianPath(), CARGO_HOME: cargoHome }, stdio: 'inherit' })
}

/**
 * What cargo-zigbuild needs beyond its README on a toolchain without a musl std (measured:
 * see docs/benchmarks.md): rustc's self-contained musl start files are not in a build-std
 * sysroot, and zig brings its own.
 */
const ZIGBUILD_BUILD_STD_FLAGS = (process.env.ZIGBUILD_RUSTFLAGS ?? '-Clink-self-contained=no').split(' ').filter(Boolean)

function action(crate: BenchCrate, target: BenchTarget, source: string): { code: number; log: string; binary: string; phases: string } {
  const workspace = fresh('action', crate, target, source)
  const runnerTemp = path.join(workspace, '..', `action-${crate.name}-${target.triple}-runner-temp`)
  fs.rmSync(runnerTemp, { recursive: true, force: true })
  fs.mkdirSync(runnerTemp)
  const selection: Record<string, string> = crate.packages ? { package: crate.packages.join(','), args: '--keep-going' } : { bin: crate.bin }
  const inputs: Record<string, string> = { target: target.triple, toolchain: 'system', locked: 'true', ...selection, ...target.inputs, ...crate.inputs }
  if (crate.features) inputs.features = crate.features
  const run = runAction(inputs, { workspace, runnerTemp, env: { CARGO_HOME: cargoHome }, timeoutMinutes: 90 })
  const staged = builtDir(run, workspace, target.triple)
  const binary = crate.packages ? staged : path.join(staged, crate.bin)
  return { code: run.code, log: `${run.log}\n== summary\n${run.summary}`, binary, phases: slowPhases(run.summary) }
}

function measure(tool: string, crate: BenchCrate, target: BenchTarget, body: () => { code: number; log: string; binary: string; phases?: string }): Result {
  console.log(`== ${tool}: ${crate.name} for ${target.zigbuild}`)
  const started = performance.now()
  const run = body()
  const seconds = (performance.now() - started) / 1000
  fs.writeFileSync(path.join(root, 'logs', `${tool}-${crate.name}-${target.triple}.log`), run.log)
  const result: Result = { tool, crate: crate.name, target: target.zigbuild, built: run.code === 0, ran: '-', static: '-', glibc: '-', seconds, note: run.phases ?? '' }
  if (crate.packages) return checkPackages(result, crate.packages, target, run)
  if (run.code !== 0) {
    result.note = lastError(run.log)
    return result
  }
  const elf = readelf(run.binary)
  result.static = !elf.interpreter && elf.needed.length === 0 ? 'yes' : 'no'
  result.glibc = elf.glibc ?? '-'
  const failed = crate.checks.map((c) => ({ c, out: runUnder(target, run.binary, c.args, data) })).find(({ c, out }) => !out.ok || !c.expect.test(out.output))
  result.ran = failed ? `no: ${failed.out.output.trim().split('\n')[0]?.slice(0, 160)}` : 'yes'
  return result
}

/** Each package's binary in the folder `run.binary`: built, ran with its expected line, static; the highest GLIBC of them all. */
function checkPackages(result: Result, packages: readonly CratesPackage[], target: BenchTarget, run: { code: number; log: string; binary: string }): Result {
  const cratesTarget = CRATES_TARGETS.find((row) => row.triple === target.triple)
  if (!cratesTarget) throw new Error(`${target.triple} is not in crates-fixture's TARGETS`)
  const checked = packages.map((name) => checkBinary(run.binary, name, cratesTarget))
  const built = checked.filter((c) => c.output !== 'not built')
  const glibc = built.map((c) => readelf(path.join(run.binary, c.name)).glibc).filter((v): v is string => Boolean(v))
  const versions = glibc.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  const missing = checked.filter((c) => c.output === 'not built').map((c) => c.name)
  const failed = built.filter((c) => !c.ran).map((c) => `${c.name}: ${c.output.split('\n')[0]?.slice(0, 120)}`)
  const baseline = checked.find((c) => c.name === 'cc-cpp')?.baseline
  return {
    ...result,
    built: built.length === packages.length,
    ran: `${checked.filter((c) => c.ran).length}/${packages.length}`,
    static: target.triple.includes('musl') ? `${built.filter((c) => c.static).length}/${built.length}` : 'no',
    glibc: versions.at(-1) ?? '-',
    note: [
      missing.length ? `not built: ${missing.join(', ')} (${lastError(run.log)})` : '',
      failed.length ? `did not run: ${failed.join('; ')}` : '',
      baseline === undefined ? '' : `C/C++ baseline: ${baseline ? 'yes' : 'no'}`,
      result.note,
    ]
      .filter(Boolean)
      .join('; '),
  }
}

/** The first error line of a failed build's log. */
function lastError(log: string): string {
  const line = log.split('\n').find((l) => l.startsWith('::error') || /^error(\[|:)/.test(l))
  return (line ?? 'failed').slice(0, 240)
}

function table(results: Result[]): string {
  const lines = ['| crate | target | tool | builds | runs | static | highest GLIBC | seconds | notes |', '|---|---|---|---|---|---|---|---|---|']
  for (const r of results) lines.push(`| ${r.crate} | ${r.target} | ${r.tool} | ${r.built ? 'yes' : 'no'} | ${r.ran} | ${r.static} | ${r.glibc} | ${r.seconds.toFixed(0)} | ${r.note} |`)
  return lines.join('\n')
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2)
  const crates = CRATES.filter((c) => filters.includes(c.name))
  const targets = TARGETS.filter((t) => filters.some((f) => t.zigbuild.includes(f)))
  const tools: string[] = filters.filter((f) => f === 'action' || f === 'cargo-zigbuild')
  fs.mkdirSync(path.join(root, 'logs'), { recursive: true })
  console.log(`cargo-zigbuild ${execFileSync(zigbuildBin(), ['--version'], { encoding: 'utf8' }).trim()}, zig ${execFileSync(path.join(ZIG_DIR, 'zig'), ['version'], { encoding: 'utf8' }).trim()}`)
  const results: Result[] = []
  for (const crate of crates.length ? crates : CRATES) {
    const source = await crate.source()
    if (crate.packages) fetchLocked(source)
    for (const target of (targets.length ? targets : TARGETS).filter((t) => (!crate.only || crate.only === t.triple) && (!t.crates || t.crates.includes(crate.name)))) {
      // Alternate which tool goes first, so neither always meets a colder page cache.
      const order = (results.length % 4 === 0 ? ['cargo-zigbuild', 'action'] : ['action', 'cargo-zigbuild']).filter((tool) => tools.length === 0 || tools.includes(tool))
      for (const tool of order) {
        results.push(measure(tool, crate, target, () => (tool === 'cargo-zigbuild' ? zigbuild(crate, target, source) : action(crate, target, source))))
        console.log(table(results.slice(-1)).split('\n')[2])
        fs.writeFileSync(path.join(root, `table-${process.pid}.md`), `${table(results)}\n`)
      }
    }
  }
  console.log(`\n${table(results)}\n(logs: ${path.join(root, 'logs')})`)
}

await main()
