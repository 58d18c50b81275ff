/**
 * The Package phase: archives, per-file checksum files, SHA256SUMS/SHA512SUMS over
 * binaries and archives, the Docker platform layout, and the final manifest.json.
 * The planning is in plan.ts; this file reads and writes.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { parse as parseToml } from 'smol-toml'
import { normalMode, writeArchive, type MemberFile } from './archive.js'
import { Input } from '../common/constants.js'
import { InputError } from '../errors.js'
import { dockerPath, planArchives, planDebugArchives, renderSums, sumsFileName, versionFromPackageId, versionFromRef, type ArchiveEntry, type ArchivePlan } from './plan.js'
import type { StagedFile } from '../stage/stage.js'
import { hashFile, type Hashes, type ChecksumAlgorithm } from '../common/checksum.js'
import { cpuLabel } from '../common/cpu.js'
import { copyFileInside, isInside, resolveInside, writeFileInside } from '../common/paths.js'
import { checkIncludeLiterals, type ArchiveFormat } from '../inputs/packaging.js'

export interface ManifestContext {
  target: string
  toolchain: string
  rustc: string
  rustflags: string[]
  targetCpu?: string
  targetFeatures: string[]
  linker: string
  glibc?: string
  /** The time given to archive members, recorded so that a rebuild can use the same */
  sourceDateEpoch: number
}

export interface PackagedFile {
  name: string
  path: string
  kind: 'binary' | 'archive' | 'package' | 'sbom' | 'debug'
  size: number
  hashes: Hashes
  stripped?: boolean
  /** Archive members */
  contents?: string[]
}

export interface PackageOptions {
  stageDir: string
  workDir: string
  workspace: string
  binaries: readonly (StagedFile & { version: string })[]
  /** undefined: no archives */
  archive?: ArchiveFormat
  /** The format of the debug archives (debug-symbols), which are written even with archive: none */
  debugArchive?: ArchiveFormat
  nameTemplate: string
  include: readonly string[]
  checksums: readonly ChecksumAlgorithm[]
  /** Absolute; undefined: no Docker layout */
  dockerDir?: string
  dockerPlatform?: string
  context: ManifestContext
  /** Seconds since the epoch for archive members (SOURCE_DATE_EPOCH, else HEAD's commit time) */
  mtime: number
  /** SBOMs already written into the staging folder, covered by the sums and the manifest */
  sboms?: readonly { name: string; path: string }[]
  /** deb and rpm packages already written into the staging folder, likewise */
  linuxPackages?: readonly { name: string; path: string }[]
}

export interface PackageResult {
  files: PackagedFile[]
  archives: PackagedFile[]
  sums: string[]
  manifestPath: string
  docker: string[]
}

/** The version for `{version}`: the tag when building one, else the bin's package version, else Cargo.toml's. */
export function resolveVersion(packageId: string, workDir: string, ref: string | undefined): string | undefined {
  return versionFromRef(ref) ?? versionFromPackageId(packageId) ?? cargoTomlVersion(workDir)
}

function cargoTomlVersion(workDir: string): string | undefined {
  try {
    const manifest = parseToml(fs.readFileSync(path.join(workDir, 'Cargo.toml'), 'utf8')) as { package?: { version?: unknown }; workspace?: { package?: { version?: unknown } } }
    const version = manifest.package?.version ?? manifest.workspace?.package?.version
    return typeof version === 'string' ? version : undefined
  } catch {
    return undefined
  }
}

/** Folders that are never release material; the search does not even enter them. */
const NEVER_SEARCHED = ['**/.git/**', '**/target/**', '**/node_modules/**']

type Tinyglobby = typeof import('tinyglobby')

/** Files a glob matches below workDir (relative, `/`), not through linked folders. */
function globFiles({ globSync }: Tinyglobby, pattern: string, workDir: string): string[] {
  const realWorkDir = fs.realpathSync(workDir)
  return globSync(pattern, { cwd: workDir, ignore: NEVER_SEARCHED, dot: true, expandDirectories: false, followSymbolicLinks: true }).filter((name) => {
    // A match inside a linked folder: the folder's real path is not where its name says.
    try {
      return fs.realpathSync(path.join(workDir, path.dirname(name))) === path.join(realWorkDir, path.dirname(name))
    } catch {
      return false
    }
  })
}

/**
 * The `include` patterns, relative to the working directory, as archive entries. A
 * literal name that is missing is an error (a typo); a glob matching nothing warns.
 * Every match must resolve (links followed) inside the workspace.
 */
export async function findIncludes(patterns: readonly string[], workDir: string, workspace: string): Promise<ArchiveEntry[]> {
  if (!patterns.length) return []
  // Loaded only when there is something to include, to keep the bundle's start-up small.
  const globber = await import('tinyglobby')
  const root = fs.realpathSync(workspace)
  const entries = new Map<string, ArchiveEntry>()
  for (const pattern of patterns) {
    const glob = globber.isDynamicPattern(pattern)
    let names: string[]
    if (glob) {
      names = globFiles(globber, pattern, workDir)
      if (!names.length) core.warning(`The include pattern '${pattern}' matches no file in ${workDir}.`)
    } else {
      names = await checkIncludeLiterals([pattern], workDir)
    }
    for (const name of names.sort()) {
      const source = path.join(workDir, name)
      let real: string
      try {
        real = fs.realpathSync(source)
      } catch {
        // A broken link: an error when named, skipped when a glob found it.
        if (glob) continue
        throw new InputError(Input.Include, pattern, `${name} is a link to nothing.`)
      }
      if (!isInside(root, real)) throw new InputError(Input.Include, pattern, `${name} leads to ${real}, outside the workspace; only files of the workspace are packaged.`)
      if (!fs.statSync(real).isFile()) {
        if (glob) continue
        throw new InputError(Input.Include, pattern, `${name} is not a file; name files or globs such as docs/*.md.`)
      }
      entries.set(name, { name, source })
    }
  }
  return [...entries.values()]
}

function member(entry: ArchiveEntry, mtime: number): MemberFile {
  return { name: entry.name, source: entry.source, mode: normalMode(fs.statSync(entry.source).mode), mtime }
}

export function renderPackageManifest(context: ManifestContext, files: readonly PackagedFile[], sums: readonly string[], docker: readonly string[]): string {
  const manifest = {
    target: context.target,
    toolchain: context.toolchain,
    rustc: context.rustc,
    rustflags: context.rustflags,
    baseline: { targetCpu: context.targetCpu ?? null, targetFeatures: context.targetFeatures },
    linker: context.linker,
    glibc: context.glibc ?? null,
    sourceDateEpoch: context.sourceDateEpoch,
    files: files.map((file) => ({
      name: file.name,
      kind: file.kind,
      size: file.size,
      ...file.hashes,
      ...(file.stripped === undefined ? {} : { stripped: file.stripped }),
      ...(file.contents ? { contents: file.contents } : {}),
    })),
    sums,
    docker,
  }
  return `${JSON.stringify(manifest, null, 2)}\n`
}

export async function packageStaged(options: PackageOptions): Promise<PackageResult> {
  const { stageDir, checksums } = options
  const files: PackagedFile[] = []
  for (const binary of options.binaries) {
    files.push({ name: binary.name, path: binary.path, kind: 'binary', size: binary.size, hashes: await hashFile(binary.path, checksums), stripped: binary.stripped })
  }
  const archives = await writeArchives(options)
  files.push(...archives, ...(await writeDebugArchives(options)))
  for (const pkg of options.linuxPackages ?? []) {
    files.push({ name: pkg.name, path: pkg.path, kind: 'package', size: fs.statSync(pkg.path).size, hashes: await hashFile(pkg.path, checksums) })
  }
  for (const sbom of options.sboms ?? []) {
    files.push({ name: sbom.name, path: sbom.path, kind: 'sbom', size: fs.statSync(sbom.path).size, hashes: await hashFile(sbom.path, checksums) })
  }
  const sums = writeSums(stageDir, checksums, files)
  const docker = copyDockerLayout(options)
  const dockerNames = docker.map((file) =>
    path
      .relative(options.dockerDir ?? stageDir, file)
      .split(path.sep)
      .join('/'),
  )
  const manifestPath = writeFileInside(stageDir, 'manifest.json', renderPackageManifest(options.context, files, sums, dockerNames))
  return { files, archives, sums, manifestPath, docker }
}

/** The archives the name template asks for, each with the binaries and the include files. */
async function writeArchives(options: PackageOptions): Promise<PackagedFile[]> {
  if (!options.archive) return []
  const includes = await findIncludes(options.include, options.workDir, options.workspace)
  const plans = planArchives(
    options.binaries.map((file) => ({ name: file.name, path: file.path, version: file.version })),
    includes,
    options.nameTemplate,
    options.context.target,
    options.archive,
    cpuLabel(options.context.targetCpu),
  )
  return writePlanned(plans, 'archive', options)
}

/** Each planned archive written into the staging folder and hashed, as a file of the given kind. */
async function writePlanned(plans: readonly ArchivePlan[], kind: 'archive' | 'debug', options: PackageOptions): Promise<PackagedFile[]> {
  const written: PackagedFile[] = []
  for (const plan of plans) {
    const output = resolveInside(options.stageDir, plan.fileName)
    await writeArchive(
      plan.format,
      plan.entries.map((entry) => member(entry, options.mtime)),
      output,
    )
    written.push({ name: plan.fileName, path: output, kind, size: fs.statSync(output).size, hashes: await hashFile(output, options.checksums), contents: plan.entries.map((e) => e.name) })
  }
  return written
}

/** A debug file as archive members: the file, or every file of a .dSYM bundle under its name. */
function debugEntries(debug: string): ArchiveEntry[] {
  const name = path.basename(debug)
  if (!fs.lstatSync(debug).isDirectory()) return [{ name, source: debug }]
  const entries: ArchiveEntry[] = []
  const walk = (dir: string, prefix: string): void => {
    for (const child of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, child)
      const stat = fs.lstatSync(full)
      if (stat.isDirectory()) walk(full, `${prefix}/${child}`)
      else if (stat.isFile()) entries.push({ name: `${prefix}/${child}`, source: full })
    }
  }
  walk(debug, name)
  return entries
}

/** debug-symbols: `<name>-debug.<ext>` per archive name, listed with kind debug (never a binary: images and the docker layout leave them out). */
async function writeDebugArchives(options: PackageOptions): Promise<PackagedFile[]> {
  const format = options.debugArchive
  const withDebug = options.binaries.filter((binary) => binary.debug)
  if (!format || !withDebug.length) return []
  const plans = planArchives(
    withDebug.map((file) => ({ name: file.name, path: file.path, version: file.version })),
    [],
    options.nameTemplate,
    options.context.target,
    format,
    // The same {cpu} as the archives: two variants' debug archives never share a name.
    cpuLabel(options.context.targetCpu),
  )
  const debugOf = new Map(withDebug.map((binary) => [binary.name, debugEntries(binary.debug ?? '')]))
  return writePlanned(planDebugArchives(plans, debugOf), 'debug', options)
}

/** `<file>.sha256` beside each file, and one SUMS file per algorithm over all of them; the SUMS files' names. */
function writeSums(stageDir: string, checksums: PackageOptions['checksums'], files: readonly PackagedFile[]): string[] {
  const sums: string[] = []
  for (const algorithm of checksums) {
    for (const file of files) writeFileInside(stageDir, `${path.relative(stageDir, file.path)}.${algorithm}`, renderSums([{ name: file.name, hash: file.hashes[algorithm] ?? '' }]))
    const sumsName = sumsFileName(algorithm)
    writeFileInside(stageDir, sumsName, renderSums(files.map((file) => ({ name: file.name, hash: file.hashes[algorithm] ?? '' }))))
    sums.push(sumsName)
  }
  return sums
}

/** The binaries under docker-dir/<platform>/, for a target with a Docker platform. */
function copyDockerLayout(options: PackageOptions): string[] {
  if (!options.dockerDir) return []
  if (!options.dockerPlatform) {
    core.warning(`${options.context.target} has no Docker platform; the docker-dir layout is skipped for it.`)
    return []
  }
  fs.mkdirSync(options.dockerDir, { recursive: true })
  const { dockerDir, dockerPlatform } = options
  return options.binaries.map((binary) => copyFileInside(dockerDir, dockerPath(dockerPlatform, binary.name), binary.path, 0o755))
}
