/**
 * Verification of the staged binaries: their headers match the target (architecture,
 * class, endianness, static when it must be, a glibc ceiling), and, when asked, each one
 * runs with the smoke-test arguments on the declared CPU baseline (natively when the
 * runner's CPU is the target's and no baseline is emulated, else under qemu-user).
 * Planning and rendering are pure; verifyBinaries reads the files and runs them.
 */
import fs from 'node:fs'
import { readBinary, type BinaryInfo } from './elf.js'
import { compareVersions } from './version.js'
import { errorMessage } from './errors.js'
import { runBounded, type BoundedResult } from './exec.js'
import type { VerifyMode } from './inputs.js'
import type { Host, Requirement } from './linker.js'
import type { StagedFile } from './stage.js'
import type { TargetFacts } from './target.js'

/** A smoke test that runs longer than this is a failure (a server waiting for requests). */
export const SMOKE_TIMEOUT_MS = 60_000

export interface Expectation {
  format: BinaryInfo['format']
  family: string
  bits: 32 | 64
  endian: 'little' | 'big'
  /** Why the binary must be static (musl, +crt-static), when it must */
  staticBecause?: string
  maxGlibc?: string
}

/** The values of every -C option (`-C x`, `-Cx`, `--codegen x`), in order. */
function codegenOptions(rustflags: readonly string[]): string[] {
  const options: string[] = []
  for (let i = 0; i < rustflags.length; i++) {
    const flag = rustflags[i] ?? ''
    if (flag === '-C' || flag === '--codegen') options.push(rustflags[++i] ?? '')
    else if (flag.startsWith('-C')) options.push(flag.slice(2))
    else if (flag.startsWith('--codegen=')) options.push(flag.slice('--codegen='.length))
  }
  return options
}

/** The last mention of crt-static in the effective rustflags' target-feature lists. */
export function crtStatic(rustflags: readonly string[]): boolean | undefined {
  let result: boolean | undefined
  for (const option of codegenOptions(rustflags)) {
    if (!option.startsWith('target-feature=')) continue
    for (const feature of option.slice('target-feature='.length).split(',')) {
      if (feature === '+crt-static') result = true
      else if (feature === '-crt-static') result = false
    }
  }
  return result
}

/** The last -C target-cpu in the effective rustflags. */
export function rustflagsCpu(rustflags: readonly string[]): string | undefined {
  let cpu: string | undefined
  for (const option of codegenOptions(rustflags)) if (option.startsWith('target-cpu=')) cpu = option.slice('target-cpu='.length)
  return cpu
}

const BIG_ENDIAN = /^(s390x|powerpc|powerpc64|sparc.*|mips|mips64|mipsisa(32|64)r6|aarch64_be|armeb.*|thumbeb.*|m68k|hexagon_be)$/

/** The arch family as elf.ts names it, from a target's arch and family. */
function headerFamily(facts: TargetFacts): string {
  const { arch, family } = facts
  if (arch.startsWith('riscv32')) return 'riscv32'
  if (arch.startsWith('mips64')) return 'mips64'
  if (arch.startsWith('mips')) return 'mips'
  if (arch === 'sparcv9' || arch === 'sparc64') return 'sparc64'
  if (arch.startsWith('powerpc64')) return 'powerpc64'
  return family
}

export function expectationFor(facts: TargetFacts, rustflags: readonly string[], maxGlibc?: string): Expectation {
  const family = headerFamily(facts)
  const bits = (/64/.test(family) || family === 's390x') && facts.env !== 'gnux32' ? 64 : 32
  const expectation: Expectation = {
    format: facts.os === 'windows' ? 'pe' : facts.os === 'macos' ? 'macho' : 'elf',
    family,
    bits,
    endian: BIG_ENDIAN.test(facts.arch) ? 'big' : 'little',
  }
  const crt = crtStatic(rustflags)
  if (facts.os === 'linux') {
    if (facts.libc === 'musl' && crt !== false) expectation.staticBecause = `${facts.triple} links musl statically`
    else if (crt === true) expectation.staticBecause = 'the rustflags ask for +crt-static'
  }
  if (maxGlibc && facts.libc === 'gnu' && facts.os === 'linux') expectation.maxGlibc = maxGlibc
  return expectation
}

/** What is wrong with one binary, as sentences that name it; empty when all is well. */
export function checkBinary(name: string, info: BinaryInfo, expected: Expectation): string[] {
  const problems: string[] = []
  const arch = info.arches ? info.arches.join(', ') : info.arch
  if (info.format !== expected.format) problems.push(`${name} is a ${info.format.toUpperCase()} file, expected ${expected.format.toUpperCase()}.`)
  if (info.arches ? !info.arches.includes(expected.family) : info.arch !== expected.family) problems.push(`${name} is built for ${arch}, not ${expected.family}.`)
  else if (info.bits !== expected.bits) problems.push(`${name} is ${info.bits}-bit, expected ${expected.bits}-bit.`)
  if (info.endian !== expected.endian) problems.push(`${name} is ${info.endian}-endian, expected ${expected.endian}-endian.`)
  if (expected.staticBecause) {
    if (info.interpreter) problems.push(`${name} has a program interpreter (${info.interpreter}) but must be static: ${expected.staticBecause}.`)
    if (info.needed.length) problems.push(`${name} needs shared libraries (${info.needed.join(', ')}) but must be static: ${expected.staticBecause}.`)
  }
  if (expected.maxGlibc && info.glibc && compareVersions(info.glibc, expected.maxGlibc) > 0) {
    problems.push(
      `${name} needs GLIBC_${info.glibc}, newer than max-glibc ${expected.maxGlibc}: it will not start on older systems. Set the glibc input to ${expected.maxGlibc} to link against that glibc with zig.`,
    )
  }
  return problems
}

export function linkage(info: BinaryInfo): string {
  if (info.format !== 'elf') return 'n/a'
  if (!info.interpreter && !info.needed.length) return 'static'
  return info.needed.length ? info.needed.join(', ') : `dynamic (${info.interpreter})`
}

/** A command line that runs a binary, and how it runs, or why it cannot run here. */
export type SmokePlan = { command: string[]; how: string } | { skip: string }

/** qemu-x86_64 models per rustc CPU name. AVX-512 CPUs are missing: qemu's TCG cannot emulate AVX-512. */
const X86_QEMU_CPUS: Record<string, string> = {
  'x86-64': 'qemu64',
  generic: 'qemu64',
  'x86-64-v2': 'Nehalem',
  'x86-64-v3': 'Haswell',
  core2: 'core2duo',
  penryn: 'Penryn',
  nehalem: 'Nehalem',
  westmere: 'Westmere',
  sandybridge: 'SandyBridge',
  ivybridge: 'IvyBridge',
  haswell: 'Haswell',
  broadwell: 'Broadwell',
  skylake: 'Skylake-Client',
  znver1: 'EPYC',
  znver2: 'EPYC-Rome',
  znver3: 'EPYC-Milan',
}
const AARCH64_QEMU_CPUS = new Set(['cortex-a35', 'cortex-a53', 'cortex-a57', 'cortex-a72', 'cortex-a76', 'neoverse-n1', 'a64fx'])

/**
 * How to run a binary of this target on this runner, on the declared CPU. `cpu` is the
 * baseline from the effective rustflags; `native` is not a baseline, so the binary is
 * held to the target's default CPU.
 */
export function smokePlan(binary: string, args: readonly string[], facts: TargetFacts, host: Host, cpu: string | undefined): SmokePlan {
  const baseline = cpu === 'native' ? undefined : cpu
  const same = facts.family === host.family && facts.os === host.os
  if (facts.os !== 'linux' || host.os !== 'linux') {
    return same ? { command: [binary, ...args], how: 'natively' } : { skip: `a ${facts.os} binary for ${facts.family} cannot run on this ${host.os} ${host.family} runner` }
  }
  const libPath = facts.libc === 'gnu' && facts.gnuTriple && !same ? ['-L', `/usr/${facts.gnuTriple}`] : []
  if (facts.family === 'x86_64') {
    const model = X86_QEMU_CPUS[baseline ?? 'x86-64']
    if (!model) {
      return same ? { command: [binary, ...args], how: `natively (qemu has no model for ${baseline})` } : { skip: `qemu cannot emulate the CPU ${baseline}` }
    }
    return {
      command: ['qemu-x86_64', '-cpu', model, ...libPath, binary, ...args],
      how: `qemu-x86_64 -cpu ${model} (${baseline ?? 'x86-64'}${cpu === 'native' ? ', as target-cpu=native is not a baseline' : ''})`,
    }
  }
  if (facts.family === 'aarch64') {
    const generic = !baseline || baseline === 'generic'
    if (same && generic) return { command: [binary, ...args], how: 'natively' }
    const model = generic ? 'cortex-a53' : AARCH64_QEMU_CPUS.has(baseline) ? baseline : 'max'
    return { command: ['qemu-aarch64', '-cpu', model, ...libPath, binary, ...args], how: `qemu-aarch64 -cpu ${model}` }
  }
  if (same) return { command: [binary, ...args], how: 'natively' }
  if (!facts.qemu) return { skip: `no qemu-user emulator is known for ${facts.triple}` }
  return { command: [facts.qemu, ...libPath, binary, ...args], how: facts.qemu }
}

/** What the smoke tests need installed on a Linux runner. */
export function smokeRequirements(facts: TargetFacts, host: Host): Requirement[] {
  if (host.os !== 'linux' || facts.os !== 'linux') return []
  const needsQemu = facts.family !== host.family || facts.family === 'x86_64'
  if (!needsQemu || !facts.qemu) return []
  const requirements: Requirement[] = [{ command: facts.qemu, packages: ['qemu-user'] }]
  if (facts.family !== host.family && facts.libc === 'gnu' && facts.gnuTriple && facts.debianArch) {
    // Only the package's files matter (/usr/<triple>/lib); its gcc is a convenient probe.
    requirements.push({ command: `${facts.gnuTriple}-gcc`, packages: [`libc6-${facts.debianArch}-cross`] })
  }
  return requirements
}

export interface SmokeResult {
  passed: boolean
  how: string
  detail: string
}

/** The outcome of one smoke run, in words a user can act on. */
export function judgeSmoke(result: BoundedResult, how: string, baseline: string): SmokeResult {
  const tail = (text: string): string => text.trim().split('\n').slice(-3).join(' / ')
  if (result.timedOut) {
    return { passed: false, how, detail: `did not exit within ${SMOKE_TIMEOUT_MS / 1000} s; give smoke-test arguments that make it exit, such as --version` }
  }
  if (result.signal === 'SIGILL' || result.code === 132 || /uncaught target signal 4 \(Illegal instruction\)/.test(result.stderr)) {
    return {
      passed: false,
      how,
      detail: `SIGILL (illegal instruction) on ${baseline}: the binary uses instructions this CPU lacks. Set target-cpu (and target-features such as -avx512) to the CPU you ship for, and check C code built with -march=native`,
    }
  }
  if (result.signal) return { passed: false, how, detail: `killed by ${result.signal}${result.stderr.trim() ? `: ${tail(result.stderr)}` : ''}` }
  if (result.code !== 0) return { passed: false, how, detail: `exit code ${result.code}${result.stderr.trim() ? `: ${tail(result.stderr)}` : ''}` }
  return { passed: true, how, detail: result.stdout.trim().split('\n')[0]?.slice(0, 120) ?? '' }
}

export interface BinaryReport {
  name: string
  info?: BinaryInfo
  problems: string[]
  smoke?: SmokeResult | { skipped: string }
}

export interface VerificationReport {
  mode: VerifyMode
  binaries: BinaryReport[]
}

export interface VerifyOptions {
  mode: VerifyMode
  facts: TargetFacts
  host: Host
  rustflags: readonly string[]
  maxGlibc?: string
  smokeTest?: readonly string[]
  /** Called as each result is known, for the log */
  log?: (line: string) => void
}

/** Read one binary's headers into the report entry, with the problems found. */
function inspect(entry: BinaryReport, file: string, expected: Expectation, mode: VerifyMode, log: (line: string) => void): void {
  try {
    const info = readBinary(fs.readFileSync(file))
    entry.info = info
    log(`${entry.name}: ${info.format} ${info.arch} ${info.bits}-bit ${info.endian}-endian; ${linkage(info)}${info.glibc ? `; needs GLIBC_${info.glibc}` : ''}`)
    if (mode !== 'off') entry.problems.push(...checkBinary(entry.name, info, expected))
  } catch (error) {
    if (mode !== 'off') entry.problems.push(`${entry.name} could not be read as an executable: ${errorMessage(error)}`)
  }
}

export async function verifyBinaries(files: readonly Pick<StagedFile, 'name' | 'path'>[], options: VerifyOptions): Promise<VerificationReport> {
  const log = options.log ?? (() => undefined)
  const expected = expectationFor(options.facts, options.rustflags, options.maxGlibc)
  const cpu = rustflagsCpu(options.rustflags)
  const report: VerificationReport = { mode: options.mode, binaries: [] }
  for (const file of files) {
    const entry: BinaryReport = { name: file.name, problems: [] }
    report.binaries.push(entry)
    // WebAssembly modules have no ELF/PE/Mach-O headers to check.
    if (options.facts.arch.startsWith('wasm')) log(`${file.name}: WebAssembly; headers not checked`)
    else inspect(entry, file.path, expected, options.mode, log)
    if (options.smokeTest) {
      const plan = smokePlan(file.path, options.smokeTest, options.facts, options.host, cpu)
      if ('skip' in plan) {
        entry.smoke = { skipped: plan.skip }
        log(`${file.name}: smoke test skipped: ${plan.skip}`)
      } else {
        log(`${file.name}: ${plan.command.join(' ')}`)
        const [program, ...args] = plan.command
        const result = await runBounded(program ?? '', args, { timeoutMs: SMOKE_TIMEOUT_MS })
        const smoke = judgeSmoke(result, plan.how, plan.how.replace(/^natively.*/, "the runner's CPU"))
        entry.smoke = smoke
        log(`${file.name}: smoke test ${smoke.passed ? 'passed' : 'FAILED'} (${plan.how}): ${smoke.detail}`)
        if (!smoke.passed) entry.problems.push(`${file.name} failed its smoke test (${plan.how}): ${smoke.detail}.`)
      }
    }
  }
  return report
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderVerificationSummary(report: VerificationReport): string {
  const lines = ['### Verification', '', '| Binary | Architecture | Linkage | Needs glibc | Smoke test | Checks |', '|---|---|---|---|---|---|']
  for (const binary of report.binaries) {
    const info = binary.info
    const arch = info ? `${info.arch} (${info.format.toUpperCase()} ${info.bits}-bit${info.endian === 'big' ? ', big-endian' : ''})` : '?'
    const smoke = !binary.smoke
      ? '—'
      : 'skipped' in binary.smoke
        ? `skipped: ${binary.smoke.skipped}`
        : `${binary.smoke.passed ? '✅ passed' : '❌ failed'} (${binary.smoke.how})${binary.smoke.passed ? '' : `: ${binary.smoke.detail}`}`
    const checks = report.mode === 'off' ? 'off' : binary.problems.length ? `${report.mode === 'error' ? '❌' : '⚠️'} ${binary.problems.join(' ')}` : '✅'
    lines.push(`| \`${cell(binary.name)}\` | ${cell(arch)} | ${cell(info ? linkage(info) : '?')} | ${info?.glibc ?? '—'} | ${cell(smoke)} | ${cell(checks)} |`)
  }
  if (!report.binaries.length) lines.push('| (no binaries) | | | | | |')
  return `${lines.join('\n')}\n`
}
