/**
 * Verification of the staged binaries: their headers match the target (architecture,
 * class, endianness, static when it must be, a glibc ceiling), and, when asked, each one
 * runs with the smoke-test arguments on the declared CPU baseline (natively when the
 * runner's CPU is the target's and no baseline is emulated, else under qemu-user).
 * Planning and rendering are pure; verifyBinaries reads the files and runs them.
 */
import fs from 'node:fs'
import { readBinary, type BinaryInfo } from './elf.js'
import { codegenOptions } from '../common/codegen.js'
import { markdownCell } from '../common/text.js'
import { compareVersions } from '../common/version.js'
import { errorMessage } from '../errors.js'
import { runBounded, type BoundedResult } from '../exec.js'
import type { VerifyMode } from '../inputs/parse.js'
import type { StagedFile } from '../stage/stage.js'
import type { Host, TargetFacts } from '../common/target.js'
import { smokePlan } from '../common/emulator.js'
import { multiarchLibcInstalled } from '../setup/apt.js'

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
  /** ARM targets that must hold no ARMv7 code or Thumb-2 (arm-*-linux-*: ARMv6) */
  armV6?: boolean
}

/** Tag_CPU_arch values an ARM1176 (ARMv6KZ) runs. */
const ARMV6_ARCHES = new Set(['pre-v4', 'v4', 'v4T', 'v5T', 'v5TE', 'v5TEJ', 'v6', 'v6KZ', 'v6K'])

/** The last mention of crt-static in the effective rustflags' target-feature lists. */
export function crtStatic(rustflags: readonly string[]): boolean | undefined {
  let result: boolean | undefined
  for (const option of codegenOptions(rustflags)) {
    if (option.key !== 'target-feature') continue
    for (const feature of option.value.split(',')) {
      if (feature === '+crt-static') result = true
      else if (feature === '-crt-static') result = false
    }
  }
  return result
}

/** The last -C target-cpu in the effective rustflags. */
export function rustflagsCpu(rustflags: readonly string[]): string | undefined {
  let cpu: string | undefined
  for (const option of codegenOptions(rustflags)) if (option.key === 'target-cpu') cpu = option.value
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
  if (facts.arch === 'arm' && facts.os === 'linux') expectation.armV6 = true
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
  if (expected.armV6 && info.format === 'elf') {
    if (!info.armArch) problems.push(`${name} has no ARM build attributes (.ARM.attributes) to show that it is ARMv6.`)
    else if (!ARMV6_ARCHES.has(info.armArch) || info.armThumb === 'thumb2') {
      problems.push(`${name} holds ARM ${info.armArch}${info.armThumb === 'thumb2' ? ' Thumb-2' : ''} code, which an ARMv6 CPU (ARM1176: Raspberry Pi 1, Zero) cannot run.`)
    }
  }
  return problems
}

export function linkage(info: BinaryInfo): string {
  if (info.format !== 'elf') return 'n/a'
  if (!info.interpreter && !info.needed.length) return 'static'
  return info.needed.length ? info.needed.join(', ') : `dynamic (${info.interpreter})`
}

/** One smoke run's verdict: whether it passed, how the binary ran, and its first line of output or why it failed. */
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
  /** Added to the smoke test's environment (wine's prefix and DLL path) */
  smokeEnv?: Record<string, string>
  /** Called as each result is known, for the log */
  log?: (line: string) => void
}

/** Read one binary's headers into the report entry, with the problems found. */
function inspect(entry: BinaryReport, file: string, expected: Expectation, mode: VerifyMode, log: (line: string) => void): void {
  try {
    const info = readBinary(fs.readFileSync(file))
    entry.info = info
    log(
      `${entry.name}: ${info.format} ${info.arch} ${info.bits}-bit ${info.endian}-endian; ${linkage(info)}${info.glibc ? `; needs GLIBC_${info.glibc}` : ''}${info.armArch ? `; ARM ${info.armArch}, ${info.armThumb ?? 'no Thumb'}` : ''}`,
    )
    if (mode !== 'off') entry.problems.push(...checkBinary(entry.name, info, expected))
  } catch (error) {
    if (mode !== 'off') entry.problems.push(`${entry.name} could not be read as an executable: ${errorMessage(error)}`)
  }
}

export async function verifyBinaries(files: readonly Pick<StagedFile, 'name' | 'path'>[], options: VerifyOptions): Promise<VerificationReport> {
  const log = options.log ?? (() => undefined)
  const expected = expectationFor(options.facts, options.rustflags, options.maxGlibc)
  const cpu = rustflagsCpu(options.rustflags)
  const multiarchLibc = multiarchLibcInstalled(options.facts)
  const report: VerificationReport = { mode: options.mode, binaries: [] }
  for (const file of files) {
    const entry: BinaryReport = { name: file.name, problems: [] }
    report.binaries.push(entry)
    // WebAssembly modules have no ELF/PE/Mach-O headers to check.
    if (options.facts.arch.startsWith('wasm')) log(`${file.name}: WebAssembly; headers not checked`)
    else inspect(entry, file.path, expected, options.mode, log)
    if (options.smokeTest) {
      const plan = smokePlan(file.path, options.smokeTest, options.facts, options.host, cpu, multiarchLibc)
      if ('skip' in plan) {
        entry.smoke = { skipped: plan.skip }
        log(`${file.name}: smoke test skipped: ${plan.skip}`)
      } else {
        log(`${file.name}: ${plan.command.join(' ')}`)
        const [program, ...args] = plan.command
        const result = await runBounded(program ?? '', args, { timeoutMs: SMOKE_TIMEOUT_MS, env: options.smokeEnv })
        const smoke = judgeSmoke(result, plan.how, plan.how.replace(/^natively.*/, "the runner's CPU"))
        entry.smoke = smoke
        log(`${file.name}: smoke test ${smoke.passed ? 'passed' : 'FAILED'} (${plan.how}): ${smoke.detail}`)
        if (!smoke.passed) entry.problems.push(`${file.name} failed its smoke test (${plan.how}): ${smoke.detail}.`)
      }
    }
  }
  return report
}

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
    lines.push(`| \`${markdownCell(binary.name)}\` | ${markdownCell(arch)} | ${markdownCell(info ? linkage(info) : '?')} | ${info?.glibc ?? '—'} | ${markdownCell(smoke)} | ${markdownCell(checks)} |`)
  }
  if (!report.binaries.length) lines.push('| (no binaries) | | | | | |')
  return `${lines.join('\n')}\n`
}
