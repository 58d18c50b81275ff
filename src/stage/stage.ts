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
import { targetBinutils } from '../common/wine.js'
import type { DebugSplit } from '../setup/debug-symbols.js'

/** The debug file's name for a binary: `app` → `app.debug`, `app.exe` → `app.debug` (beside `app.exe`), `.pdb`, `.dSYM`. */
export function debugFileName(binary: string, split: DebugSplit['format']): string {
  const stem = binary.replace(/\.exe$/i, '')
  if (split === 'pdb') return `${stem}.pdb`
  if (split === 'dsymutil') return `${binary}.dSYM`
  return `${stem}.debug`
}

/** Keep the unstripped binary's debug information in a file of its own, before stripping; its path. */
async function keepDebugInfo(staged: string, artifact: Artifact, split: DebugSplit): Promise<string> {
  const output = path.join(path.dirname(staged), debugFileName(path.basename(staged), split.format))
  const [program, ...prefix] = split.tool ?? []
  const fromCargo = (artifact.debugFiles ?? []).find((file) => file.endsWith(split.format === 'pdb' ? '.pdb' : '.dSYM'))
  if (split.format === 'pdb' || (split.format === 'dsymutil' && fromCargo)) {
    if (!fromCargo) throw new ActionError(`debug-symbols: cargo wrote no .pdb for ${path.basename(staged)}; the profile's debug setting or the linker gave it none.`)
    fs.cpSync(fromCargo, output, { recursive: true, verbatimSymlinks: true })
  } else if (program && split.format === 'dsymutil') await exec(program, [...prefix, staged, '-o', output])
  else if (program) await exec(program, [...prefix, '--only-keep-debug', staged, output])
  if (fs.statSync(output).isFile()) fs.chmodSync(output, 0o644)
  return output
}

/** The stripped binary's `.gnu_debuglink` to its debug file (which holds the CRC the debugger checks). */
async function linkDebugFile(staged: string, debug: string, split: DebugSplit): Promise<void> {
  const [program, ...prefix] = split.tool ?? []
  if (split.format !== 'objcopy' || !program) return
  const linked = `${staged}.linked`
  await exec(program, [...prefix, `--add-gnu-debuglink=${debug}`, staged, linked])
  fs.renameSync(linked, staged)
  fs.chmodSync(staged, 0o755)
}

export interface StagedFile {
  name: string
  path: string
  size: number
  sha256: string
  stripped: boolean
  /** cargo's id of the package the binary belongs to (its version, the SBOM's root) */
  packageId: string
  /** debug-symbols: the binary's debug file beside it (<bin>.debug, <bin>.pdb, or a <bin>.dSYM folder) */
  debug?: string
}

/** The one copy of each bin to stage: the last artifact message for a name wins. */
export function binariesToStage(artifacts: readonly Artifact[]): Artifact[] {
  const byName = new Map<string, Artifact>()
  for (const artifact of artifacts) if (!artifact.test) byName.set(path.basename(artifact.executable), artifact)
  return [...byName.values()].sort((a, b) => a.executable.localeCompare(b.executable))
}

/** The strip programs that understand the target's object format, best first. */
export function stripCandidates(facts: TargetFacts, hostFamily: string, zig?: string): string[][] {
  return [...targetBinutils(facts, hostFamily, 'strip'), ...(zig ? [[zig, 'objcopy', '--strip-all']] : [])]
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

export async function stageBinaries(artifacts: readonly Artifact[], dir: string, strip: boolean, stripWith: string[][], target: string, split?: DebugSplit): Promise<StageResult> {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const files: StagedFile[] = []
  for (const artifact of binariesToStage(artifacts)) {
    const name = path.basename(artifact.executable)
    const staged = copyFileInside(dir, name, stagedSource(artifact.executable), 0o755)
    const debug = split ? await keepDebugInfo(staged, artifact, split) : undefined
    const stripped = strip ? await stripStaged(staged, stripWith, target) : false
    if (debug && split) await linkDebugFile(staged, debug, split)
    files.push({ name, path: staged, size: fs.statSync(staged).size, sha256: await sha256Of(staged), stripped, packageId: artifact.packageId, ...(debug ? { debug } : {}) })
  }
  return { dir, files }
}

/** Strip a staged copy; a missing or failing tool warns and leaves it unstripped. */
async function stripStaged(staged: string, stripWith: string[][], target: string): Promise<boolean> {
  const name = path.basename(staged)
  try {
    const tool = await stripFile(staged, stripWith)
    if (!tool) core.warning(`No strip tool for ${target} found (tried ${stripWith.map((c) => c[0]).join(', ')}); ${name} is staged unstripped.`)
    return tool !== undefined
  } catch (error) {
    core.warning(`Stripping ${name} failed: ${errorMessage(error)}; staged unstripped.`)
    return false
  }
}
