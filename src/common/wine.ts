/**
 * How a Windows (`*-pc-windows-gnu`) executable runs on a Linux runner: under the
 * distribution's wine, with the action's own prefix, for cargo's test runner and the
 * smoke test. Pure.
 */
import { Input } from './constants.js'
import { InputError } from '../errors.js'
import type { Host, Requirement, TargetFacts } from './target.js'

/** Debian's wine64 installs no /usr/bin/wine64: the loader lives here. */
export const WINE64 = '/usr/lib/wine/wine64'
export const wineRequirement: Requirement = { path: WINE64, packages: ['wine64'] }

/** mingw-w64's GNU triple for a windows-gnu target (x86_64-w64-mingw32), if it has one. */
export function mingwTriple(facts: TargetFacts): string | undefined {
  if (facts.os !== 'windows' || facts.env !== 'gnu') return undefined
  if (facts.arch === 'x86_64') return 'x86_64-w64-mingw32'
  if (/^i[3-6]86$/.test(facts.arch)) return 'i686-w64-mingw32'
  return undefined
}

/**
 * The binutils program `tool` (strip, objcopy) that reads the target's binaries, best first:
 * the cross binutils, mingw's, the runner's own when the architecture matches, then LLVM's.
 */
export function targetBinutils(facts: TargetFacts, hostFamily: string, tool: 'strip' | 'objcopy'): string[][] {
  const candidates: string[][] = []
  if (facts.gnuTriple) candidates.push([`${facts.gnuTriple}-${tool}`])
  const mingw = mingwTriple(facts)
  if (mingw) candidates.push([`${mingw}-${tool}`])
  if (facts.family === hostFamily) candidates.push([tool])
  candidates.push([`llvm-${tool}`])
  return candidates
}

export function runsUnderWine(facts: TargetFacts, host: Host): boolean {
  return host.os === 'linux' && mingwTriple(facts) !== undefined
}

/**
 * A 32-bit .exe needs 32-bit wine (wine32:i386, a foreign architecture); wine64 alone
 * prints an error about syswow64 and exits 0 without running it, so it is never tried.
 */
export function wineCannotRun(facts: TargetFacts): string | undefined {
  return facts.family === 'x86_64' ? undefined : `an ${facts.arch} .exe needs 32-bit wine (Debian's wine32:i386), which the action does not install; wine64 exits 0 without running it`
}

/** cargo's runner for tests of a windows-gnu target on Linux; 32-bit tests are refused rather than faked. */
export function wineTestRunner(facts: TargetFacts): { runner: string[]; requirements: Requirement[] } {
  const cannot = wineCannotRun(facts)
  if (cannot) throw new InputError(Input.Command, 'test', `tests of ${facts.triple} cannot run on this Linux runner: ${cannot}. Use command: build here and run the tests on a Windows runner.`)
  return { runner: [WINE64], requirements: [wineRequirement] }
}

export function wineSmokePlan(binary: string, args: readonly string[], facts: TargetFacts): { command: string[]; how: string } | { skip: string } {
  const cannot = wineCannotRun(facts)
  return cannot ? { skip: cannot } : { command: [WINE64, binary, ...args], how: 'wine64' }
}

/**
 * wine's environment: the action's prefix, no display, quiet except for DLLs that fail to
 * load (`err+module`: otherwise a missing DLL exits 53 without a word), no Mono/Gecko
 * installers, and WINEPATH for the stand-in DLLs.
 */
export function wineEnv(prefix: string, dllDirs: readonly string[]): Record<string, string> {
  return {
    WINEPREFIX: prefix,
    WINEDEBUG: '-all,err+module',
    DISPLAY: '',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    ...(dllDirs.length ? { WINEPATH: dllDirs.join(';') } : {}),
  }
}

/** Whether a variable belongs to wine's environment (what the smoke test passes on). */
export const isWineVariable = (name: string): boolean => name.startsWith('WINE') || name === 'DISPLAY'
