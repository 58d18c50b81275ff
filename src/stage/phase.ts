/**
 * The Stage binaries phase: cargo's executables copied (and stripped) into the staging
 * folder, target/xbuild/<triple>, with their sizes and SHA256s.
 */
import path from 'node:path'
import * as core from '@actions/core'
import { Output } from '../common/constants.js'
import type { Host } from '../common/target.js'
import type { BuildOutcome } from '../build/phase.js'
import type { BuildRequest } from '../inputs/phase.js'
import type { TargetSetup } from '../setup/phase.js'
import { stageBinaries, stripCandidates, type StageResult } from './stage.js'

export async function stage({ inputs, facts, stageDir }: BuildRequest, host: Host, setup: TargetSetup, built: BuildOutcome): Promise<StageResult> {
  const result = await stageBinaries(built.artifacts, stageDir, inputs.strip, stripCandidates(facts, host.family, setup.zig), facts.triple, setup.debugSplit)
  for (const file of result.files)
    core.info(`${file.sha256}  ${file.name} (${file.size} bytes${file.stripped ? ', stripped' : ''}${file.debug ? `; debug information in ${path.basename(file.debug)}` : ''})`)
  if (!result.files.length && inputs.command !== 'test') core.warning(`cargo built no executables for ${facts.triple}; check the package and bin inputs.`)
  core.setOutput(Output.Binaries, JSON.stringify(result.files.map((file) => file.path)))
  core.setOutput(Output.Dir, result.dir)
  return result
}
