/**
 * The Inputs phase: every input read and checked once, the project folder found, the
 * target's facts looked up, and a release upload checked before anything is built.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { Input, STAGE_FOLDER } from '../common/constants.js'
import { workspace } from '../common/runner.js'
import { targetFacts, type TargetFacts } from '../common/target.js'
import { InputError } from '../errors.js'
import { parseInputs, type Inputs } from './parse.js'
import { releaseTarget } from './release.js'

/** What the user asked for, and where: every later phase starts from this. */
export interface BuildRequest {
  inputs: Inputs
  /** The Cargo project (working-directory resolved against the workspace) */
  workDir: string
  facts: TargetFacts
  /** Where the target's binaries are staged: <workDir>/target/xbuild/<triple> */
  stageDir: string
}

export function readInputs(): BuildRequest {
  const inputs = parseInputs((name) => core.getInput(name))
  const workDir = path.resolve(workspace(), inputs.workingDirectory)
  if (!fs.existsSync(workDir) || !fs.statSync(workDir).isDirectory()) {
    throw new InputError(Input.WorkingDirectory, inputs.workingDirectory, `no such directory (${workDir}); point it at the folder that holds the project's Cargo.toml.`)
  }
  if (!fs.existsSync(path.join(workDir, 'Cargo.toml'))) {
    throw new InputError(Input.WorkingDirectory, inputs.workingDirectory, `${workDir} has no Cargo.toml; point it at the folder that holds the project's Cargo.toml.`)
  }
  if (inputs.upload === 'release') {
    // Loose binaries of different targets share names (app, app): a release takes archives.
    if (inputs.archive === 'none')
      throw new InputError(Input.Upload, 'release', 'a release receives the archives, and archive is none; set archive, or upload artifacts and publish with the merge action.')
    releaseTarget(inputs.releaseTag, inputs.token)
  }
  const facts = targetFacts(inputs.triple)
  core.info(`Target ${facts.triple}${inputs.targetAsGiven !== facts.triple ? ` (from ${inputs.targetAsGiven})` : ''}`)
  core.info(`Project ${workDir}`)
  return { inputs, workDir, facts, stageDir: path.join(workDir, 'target', STAGE_FOLDER, facts.triple) }
}
