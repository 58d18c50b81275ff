/**
 * bindgen's libclang and the target's C headers, when zig compiles the C code. libclang
 * knows the target (bindgen passes --target) but not its C library: for a musl target, or an
 * ARM one without that architecture's glibc headers in /usr/include, it parses the host's
 * glibc headers or fails (`bits/libc-header-start.h' file not found`, measured with
 * libclang 14 for armv7 musl). zig ships the headers of every libc it builds; bindgen is
 * given the same folders zig compiles with. Pure: zig's verbose output in, variables out.
 */
import type { TargetFacts } from '../common/target.js'

/** Shell quoting as bindgen's shlex reads it, only where a path needs it. */
const quoted = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)

/**
 * The `#include <...>` folders of `zig cc -E -v` (clang's search list), without zig's own
 * clang resource folder (lib/include): libclang brings the builtin headers of its version.
 */
export function zigIncludeDirs(verbose: string): string[] {
  const lines = verbose.split('\n')
  const start = lines.findIndex((line) => line.startsWith('#include <...> search starts here'))
  if (start < 0) return []
  const dirs: string[] = []
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(' ')) break
    dirs.push(line.trim())
  }
  return dirs.filter((dir) => !/\/lib\/include$/.test(dir))
}

/**
 * BINDGEN_EXTRA_CLANG_ARGS_<triple>: no system include folders, then zig's libc headers for
 * the target. bindgen splits the value with shell quoting. Nothing when the project sets a
 * BINDGEN_EXTRA_CLANG_ARGS of its own (bindgen's target-specific name would win over it).
 */
export function bindgenEnv(facts: Pick<TargetFacts, 'triple' | 'underscored'>, dirs: readonly string[], userVariables: readonly string[]): Record<string, string> {
  if (!dirs.length || userVariables.some((name) => name.startsWith('BINDGEN_EXTRA_CLANG_ARGS'))) return {}
  const args = ['-nostdlibinc', ...dirs.flatMap((dir) => ['-isystem', dir])]
  return { [`BINDGEN_EXTRA_CLANG_ARGS_${facts.underscored}`]: args.map(quoted).join(' ') }
}
