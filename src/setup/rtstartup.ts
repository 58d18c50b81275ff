/** i686 windows-gnu with build-std: rsbegin.o and rsend.o compiled from std's source. */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { actionTempDir } from '../common/runner.js'
import type { TargetFacts } from '../common/target.js'
import { ActionError } from '../errors.js'
import { exec } from '../exec.js'
import { startupObjectArgs } from './mingw.js'
import type { Toolchain } from './toolchain.js'

/** The folder holding the two objects, for `-Lnative=`. */
export async function buildStartupObjects(facts: TargetFacts, toolchain: Toolchain): Promise<string> {
  const sysroot = (await exec('rustc', ['--print', 'sysroot'], { env: toolchain.env })).stdout.trim()
  const sources = path.join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library', 'rtstartup')
  if (!fs.existsSync(path.join(sources, 'rsbegin.rs'))) throw new ActionError(`${facts.triple} with build-std needs rsbegin.rs from std's source, and ${sources} has none; install rust-src.`)
  const dir = actionTempDir(`rtstartup-${facts.triple}`)
  fs.mkdirSync(dir, { recursive: true })
  for (const name of ['rsbegin', 'rsend']) {
    await exec('rustc', startupObjectArgs(path.join(sources, `${name}.rs`), path.join(dir, `${name}.o`), facts.triple), { env: { ...toolchain.env, RUSTC_BOOTSTRAP: '1' } })
  }
  core.info(`Built rsbegin.o and rsend.o for ${facts.triple} from std's source (build-std does not) in ${dir}`)
  return dir
}
