/**
 * The compiler and linker wrapper scripts, as text. Pure. Every value embedded in a
 * script is single-quoted; the scripts never evaluate their arguments.
 */

/** POSIX shell single-quoting: 'it'\''s'. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export interface CompilerWrapper {
  /** Absolute path of the real program, then its fixed arguments */
  command: string[]
  /** The baseline flags put before the build script's own (-march=x86-64-v2, ...) */
  baselineFlags: string[]
  /** Where replacements of -march=native and friends are recorded */
  logFile: string
  /** Arguments to drop: exact strings, or prefixes ending in `*` (zig rejects some of rustc's) */
  dropArgs: string[]
  /** Arguments to replace by another, exactly matched */
  renameArgs: Record<string, string>
  /** Flags put after everything else (zig: the one -mcpu, since the last CPU flag wins) */
  trailingFlags?: string[]
}

function matches(pattern: string, arg: string): boolean {
  return pattern.endsWith('*') ? arg.startsWith(pattern.slice(0, -1)) : arg === pattern
}

/**
 * What the rendered wrapper runs for these arguments, and which native flags it replaced:
 * the reference for the shell script (the integration test runs both and compares).
 */
export function wrapArgs(wrapper: Omit<CompilerWrapper, 'logFile'>, args: readonly string[]): { argv: string[]; replaced: string[] } {
  const replaced: string[] = []
  const kept: string[] = []
  for (const arg of args) {
    if ((NATIVE_FLAGS as readonly string[]).includes(arg)) replaced.push(arg)
    else if (wrapper.dropArgs.some((pattern) => matches(pattern, arg))) continue
    else kept.push(wrapper.renameArgs[arg] ?? arg)
  }
  return { argv: [...wrapper.command, ...wrapper.baselineFlags, ...kept, ...(wrapper.trailingFlags ?? [])], replaced }
}

/** A case pattern: the literal parts quoted, a trailing `*` left to match. */
function casePattern(pattern: string): string {
  return pattern.endsWith('*') ? `${shellQuote(pattern.slice(0, -1))}*` : shellQuote(pattern)
}

/** Flags that make a compiler target the build machine's CPU. */
export const NATIVE_FLAGS = ['-march=native', '-mcpu=native', '-mtune=native'] as const

/**
 * A wrapper that runs the real compiler with the baseline first, drops `-march=native`,
 * `-mcpu=native` and `-mtune=native` (build scripts such as lance's pass them), and logs
 * each replacement to `logFile`. `for a do shift; set -- "$@" "$a"; done` rebuilds the
 * argument list in place without arrays, which POSIX sh lacks.
 */
export function renderCompilerWrapper(wrapper: CompilerWrapper): string {
  const baseline = [...wrapper.baselineFlags, ...(wrapper.trailingFlags ?? [])]
  const replacement = baseline.length ? baseline.join(' ') : "the target's default CPU"
  const dropCases = wrapper.dropArgs.length ? `    ${wrapper.dropArgs.map(casePattern).join('|')}) ;;\n` : ''
  const renameCases = Object.entries(wrapper.renameArgs)
    .map(([from, to]) => `    ${shellQuote(from)}) set -- "$@" ${shellQuote(to)} ;;\n`)
    .join('')
  return `#!/bin/sh
# Written by rust-xbuild: runs ${wrapper.command.join(' ')} with the CPU baseline.
baseline=${shellQuote(replacement)}
for a do
  shift
  case $a in
    ${NATIVE_FLAGS.join('|')})
      printf '%s\\n' "replaced $a with $baseline in $(pwd)" >> ${shellQuote(wrapper.logFile)} ;;
${dropCases}${renameCases}    *) set -- "$@" "$a" ;;
  esac
done
exec ${[...wrapper.command, ...wrapper.baselineFlags].map(shellQuote).join(' ')} "$@"${(wrapper.trailingFlags ?? []).map((f) => ' ' + shellQuote(f)).join('')}
`
}

/** Parse the wrapper log: how many times each native flag was replaced, and where. */
export function summariseWrapperLog(log: string): { count: number; flags: string[]; dirs: string[] } {
  const lines = log.split('\n').filter(Boolean)
  const flags = new Set<string>()
  const dirs = new Set<string>()
  for (const line of lines) {
    const match = /^replaced (\S+) with .* in (.*)$/.exec(line)
    if (match?.[1]) flags.add(match[1])
    if (match?.[2]) dirs.add(match[2])
  }
  return { count: lines.length, flags: [...flags], dirs: [...dirs] }
}
