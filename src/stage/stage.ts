/**
 * Staging: copy each built executable into the staging directory and strip it with a
 * tool that understands the target's format. The Package phase then writes the
 * checksum files and manifest.json over everything staged.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { sha256Of } from '../common/checksum.js'
import { ActionError, errorMessage } from '../errors.js'
import { copyFileInside, fileKind, isInside } from '../common/paths.js'
import { exec, which } from '../exec.js'
import type { Artifact } from '../build/cargo.js'
import type { TargetFacts } from '../common/target.js'
import { mingwTriple } from '../common/wine.js'

export interface StagedFile {
  name: string
  path: string
  size: number
  sha256: string
  stripped: boolean
  /** cargo's id of the package the binary belongs to (its version, the SBOM's root) */
  packageId: string
}

/** The one copy of each bin to stage: the last artifact message for a name wins. */
export function binariesToStage(artifacts: readonly Artifact[]): Artifact[] {
  const byName = new Map<string, Artifact>()
  for (const artifact of artifacts) if (!artifact.test) byName.set(path.basename(artifact.executable), artifact)
  return [...byName.values()].sort((a, b) => a.executable.localeCompare(b.executable))
}

/** The strip programs that understand the target's object format, best first. */
export function stripCandidates(facts: TargetFacts, hostFamily: string, zig?: string): string[][] {
  const candidates: string[][] = []
  if (facts.gnuTriple) candidates.push([`${facts.gnuTriple}-strip`])
  const mingw = mingwTriple(facts)
  if (mingw) candidates.push([`${mingw}-strip`])
  if (facts.family === hostFamily) candidates.push(['strip'])
  candidates.push(['llvm-strip'])
  if (zig) candidates.push([zig, 'objcopy', '--strip-all'])
  return candidates
}

async function stripFile(file: string, candidates: string[][]): Promise<string | undefined> {
  for (const [program, ...args] of candidates) {
    if (!program || !(await which(program))) continue
    const output = `${file}.stripped`
    const result = args.length ? await exec(program, [...args, file, output], { allowFailure: true }) : await exec(program, ['-o', output, file], { allowFailure: true })
    if (result.code === 0 && fs.existsSync(output)) {
      fs.renameSync(output, file)
      return program
    }
    fs.rmSync(output, { force: true })
    core.debug(`${program} could not strip ${file}: ${result.stderr.trim()}`)
  }
  return undefined
}

/**
 * The file to stage for a cargo executable: itself, or where it links to when that is still
 * inside its profile folder (a build script can replace an executable with a link to any
 * file on the runner, which would then ship in the release).
 */
export function stagedSource(executable: string): string {
  const kind = fileKind(executable)
  if (kind === 'file') return executable
  if (kind === 'missing') throw new ActionError(`cargo's executable ${executable} does not exist; nothing is staged from it.`)
  if (kind !== 'symbolic link') throw new ActionError(`cargo's executable ${executable} is a ${kind}, not a file; nothing is staged from it.`)
  const folder = fs.realpathSync(path.dirname(executable))
  let real: string
  try {
    real = fs.realpathSync(executable)
  } catch {
    throw new ActionError(`cargo's executable ${executable} is a link to nothing (${fs.readlinkSync(executable)}).`)
  }
  if (!isInside(folder, real)) throw new ActionError(`cargo's executable ${executable} is a link to ${real}, outside ${folder}; a build step replaced it, and it is not staged.`)
  if (fileKind(real) !== 'file') throw new ActionError(`cargo's executable ${executable} leads to ${real}, which is not a file.`)
  return real
}

export interface StageResult {
  dir: string
  files: StagedFile[]
}

export async function stageBinaries(artifacts: readonly Artifact[], dir: string, strip: boolean, stripWith: string[][], target: string): Promise<StageResult> {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const files: StagedFile[] = []
  for (const artifact of binariesToStage(artifacts)) {
    const name = path.basename(artifact.executable)
    const staged = copyFileInside(dir, name, stagedSource(artifact.executable), 0o755)
    let stripped = false
    if (strip) {
      try {
        const tool = await stripFile(staged, stripWith)
        stripped = tool !== undefined
        if (!stripped) core.warning(`No strip tool for ${target} found (tried ${stripWith.map((c) => c[0]).join(', ')}); ${name} is staged unstripped.`)
      } catch (error) {
        core.warning(`Stripping ${name} failed: ${errorMessage(error)}; staged unstripped.`)
      }
    }
    files.push({ name, path: staged, size: fs.statSync(staged).size, sha256: await sha256Of(staged), stripped, packageId: artifact.packageId })
  }
  return { dir, files }
}
