/**
 * The Project check: `package`, `bin` and `features` against the project's own manifests
 * (`cargo metadata --no-deps`), before anything resolves or builds. Cargo would find a
 * misspelt name only after resolving the graph, and would leave a new Cargo.lock behind.
 */
import * as core from '@actions/core'
import { Input } from '../common/constants.js'
import { closest } from '../common/target.js'
import { InputError } from '../errors.js'
import type { BuildRequest } from '../inputs/phase.js'
import { readManifests, type CargoMetadata } from './metadata.js'
import type { Toolchain } from './toolchain.js'
import { ensureCommands } from './apt.js'
import { crateInfos, type CrateInfo } from '../inputs/package-metadata.js'
import { debSpec, rpmSpec } from '../inputs/package-specs.js'
import { resolveDebFiles, resolveRpmFiles } from '../inputs/package-files.js'
import { checkIncludeLiterals } from '../inputs/packaging.js'

export interface Member {
  name: string
  bins: string[]
  /** Feature names, including the implicit ones of optional dependencies */
  features: string[]
  /** Names of its dependencies (a `dep/feature` entry may name one) */
  dependencies: string[]
}

/** The workspace members as `cargo metadata --no-deps` lists them (with --no-deps, packages are the members). */
export function workspaceMembers(metadata: CargoMetadata): Member[] {
  return metadata.packages.map((pkg) => ({
    name: pkg.name,
    bins: pkg.targets.filter((target) => target.kind.includes('bin')).map((target) => target.name),
    features: Object.keys(pkg.features),
    dependencies: pkg.dependencies.map((dep) => dep.rename ?? dep.name),
  }))
}

export interface Selection {
  packages: readonly string[]
  bins: readonly string[]
  features: readonly string[]
}

function didYouMean(name: string, candidates: readonly string[], kind: string): string {
  const suggestions = closest(name, candidates)
  if (suggestions.length) return ` Did you mean ${suggestions.join(', ')}?`
  return candidates.length ? ` The ${kind} are: ${candidates.slice(0, 10).join(', ')}.` : ''
}

/**
 * Refuse a package, bin or feature the project does not have, naming the closest ones.
 * Bins and features are looked up in the selected packages (every member when none is
 * selected, as cargo's default members are a subset of them).
 */
export function checkSelection(members: readonly Member[], selection: Selection): void {
  const names = members.map((member) => member.name)
  const dependencies = new Set(members.flatMap((member) => member.dependencies))
  // A package spec may carry a version (name@1.2.3, name:1.2.3); cargo also builds a dependency by name.
  const specName = (spec: string): string => spec.replace(/[@:].*$/, '')
  for (const pkg of selection.packages) {
    if (!names.includes(specName(pkg)) && !dependencies.has(specName(pkg))) {
      throw new InputError(Input.Package, pkg, `the project has no such package, nor a dependency of that name (cargo metadata --no-deps).${didYouMean(specName(pkg), names, 'packages')}`)
    }
  }
  const wanted = selection.packages.map(specName)
  // The bins and features of a dependency are not in the project's manifests: cargo checks those.
  if (wanted.some((name) => !names.includes(name))) return
  const selected = selection.packages.length ? members.filter((member) => wanted.includes(member.name)) : members
  const bins = [...new Set(selected.flatMap((member) => member.bins))].sort()
  for (const bin of selection.bins) {
    if (!bins.includes(bin)) {
      const where = selection.packages.length ? `package ${selection.packages.join(', ')}` : 'the project'
      throw new InputError(Input.Bin, bin, `${where} has no binary of that name.${didYouMean(bin, bins, 'binaries')}`)
    }
  }
  const features = [...new Set(selected.flatMap((member) => member.features))].sort()
  for (const feature of selection.features) {
    const slash = feature.indexOf('/')
    if (slash < 0) {
      if (!features.includes(feature)) throw new InputError(Input.Features, feature, `the selected packages have no such feature.${didYouMean(feature, features, 'features')}`)
      continue
    }
    // pkg/feature: a member's feature is checked here; a dependency's is cargo's to check.
    const owner = feature.slice(0, slash).replace(/\?$/, '')
    const own = feature.slice(slash + 1)
    const member = members.find((candidate) => candidate.name === owner)
    if (member) {
      if (!member.features.includes(own)) throw new InputError(Input.Features, feature, `package ${owner} has no feature ${own}.${didYouMean(own, member.features, 'features')}`)
    } else if (!selected.some((candidate) => candidate.dependencies.includes(owner))) {
      const known = [...names, ...new Set(selected.flatMap((candidate) => candidate.dependencies))]
      throw new InputError(Input.Features, feature, `${owner} is neither a package of the project nor a dependency of the selected packages.${didYouMean(owner, known, 'names')}`)
    }
  }
}

/**
 * The Project phase: read the manifests without resolving (no Cargo.lock is written), check
 * that the files `include` names exist, the selection and the deb/rpm metadata. The manifests go on to the cache keys.
 */
export async function checkProject({ inputs, workDir }: BuildRequest, toolchain: Toolchain): Promise<CargoMetadata> {
  const manifests = await readManifests(workDir, toolchain.env)
  if (inputs.archive !== 'none') await checkIncludeLiterals(inputs.include, workDir)
  if (!inputs.packages.length && !inputs.bins.length && !inputs.features.length && !inputs.linuxPackages.length) return manifests
  const members = workspaceMembers(manifests)
  checkSelection(members, inputs)
  core.info(`package, bin and features found in ${members.map((member) => member.name).join(', ')}`)
  if (inputs.linuxPackages.length) {
    await checkLinuxPackages(manifests, inputs.linuxPackages, inputs.packages)
    // dpkg-deb is on every Debian and Ubuntu runner; rpmbuild comes with the rpm package.
    await ensureCommands(inputs.linuxPackages.map((format) => (format === 'deb' ? { command: 'dpkg-deb', packages: ['dpkg'] } : { command: 'rpmbuild', packages: ['rpm'] })))
  }
  return manifests
}

/**
 * The deb and rpm metadata of every selected package with binaries, read and its files
 * found before anything is built (the binaries themselves are checked when packaging).
 */
export async function checkLinuxPackages(manifests: CargoMetadata, formats: readonly string[], selected: readonly string[]): Promise<CrateInfo[]> {
  const root = manifests.workspace_root
  const names = selected.map((spec) => spec.replace(/[@:].*$/, ''))
  const crates = crateInfos(manifests).filter((crate) => crate.bins.length && (!names.length || names.includes(crate.name)))
  for (const crate of crates) {
    for (const format of formats) {
      const spec = format === 'deb' ? debSpec(crate) : rpmSpec(crate)
      const files = spec.format === 'deb' ? await resolveDebFiles(spec, root) : await resolveRpmFiles(spec, root)
      for (const note of spec.notes) core.warning(note)
      core.info(
        `${format} ${spec.name} ${spec.version}: ${files.files.length} file(s)${files.units.length ? `, systemd ${files.units.map((unit) => unit.unit).join(', ')}` : ''}${Object.keys(files.scripts).length ? `, scripts ${Object.keys(files.scripts).join(', ')}` : ''}`,
      )
    }
  }
  return crates
}
