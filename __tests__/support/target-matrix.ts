/**
 * The target matrix: every Linux target the README promises, built by the bundled action
 * alone (toolchain: system, build-std where Debian has no std for the target) from a
 * workspace whose binaries call C built by the cc crate; each binary runs under qemu-user
 * with the expected output (ARMv6 on an ARM1176), musl binaries are static, SHA256SUMS
 * verifies. One RUNNER_TEMP per test file (zig's cache is built once per target and CPU) and
 * one workspace per target, so the later cases of a target reuse its target directory (strip
 * off, command both, armv7 gnu's deb and rpm). Two test files hold its rows, so that two jest
 * workers share them.
 */
import { afterAll, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { attempt, errors, fixture, readelf, runAction, sh, type ActionRun } from './harness.js'
import { requires } from './prerequisites.js'

export interface Row {
  triple: string
  buildStd: boolean
  /** What the C compiler's macros say (c/xarch.c) */
  c: string
  arch: string
  /** qemu-user and its CPU model; none: runs natively */
  qemu?: string[]
  /** The GNU triple whose cross sysroot holds the C library (gnu targets) */
  sysroot?: string
  linker: RegExp
  /** The distribution cross gcc the action installs (gnu targets linked by gcc) */
  gcc?: string
}

/** The C results, as a pattern: the same on every architecture (u32 arithmetic, doubles). */
const MIX = 'mix\\(7\\)=1401181143 scale\\(2\\)=3'
const gcc = (gnu: string): RegExp => new RegExp(`Linker: ${gnu}-gcc`)
const zig = (target: string): RegExp => new RegExp(`Linker: zig cc -target ${target}\\n`)

/** ARMv6 and ARMv7, musl and gnu (__tests__/e2e/targets/matrix-arm.test.ts). */
export const ARM_ROWS: Row[] = [
  { triple: 'arm-unknown-linux-musleabihf', buildStd: true, c: 'armv6', arch: 'arm', qemu: ['qemu-arm', '-cpu', 'arm1176'], linker: zig('arm-linux-musleabihf') },
  { triple: 'armv7-unknown-linux-musleabihf', buildStd: true, c: 'armv7\\+thumb2', arch: 'arm', qemu: ['qemu-arm', '-cpu', 'cortex-a7'], linker: zig('arm-linux-musleabihf') },
  // ARMv6 through zig; Debian's armhf C library is ARMv7, so it runs here on a Cortex-A7 only.
  { triple: 'arm-unknown-linux-gnueabihf', buildStd: true, c: 'armv6', arch: 'arm', qemu: ['qemu-arm', '-cpu', 'cortex-a7'], sysroot: 'arm-linux-gnueabihf', linker: zig('arm-linux-gnueabihf') },
  {
    triple: 'armv7-unknown-linux-gnueabihf',
    buildStd: true,
    c: 'armv7\\+thumb2',
    arch: 'arm',
    qemu: ['qemu-arm', '-cpu', 'cortex-a7'],
    sysroot: 'arm-linux-gnueabihf',
    linker: gcc('arm-linux-gnueabihf'),
    gcc: 'arm-linux-gnueabihf-gcc',
  },
]

/** The other architectures (__tests__/e2e/targets/matrix.test.ts). */
export const OTHER_ROWS: Row[] = [
  { triple: 'i686-unknown-linux-musl', buildStd: true, c: 'i386\\+sse2', arch: 'x86', qemu: ['qemu-i386'], linker: zig('x86-linux-musl') },
  {
    triple: 'aarch64-unknown-linux-gnu',
    buildStd: false,
    c: 'aarch64',
    arch: 'aarch64',
    qemu: ['qemu-aarch64'],
    sysroot: 'aarch64-linux-gnu',
    linker: gcc('aarch64-linux-gnu'),
    gcc: 'aarch64-linux-gnu-gcc',
  },
  { triple: 'x86_64-unknown-linux-gnu', buildStd: false, c: 'x86_64', arch: 'x86_64', linker: /Linker: the runner’s cc/ },
  {
    triple: 'riscv64gc-unknown-linux-gnu',
    buildStd: true,
    c: 'riscv64gc',
    arch: 'riscv64',
    qemu: ['qemu-riscv64'],
    sysroot: 'riscv64-linux-gnu',
    linker: gcc('riscv64-linux-gnu'),
    gcc: 'riscv64-linux-gnu-gcc',
  },
  {
    triple: 'powerpc64le-unknown-linux-gnu',
    buildStd: true,
    c: 'powerpc64le',
    arch: 'powerpc64',
    qemu: ['qemu-ppc64le'],
    sysroot: 'powerpc64le-linux-gnu',
    linker: gcc('powerpc64le-linux-gnu'),
    gcc: 'powerpc64le-linux-gnu-gcc',
  },
  { triple: 's390x-unknown-linux-gnu', buildStd: true, c: 's390x', arch: 's390x', qemu: ['qemu-s390x'], sysroot: 's390x-linux-gnu', linker: gcc('s390x-linux-gnu'), gcc: 's390x-linux-gnu-gcc' },
  // cc passes -march=i686 (no SSE2) and gcc honours it; zig gets Rust's pentium4 instead.
  { triple: 'i686-unknown-linux-gnu', buildStd: true, c: 'i386', arch: 'x86', qemu: ['qemu-i386'], sysroot: 'i686-linux-gnu', linker: gcc('i686-linux-gnu'), gcc: 'i686-linux-gnu-gcc' },
  // x86_64 and aarch64 musl: __tests__/e2e/targets/registry.test.ts builds them from today's
  // crates (cc's C and C++ for the baseline, static, SHA256SUMS, the zig cache entry).
]

const BINARIES = ['xarch', 'xarch-cli', 'xarch-sum']
const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-xbuild-matrix-'))
const workspaces = new Map<string, string>()
const times: string[] = []

/** One workspace per target: later cases of the same target reuse its target directory. */
function workspaceFor(triple: string): string {
  const existing = workspaces.get(triple)
  if (existing) return existing
  const created = fixture('xarch')
  workspaces.set(triple, created)
  return created
}

function build(row: Row, extra: Record<string, string> = {}, label = 'build'): ActionRun {
  const started = Date.now()
  const inputs: Record<string, string> = { target: row.triple, toolchain: 'system', locked: 'true', 'smoke-test': 'smoke', ...extra }
  if (row.buildStd) inputs['build-std'] = 'true'
  const run = runAction(inputs, { workspace: workspaceFor(row.triple), runnerTemp })
  const zigCache = path.join(runnerTemp, 'rust-xbuild', row.triple, 'zig-cache')
  const zigSize = fs.existsSync(zigCache) ? `${sh('du', ['-sm', zigCache]).split('\t')[0]} MB` : ''
  times.push(`| ${row.triple} | ${label} | ${((Date.now() - started) / 1000).toFixed(0)} s | ${zigSize} |`)
  fs.writeFileSync(path.join(runnerTemp, 'times.md'), timesTable() + '\n')
  assert.equal(run.code, 0, run.log.slice(-6000))
  return run
}

function qemuCommand(row: Row, binary: string): [string, string[]] {
  if (!row.qemu) return [binary, []]
  const [program, ...cpu] = row.qemu
  // The cross sysroot's loader with its own libc (see docs/offline-testing.md).
  const libs = row.sysroot ? ['-L', `/usr/${row.sysroot}`, '-E', `LD_LIBRARY_PATH=/usr/${row.sysroot}/lib`] : []
  return [program ?? '', [...cpu, ...libs, binary]]
}

function missingTools(rows: readonly Row[]): string | false {
  const needed = rows.flatMap((row) => [...(row.qemu ? [row.qemu[0] ?? ''] : []), ...(row.gcc ? [row.gcc] : [])])
  if (rows.some((row) => row.triple === 'armv7-unknown-linux-gnueabihf')) needed.push('dpkg-deb', 'rpm')
  const missing = needed.filter((tool) => attempt('sh', ['-c', 'command -v "$1"', 'sh', tool]).status !== 0)
  return missing.length > 0 && `the cross compilers and emulators of scripts/setup-debian.sh (${missing.join(', ')})`
}

const timesTable = (): string => ['| target | case | time | zig cache |', '|---|---|---|---|', ...times].join('\n')

afterAll(() => {
  if (times.length > 0) console.log(`Target matrix times (${path.join(runnerTemp, 'times.md')}):\n${timesTable()}`)
})

function stripCases(row: Row): void {
  test('strip on and off, checked on the ELF (aarch64 gnu, same target directory)', () => {
    const sections = (run: ActionRun): string => sh('readelf', ['-S', '--wide', path.join(run.outputs.dir ?? '', 'xarch')])
    const size = (run: ActionRun): number => fs.statSync(path.join(run.outputs.dir ?? '', 'xarch')).size
    const stripped = build(row, { strip: 'true' }, 'strip: true')
    assert.doesNotMatch(sections(stripped), /\.symtab|\.debug_/)
    const strippedSize = size(stripped)
    const kept = build(row, { strip: 'false' }, 'strip: false')
    assert.match(sections(kept), /\.symtab/)
    assert.ok(size(kept) > strippedSize, `${size(kept)} > ${strippedSize}`)
  })
}

function commandBoth(row: Row): void {
  test('command: both on a foreign target: cargo test runs C code in a thread under qemu-arm (armv7 musl)', () => {
    const run = build(row, { command: 'both' }, 'command: both')
    assert.match(run.log, /test tests::c_code_in_a_thread \.\.\. ok/)
    assert.match(run.log, /runner = \[ "qemu-arm", "-cpu", "cortex-a7" \]/)
    // The command is not part of the build configuration: cargo test reuses the build's std and crates.
    assert.match(run.log, /Target directory \S+: same/)
    assert.doesNotMatch(run.log, /Compiling (core|std) v0\.0\.0/)
  })
}

function packagesCase(row: Row): void {
  test('packages: deb, rpm on armv7 gnu (same target directory): armhf and armv7hl packages whose binary runs under qemu-arm', () => {
    const run = build(row, { packages: 'deb, rpm' }, 'packages: deb, rpm')
    assert.deepEqual(errors(run), [])
    assert.match(run.log, /Target directory \S+: same/)
    const dir = run.outputs.dir ?? ''
    const sums = sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir })
    // From Cargo.toml alone: one package per cargo package with binaries.
    for (const name of ['xarch_0.1.0-1_armhf.deb', 'xarch-cli_0.1.0-1_armhf.deb', 'xarch-0.1.0-1.armv7hl.rpm', 'xarch-cli-0.1.0-1.armv7hl.rpm']) {
      assert.match(sums, new RegExp(`^${name.replace(/\./g, '\\.')}: OK$`, 'm'))
    }
    const deb = path.join(dir, 'xarch_0.1.0-1_armhf.deb')
    // The dependencies come from the ELF: glibc's version floor and the unwinder.
    assert.match(sh('dpkg-deb', ['--field', deb, 'Architecture', 'Depends']).trim(), /^Architecture: armhf\nDepends: libc6 \(>= 2\.\d+\), libgcc-s1$/)
    const extracted = fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-armhf-'))
    sh('dpkg-deb', ['-x', deb, extracted])
    const [program, args] = qemuCommand(row, path.join(extracted, 'usr/bin/xarch'))
    assert.match(sh(program, args).trim(), new RegExp(`^xarch ${MIX} c=${row.c} arch=${row.arch}$`))
    fs.rmSync(extracted, { recursive: true, force: true })
    const rpm = path.join(dir, 'xarch-0.1.0-1.armv7hl.rpm')
    assert.match(sh('rpm', ['-qp', '--queryformat', '%{ARCH}', rpm]), /^armv7hl$/)
    assert.match(sh('rpm', ['-qRp', rpm]), /^libc\.so\.6\(GLIBC_2\.\d+\)$/m)
  })
}

/** A target's first build: the three binaries, their output, linkage and sums, the zig cache, ARMv6 all through. */
function checkRow(row: Row): void {
  const run = build(row)
  assert.match(run.log, row.linker)
  assert.deepEqual(errors(run), [])
  const dir = run.outputs.dir ?? ''
  const binaries = (JSON.parse(run.outputs.binaries ?? '[]') as string[]).map((file) => path.basename(file)).sort()
  assert.deepEqual(binaries, BINARIES)
  const sums = sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir })
  for (const name of BINARIES) {
    assert.match(sums, new RegExp(`^${name}: OK$`, 'm'))
    const binary = path.join(dir, name)
    const [program, args] = qemuCommand(row, binary)
    const expectedName = name === 'xarch-sum' ? `${name} ${MIX} c=${row.c} arch=${row.arch} sum=\\d+` : `${name} ${MIX} c=${row.c} arch=${row.arch}`
    assert.match(sh(program, args).trim(), new RegExp(`^${expectedName}$`))
    if (row.triple.includes('musl')) {
      const elf = readelf(binary)
      assert.equal(elf.interpreter, false, `${name} is static`)
      assert.deepEqual(elf.needed, [])
    }
  }
  if (/^Linker: zig/m.test(run.log)) {
    // zig's cache lives under the action's folder and is an entry of the build cache.
    assert.ok(fs.readdirSync(path.join(runnerTemp, 'rust-xbuild', row.triple, 'zig-cache')).length > 0)
    assert.match(run.summary, /\| zig \| `rust-xbuild-v1-zig-[^`]+`<br>zig `0\.13\.0` · zig target `[^`]+` · zig cpu `[^`]+` \| miss \|/)
  }
  if (row.triple.startsWith('arm-')) {
    // ARMv6 all through: Rust, C, and the C runtime zig built for the ARM1176.
    const attributes = sh('readelf', ['-A', path.join(dir, 'xarch')])
    assert.match(attributes, /Tag_CPU_arch: v6/)
    assert.doesNotMatch(attributes, /Thumb-2/)
    assert.match(run.log, /xarch: elf arm 32-bit little-endian; .*ARM v6/)
  }
  if (row.triple === 'arm-unknown-linux-gnueabihf') assert.match(run.log, /smoke test passed \(qemu-arm -cpu cortex-a7 \(the runner's armhf C library is ARMv7/)
  if (row.triple === 'arm-unknown-linux-musleabihf') assert.match(run.log, /smoke test passed \(qemu-arm -cpu arm1176\)/)
  if (row.triple === 'armv7-unknown-linux-musleabihf') {
    // The model matters: ARMv7 code dies on the ARM1176 that runs the ARMv6 build.
    const result = attempt('qemu-arm', ['-cpu', 'arm1176', path.join(dir, 'xarch')])
    assert.notEqual(result.status, 0, result.stdout)
  }
}

/** The matrix's cases for `rows`, as one describe block of a test file. */
export function targetMatrix(title: string, rows: readonly Row[]): void {
  requires(missingTools(rows))(title, () => {
    for (const row of rows) {
      test(`${row.triple}: three binaries with C run${row.qemu ? ` under ${row.qemu.join(' ')}` : ''}`, () => checkRow(row))
      // Later cases of a target reuse its workspace and target directory.
      if (row.triple === 'aarch64-unknown-linux-gnu') stripCases(row)
      if (row.triple === 'armv7-unknown-linux-musleabihf') commandBoth(row)
      if (row.triple === 'armv7-unknown-linux-gnueabihf') packagesCase(row)
    }
  })
}
