/**
 * wine for a windows-gnu target's tests and smoke test: the action's own prefix under
 * RUNNER_TEMP, created once, and where wine lacks `bcryptprimitives.dll` (wine < 9:
 * Debian 12, Ubuntu 22.04), a stand-in for the one function Rust's std imports from it
 * since 1.78, `ProcessPrng`, built with the target's mingw gcc and found through WINEPATH.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { actionTempDir } from '../common/runner.js'
import type { TargetFacts } from '../common/target.js'
import { WINE64, wineEnv } from '../common/wine.js'
import { errorMessage } from '../errors.js'
import { exec } from '../exec.js'

/** Fills the buffer from RtlGenRandom (advapi32!SystemFunction036), which wine 8 has. */
const STAND_IN_SOURCE = `/* Written by rust-xbuild: ProcessPrng for wine without bcryptprimitives.dll. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
`
const STAND_IN_DEF = 'LIBRARY bcryptprimitives.dll\nEXPORTS\n    ProcessPrng\n'

/** Where wine keeps its builtin PE DLLs for this architecture (Debian/Ubuntu multiarch layout, then wine's own). */
export function builtinDllDirs(facts: TargetFacts): string[] {
  const dir = facts.family === 'x86_64' ? 'x86_64-windows' : 'i386-windows'
  return [`/usr/lib/x86_64-linux-gnu/wine/${dir}`, `/usr/lib/i386-linux-gnu/wine/${dir}`, `/usr/lib/wine/${dir}`, `/usr/lib64/wine/${dir}`]
}

/** Build the stand-in DLL with the target's mingw gcc; its folder goes on WINEPATH. */
async function buildStandIn(cc: string, facts: TargetFacts, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true })
  const source = path.join(dir, 'bcryptprimitives.c')
  const def = path.join(dir, 'bcryptprimitives.def')
  fs.writeFileSync(source, STAND_IN_SOURCE)
  fs.writeFileSync(def, STAND_IN_DEF)
  // i686: the .def's undecorated name binds to the stdcall symbol (ProcessPrng@8).
  const i686 = facts.family === 'x86' ? ['-Wl,--kill-at', '-Wl,--enable-stdcall-fixup'] : []
  await exec(cc, ['-O2', '-shared', '-s', '-o', path.join(dir, 'bcryptprimitives.dll'), source, def, '-ladvapi32', ...i686])
  return dir
}

/** The environment wine runs with for this build: prefix, quiet, stand-in DLLs. */
export async function prepareWine(facts: TargetFacts, cc: string | undefined): Promise<Record<string, string>> {
  const root = actionTempDir('wine')
  const dllDirs: string[] = []
  if (!builtinDllDirs(facts).some((dir) => fs.existsSync(path.join(dir, 'bcryptprimitives.dll')))) {
    if (!cc) {
      core.warning('wine has no bcryptprimitives.dll, and there is no mingw gcc to build a stand-in: Rust executables (std >= 1.78) will not start under this wine.')
    } else {
      dllDirs.push(await buildStandIn(cc, facts, path.join(root, `dlls-${facts.arch}`)))
      core.info(
        `This wine has no bcryptprimitives.dll (ProcessPrng), which Rust's std imports since 1.78: built a stand-in with ${path.basename(cc)} in ${dllDirs[0]} and put it on WINEPATH (tests and the smoke test only; staged binaries are unchanged).`,
      )
    }
  }
  const env = wineEnv(path.join(root, 'prefix'), dllDirs)
  const started = performance.now()
  // Creating the prefix costs several seconds: once here, not inside the first test.
  const boot = await exec(WINE64, ['wineboot', '-i'], { env, allowFailure: true })
  if (boot.code !== 0) core.warning(`wineboot -i failed (exit ${boot.code}); wine creates the prefix on first use instead: ${errorMessage(boot.stderr.trim().split('\n').slice(-3).join(' / '))}`)
  else core.info(`wine prefix ${env.WINEPREFIX} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return env
}
