/**
 * `debug-symbols`: how each staged binary's debug information is kept in a file of its own,
 * per object format, and the tool that does it on this runner — found before the build, so a
 * target whose toolchain cannot split fails with what to do instead of after a long build.
 */
import { Input } from '../common/constants.js'
import type { TargetFacts } from '../common/target.js'
import { mingwTriple, targetBinutils } from '../common/wine.js'
import { InputError } from '../errors.js'
import { which } from '../exec.js'

/**
 * `objcopy`: `--only-keep-debug` into `<bin>.debug`, then `--add-gnu-debuglink` on the stripped
 * binary (ELF, and PE for windows-gnu); `pdb`: the `.pdb` the MSVC linker writes, which cargo
 * lists; `dsymutil`: a `.dSYM` bundle (cargo's, or dsymutil's).
 */
export type DebugFormat = 'objcopy' | 'pdb' | 'dsymutil'

export interface DebugSplitPlan {
  format: DebugFormat
  /** The programs that can do it, best first (an argv prefix each); empty for pdb */
  candidates: string[][]
}

export interface DebugSplit {
  format: DebugFormat
  /** The program found on PATH (an argv prefix); undefined for pdb */
  tool?: string[]
}

/** The way to split for a target, or why this action cannot (pure). */
export function planDebugSplit(facts: TargetFacts, hostFamily: string, zig?: string): DebugSplitPlan | string {
  if (facts.os === 'macos' || facts.triple.includes('-apple-')) return { format: 'dsymutil', candidates: [['dsymutil'], ['llvm-dsymutil']] }
  if (facts.os === 'windows' && facts.env === 'msvc') return { format: 'pdb', candidates: [] }
  if (facts.os === 'windows') {
    const mingw = mingwTriple(facts)
    // llvm-objcopy handles PE too; zig's objcopy is ELF only.
    return { format: 'objcopy', candidates: [...(mingw ? [[`${mingw}-objcopy`]] : []), ['llvm-objcopy']] }
  }
  if (!isElfTarget(facts)) return `${facts.triple} builds neither ELF, PE nor Mach-O binaries, so there is no separate debug file format for it`
  // Not Windows here, so no mingw objcopy: the same list strip uses, then zig's (ELF only).
  return { format: 'objcopy', candidates: [...targetBinutils(facts, hostFamily, 'objcopy'), ...(zig ? [[zig, 'objcopy']] : [])] }
}

/** After Windows and Apple: ELF, but for UEFI (PE) and the wasm, nvptx and SPIR-V families. */
function isElfTarget(facts: TargetFacts): boolean {
  return !/^(wasm|nvptx|spirv)/.test(facts.arch) && !facts.triple.endsWith('-uefi')
}

/** The splitter for this runner, or a clear error naming the target and why (before the build). */
export async function resolveDebugSplit(facts: TargetFacts, hostFamily: string, zig?: string): Promise<DebugSplit> {
  const plan = planDebugSplit(facts, hostFamily, zig)
  if (typeof plan === 'string') throw new InputError(Input.DebugSymbols, 'true', `${plan}; remove debug-symbols for this target.`)
  if (plan.format === 'pdb') return { format: 'pdb' }
  for (const candidate of plan.candidates) {
    const [program] = candidate
    if (program && (program === zig || (await which(program)))) return { format: plan.format, tool: candidate }
  }
  const tried = plan.candidates.map((candidate) => candidate.join(' ')).join(', ')
  const why =
    plan.format === 'dsymutil'
      ? `${facts.triple}'s debug information is kept as a .dSYM bundle, which needs dsymutil (Xcode's, on a macOS runner) or llvm-dsymutil; none is on PATH (tried ${tried})`
      : `${facts.triple}'s debug information is split with an objcopy that reads its binaries; none is on PATH (tried ${tried}): install binutils for the target (Debian's binutils-<triple>, mingw-w64 for windows-gnu) or llvm`
  throw new InputError(Input.DebugSymbols, 'true', `${why}.`)
}
