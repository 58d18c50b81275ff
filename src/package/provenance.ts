/**
 * What makes the staged files checkable: the one time every archive member gets, and the
 * SBOM of each built package. The I/O half (git, cargo metadata, files); the SBOM itself
 * is built in sbom.ts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { exec } from '../exec.js'
import { resolveForTarget, type CargoMetadata } from '../setup/metadata.js'
import { writeFileInside } from '../common/paths.js'

/** 1980-01-01T00:00:00Z: the earliest time a zip can hold. */
export const FIXED_EPOCH = 315532800

export type EpochSource = 'SOURCE_DATE_EPOCH' | 'commit' | 'fixed'

/** SOURCE_DATE_EPOCH when set, else HEAD's commit time, else the fixed epoch. Pure. */
export function chooseEpoch(fromEnvironment: number | undefined, commitTime: string | undefined): { epoch: number; source: EpochSource } {
  if (fromEnvironment !== undefined) return { epoch: fromEnvironment, source: 'SOURCE_DATE_EPOCH' }
  const commit = Number(commitTime?.trim())
  if (commitTime?.trim() && Number.isInteger(commit) && commit > 0) return { epoch: commit, source: 'commit' }
  return { epoch: FIXED_EPOCH, source: 'fixed' }
}

/** HEAD's commit time in the project's repository; undefined outside one or without git. */
export async function commitTime(workDir: string): Promise<string | undefined> {
  try {
    const result = await exec('git', ['log', '-1', '--format=%ct'], { cwd: workDir, allowFailure: true })
    return result.code === 0 ? result.stdout : undefined
  } catch {
    // No git on PATH: the fixed epoch then.
    return undefined
  }
}

export interface SbomRequest {
  workDir: string
  stageDir: string
  triple: string
  /** The package ids whose binaries were staged */
  packageIds: readonly string[]
  /** Feature and lockfile flags, as cargo build got them */
  cargoArgs: readonly string[]
  /** `cargo metadata --filter-platform` with those flags when the preflight already read it */
  metadata?: CargoMetadata
  env: Record<string, string>
  sourceDateEpoch: number
}

/** One `<package>-<target>.cdx.json` per built package, written into the staging folder. */
export async function writeSboms(request: SbomRequest): Promise<{ name: string; path: string; components: number }[]> {
  if (!request.packageIds.length) return []
  // The CycloneDX library is loaded only when an SBOM is written.
  const { buildSbom, sbomFileName } = await import('./sbom.js')
  const metadata = request.metadata ?? (await resolveForTarget(request.workDir, request.triple, request.cargoArgs, request.env))
  const lockFile = path.join(metadata.workspace_root, 'Cargo.lock')
  const lockfile = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : ''
  const written = []
  for (const packageId of [...new Set(request.packageIds)].sort()) {
    const pkg = metadata.packages.find((candidate) => candidate.id === packageId)
    if (!pkg) continue
    const sbom = buildSbom({ metadata, lockfile, packageId, triple: request.triple, sourceDateEpoch: request.sourceDateEpoch })
    const name = sbomFileName(pkg.name, request.triple)
    const file = writeFileInside(request.stageDir, name, sbom.json)
    written.push({ name, path: file, components: sbom.packageIds.length })
  }
  return written
}
