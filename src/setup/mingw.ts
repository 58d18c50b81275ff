/**
 * Windows (`*-pc-windows-gnu`) from a Linux runner: the distribution's mingw-w64 as the
 * C compiler and linker, as data. Pure.
 */
import { Input } from '../common/constants.js'
import { mingwTriple } from '../common/wine.js'
import type { TargetFacts } from '../common/target.js'
import { InputError } from '../errors.js'
import type { LinkerPlan } from './linker.js'

/**
 * Debian and Ubuntu ship each mingw gcc in a `-posix` and a `-win32` flavour; `-win32` is
 * the default alternative and its libstdc++ needs no libwinpthread DLL. Named explicitly
 * so a changed alternative does not change the compiler (and rebuild std).
 */
export function mingwPlan(facts: TargetFacts): LinkerPlan {
  const triple = mingwTriple(facts)
  if (!triple)
    throw new InputError(Input.Target, facts.triple, 'the action builds x86_64-pc-windows-gnu and i686-pc-windows-gnu on Linux with mingw-w64; build other Windows targets on a Windows runner.')
  const suffix = triple.startsWith('x86_64') ? 'x86-64' : 'i686'
  return {
    kind: 'gcc',
    description: `${triple}-gcc-win32`,
    cc: { program: `${triple}-gcc-win32`, args: [] },
    cxx: { program: `${triple}-g++-win32`, args: [] },
    ar: { program: `${triple}-ar`, args: [] },
    setsLinker: true,
    requirements: [
      { command: `${triple}-gcc-win32`, packages: [`gcc-mingw-w64-${suffix}-win32`] },
      { command: `${triple}-g++-win32`, packages: [`g++-mingw-w64-${suffix}-win32`] },
    ],
    needsZig: false,
    linkFlags: [],
    dropArgs: [],
    renameArgs: {},
  }
}

/**
 * cargo's environment for mingw: Debian's winapi crates lack their bundled import
 * libraries (`-lwinapi_advapi32`), and WINAPI_NO_BUNDLED_LIBRARIES makes winapi link
 * mingw's own; C++ links libstdc++ statically, or every .exe would need libstdc++-6.dll
 * beside it.
 */
export function mingwEnv(facts: TargetFacts): Record<string, string> {
  return { WINAPI_NO_BUNDLED_LIBRARIES: '1', [`CXXSTDLIB_${facts.underscored}`]: 'static=stdc++' }
}

/**
 * rustc links i686 windows-gnu executables with `rsbegin.o` and `rsend.o` (unwinding
 * registration), looked up in the native search paths. They come with a prebuilt std;
 * build-std does not build them, so the action compiles them from std's source.
 */
export function needsStartupObjects(facts: TargetFacts, buildStd: boolean): boolean {
  return buildStd && facts.family === 'x86' && mingwTriple(facts) !== undefined
}

/** rustc's arguments for one of them: an object for the target, no unwinding of its own. */
export function startupObjectArgs(source: string, output: string, triple: string): string[] {
  return ['--target', triple, '--emit=obj', '-C', 'panic=abort', '-O', source, '-o', output]
}
