/**
 * Staging: copy each built executable into the staging directory, strip it with a tool
 * that understands the target's format, and write SHA256SUMS (GNU format, verifies with
 * `sha256sum -c`) and a JSON manifest.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { errorMessage } from './errors.js'
import { run, which } from './exec.js'
import type { Artifact } from './cargo.js'
import type { TargetFacts } from './target.js'

export interface StagedFile {
  name: string
  path: string
  size: number
  sha256: string
  stripped: boolean
}

export interface ManifestContext {
  target: string
  toolchain: string
  rustc: string
  rustflags: string[]
  targetCpu?: string
  targetFeatures: string[]
  linker: string
  glibc?: string
}

/** The one copy of each bin to stage: the last artifact message for a name wins. */
export function binariesToStage(artifacts: readonly Artifact[]): Artifact[] {
  const byName = new Map<string, Artifact>()
  for (const artifact of artifacts) if (!artifact.test) byName.set(path.basename(artifact.executable), artifact)
  return [...byName.values()].sort((a, b) => a.executable.localeCompare(b.executable))
}

/** GNU coreutils format: `<hex>  <name>` (two spaces: text mode), sorted by name. */
export function renderSha256Sums(files: readonly Pick<StagedFile, 'name' | 'sha256'>[]): string {
  return [...files]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((file) => `${file.sha256}  ${file.name}\n`)
    .join('')
}

/** What every manifest.json says about the build, before its list of files. */
export function manifestHeader(context: ManifestContext): Record<string, unknown> {
  return {
    target: context.target,
    toolchain: context.toolchain,
    rustc: context.rustc,
    rustflags: context.rustflags,
    baseline: { targetCpu: context.targetCpu ?? null, targetFeatures: context.targetFeatures },
    linker: context.linker,
    glibc: context.glibc ?? null,
  }
}

export function renderManifest(context: ManifestContext, files: readonly StagedFile[]): string {
  const manifest = { ...manifestHeader(context), files: files.map(({ name, size, sha256, stripped }) => ({ name, size, sha256, stripped })) }
  return `${JSON.stringify(manifest, null, 2)}\n`
}

export async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** The strip programs that understand the target's object format, best first. */
export function stripCandidates(facts: TargetFacts, hostFamily: string, zig?: string): string[][] {
  const candidates: string[][] = []
  if (facts.gnuTriple) candidates.push([`${facts.gnuTriple}-strip`])
  if (facts.family === hostFamily) candidates.push(['strip'])
  candidates.push(['llvm-strip'])
  if (zig) candidates.push([zig, 'objcopy', '--strip-all'])
  return candidates
}

async function stripFile(file: string, candidates: string[][]): Promise<string | undefined> {
  for (const [program, ...args] of candidates) {
    if (!program || !(await which(program))) continue
    const output = `${file}.stripped`
    const result = args.length ? await run(program, [...args, file, output], { allowFailure: true }) : await run(program, ['-o', output, file], { allowFailure: true })
    if (result.code === 0 && fs.existsSync(output)) {
      fs.renameSync(output, file)
      return program
    }
    fs.rmSync(output, { force: true })
    core.debug(`${program} could not strip ${file}: ${result.stderr.trim()}`)
  }
  return undefined
}

export interface StageResult {
  dir: string
  files: StagedFile[]
  sumsPath: string
  manifestPath: string
}

export async function stageBinaries(artifacts: readonly Artifact[], dir: string, strip: boolean, stripWith: string[][], context: ManifestContext): Promise<StageResult> {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const files: StagedFile[] = []
  for (const artifact of binariesToStage(artifacts)) {
    const name = path.basename(artifact.executable)
    const target = path.join(dir, name)
    fs.copyFileSync(artifact.executable, target)
    fs.chmodSync(target, 0o755)
    let stripped = false
    if (strip) {
      try {
        const tool = await stripFile(target, stripWith)
        stripped = tool !== undefined
        if (!stripped) core.warning(`No strip tool for ${context.target} found (tried ${stripWith.map((c) => c[0]).join(', ')}); ${name} is staged unstripped.`)
      } catch (error) {
        core.warning(`Stripping ${name} failed: ${errorMessage(error)}; staged unstripped.`)
      }
    }
    files.push({ name, path: target, size: fs.statSync(target).size, sha256: await sha256Of(target), stripped })
  }
  const sumsPath = path.join(dir, 'SHA256SUMS')
  fs.writeFileSync(sumsPath, renderSha256Sums(files))
  const manifestPath = path.join(dir, 'manifest.json')
  fs.writeFileSync(manifestPath, renderManifest(context, files))
  return { dir, files, sumsPath, manifestPath }
}
