/**
 * `cargo metadata --format-version 1`: one type for its JSON and the two calls the action
 * makes. The manifests alone (`--no-deps`) are read once, before anything resolves, for the
 * project check and the cache keys; the graph resolved for the target (`--filter-platform`
 * with the build's feature flags) once, for the preflight and the SBOMs.
 */
import { exec } from '../exec.js'

/** A package as cargo metadata lists it: the fields some stage reads. */
export interface CargoPackage {
  id: string
  name: string
  version: string
  /** null for path packages (workspace members, path dependencies) */
  source: string | null
  manifest_path: string
  license?: string | null
  license_file?: string | null
  description?: string | null
  repository?: string | null
  links?: string | null
  features: Record<string, string[]>
  targets: { name: string; kind: string[] }[]
  dependencies: { name: string; rename?: string | null }[]
}

export interface ResolveNode {
  id: string
  /** Features enabled on the package in this resolve */
  features?: string[]
  deps: { pkg: string; dep_kinds: { kind: string | null }[] }[]
}

export interface CargoMetadata {
  packages: CargoPackage[]
  workspace_members: string[]
  workspace_root: string
  target_directory: string
  /** null with --no-deps */
  resolve: { nodes: ResolveNode[] } | null
}

export function parseCargoMetadata(json: string): CargoMetadata {
  return JSON.parse(json) as CargoMetadata
}

/** The project's own manifests, nothing resolved: no network, no Cargo.lock written. */
export async function readManifests(workDir: string, env: Record<string, string>): Promise<CargoMetadata> {
  return parseCargoMetadata((await exec('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: workDir, env })).stdout)
}

/** The graph cargo resolves for the target with the build's feature and lockfile flags. */
export async function resolveForTarget(workDir: string, triple: string, featureArgs: readonly string[], env: Record<string, string>): Promise<CargoMetadata> {
  const args = ['metadata', '--format-version', '1', '--filter-platform', triple, ...featureArgs]
  return parseCargoMetadata((await exec('cargo', args, { cwd: workDir, env })).stdout)
}

/** The workspace's member packages (the manifests the project's own crates come from). */
export function workspacePackages(metadata: CargoMetadata): CargoPackage[] {
  const members = new Set(metadata.workspace_members)
  return metadata.packages.filter((pkg) => members.has(pkg.id))
}
