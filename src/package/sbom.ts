/**
 * The SBOM of one target: a CycloneDX JSON document of the crates compiled into the
 * binaries, from `cargo metadata --filter-platform <triple>` (cargo's own resolution for
 * the target: no winapi in a Linux SBOM) and Cargo.lock's checksums. Pure: no clock, no
 * randomness and no path of the runner, so two checkouts give the same bytes.
 */
import { createHash } from 'node:crypto'
import * as Enums from '@cyclonedx/cyclonedx-library/Enums'
import * as Models from '@cyclonedx/cyclonedx-library/Models'
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize'
import * as Spec from '@cyclonedx/cyclonedx-library/Spec'
import type { CargoPackage, ResolveNode } from '../setup/metadata.js'

/** The parts of `cargo metadata --filter-platform` (setup/metadata.ts) read here. */
export type SbomPackage = Pick<CargoPackage, 'id' | 'name' | 'version' | 'source' | 'license' | 'license_file' | 'description' | 'repository'> & { targets: { kind: string[] }[] }
export interface SbomMetadata {
  packages: SbomPackage[]
  resolve: { nodes: Pick<ResolveNode, 'id' | 'deps'>[] } | null
}

export interface SbomRequest {
  metadata: SbomMetadata
  /** Cargo.lock's text, for checksums ('' when there is none) */
  lockfile: string
  /** The package whose binaries were staged: metadata.component */
  packageId: string
  triple: string
  sourceDateEpoch: number
}

const CRATES_IO = ['registry+https://github.com/rust-lang/crates.io-index', 'sparse+https://index.crates.io/']

/** Cargo.lock → "name version source" → sha256, only real hex checksums (Debian writes a sentence instead). */
export function lockChecksums(lockfile: string): Map<string, string> {
  const sums = new Map<string, string>()
  for (const block of lockfile.split(/^\[\[package\]\]\s*$/m).slice(1)) {
    const body = block.split(/^\[/m)[0] ?? ''
    const get = (key: string): string | undefined => new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, 'm').exec(body)?.[1]
    const [name, version, source, sum] = [get('name'), get('version'), get('source'), get('checksum')]
    if (name && version && source && sum && /^[0-9a-f]{64}$/.test(sum)) sums.set(`${name} ${version} ${source}`, sum)
  }
  // Lockfile v1: [metadata] "checksum name version (source)" = "hex"
  for (const m of lockfile.matchAll(/^"checksum (\S+) (\S+) \(([^)]+)\)"\s*=\s*"([0-9a-f]{64})"/gm)) sums.set(`${m[1]} ${m[2]} ${m[3]}`, m[4] ?? '')
  return sums
}

/** pkg:cargo/<name>@<version>, with the registry or git repository when it is not crates.io; never a local path. */
export function purlOf(pkg: Pick<CargoPackage, 'name' | 'version' | 'source'>): string {
  const base = `pkg:cargo/${encodeURIComponent(pkg.name)}@${encodeURIComponent(pkg.version)}`
  const source = pkg.source
  if (source === null || CRATES_IO.includes(source)) return base
  if (source.startsWith('git+')) {
    const [url = '', rev] = source.split('#')
    return `${base}?vcs_url=${encodeURIComponent(`${url.replace(/\?.*$/, '')}${rev ? `@${rev}` : ''}`)}`
  }
  return `${base}?repository_url=${encodeURIComponent(source.replace(/^(registry|sparse)\+/, ''))}`
}

const isProcMacro = (pkg: SbomPackage | undefined): boolean => Boolean(pkg?.targets.some((target) => target.kind.includes('proc-macro')))

/**
 * The packages linked into the target's binaries and their edges: normal dependencies
 * from the built package on, leaving out proc-macros and build-dependencies (they run on
 * the build machine and are not linked) and dev-dependencies (only for tests).
 */
export function runtimeGraph(metadata: SbomMetadata, root: string): Map<string, string[]> {
  if (!metadata.resolve) throw new Error('cargo metadata has no resolve graph')
  const packages = new Map(metadata.packages.map((pkg) => [pkg.id, pkg]))
  const nodes = new Map(metadata.resolve.nodes.map((node) => [node.id, node]))
  if (!nodes.has(root)) throw new Error(`${root} is not in cargo's resolve graph`)
  const graph = new Map<string, string[]>()
  const pending = [root]
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (graph.has(id)) continue
    const deps = (nodes.get(id)?.deps ?? []).filter((dep) => dep.dep_kinds.some((kind) => kind.kind === null) && !isProcMacro(packages.get(dep.pkg))).map((dep) => dep.pkg)
    graph.set(id, [...new Set(deps)].sort())
    pending.push(...deps)
  }
  return graph
}

function licenses(pkg: SbomPackage): Models.LicenseRepository {
  const found = new Models.LicenseRepository()
  // Old manifests separate alternatives with '/': an OR in SPDX.
  if (pkg.license)
    found.add(
      new Models.LicenseExpression(
        pkg.license
          .split('/')
          .map((part) => part.trim())
          .join(' OR '),
      ),
    )
  else if (pkg.license_file) found.add(new Models.NamedLicense(`LicenseRef-file-${pkg.license_file.split(/[\\/]/).pop() ?? ''}`))
  return found
}

/** A name-based (version 5 style) UUID: the serial number follows from the content, not from chance. */
function contentUuid(text: string): string {
  const bytes = createHash('sha1').update(Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex')).update(text).digest().subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export interface Sbom {
  /** CycloneDX 1.6 JSON, with a final newline */
  json: string
  /** The package ids listed, sorted */
  packageIds: string[]
}

export function buildSbom(request: SbomRequest): Sbom {
  const packages = new Map(request.metadata.packages.map((pkg) => [pkg.id, pkg]))
  const built = packages.get(request.packageId)
  if (!built) throw new Error(`${request.packageId} is not in cargo metadata's packages`)
  const graph = runtimeGraph(request.metadata, request.packageId)
  const sums = lockChecksums(request.lockfile)
  const ids = [...graph.keys()].sort()

  // bom-refs must be unique and set (the serializer would otherwise invent random ones).
  const refs = new Map<string, string>()
  const used = new Map<string, number>()
  for (const id of ids) {
    const purl = purlOf(packages.get(id) as SbomPackage)
    const seen = used.get(purl) ?? 0
    used.set(purl, seen + 1)
    refs.set(id, seen ? `${purl}#${seen}` : purl)
  }

  const components = new Map<string, Models.Component>()
  for (const id of ids) {
    const pkg = packages.get(id) as SbomPackage
    const hashes = new Models.HashDictionary()
    const sum = pkg.source ? sums.get(`${pkg.name} ${pkg.version} ${pkg.source}`) : undefined
    if (sum) hashes.set(Enums.HashAlgorithm['SHA-256'], sum)
    const component = new Models.Component(id === request.packageId ? Enums.ComponentType.Application : Enums.ComponentType.Library, pkg.name, {
      bomRef: refs.get(id),
      version: pkg.version,
      purl: purlOf(pkg),
      licenses: licenses(pkg),
      hashes,
      description: pkg.description ?? undefined,
      scope: Enums.ComponentScope.Required,
    })
    if (pkg.repository) component.externalReferences.add(new Models.ExternalReference(pkg.repository, Enums.ExternalReferenceType.VCS))
    components.set(id, component)
  }
  for (const [id, deps] of graph) for (const dep of deps) components.get(id)?.dependencies.add(components.get(dep)?.bomRef as Models.BomRef)

  const tools = new Models.Tools()
  tools.components.add(new Models.Component(Enums.ComponentType.Application, 'rust-xbuild', { bomRef: 'tool:rust-xbuild' }))
  const bom = new Models.Bom({
    metadata: new Models.Metadata({
      component: components.get(request.packageId),
      timestamp: new Date(request.sourceDateEpoch * 1000),
      tools,
      properties: new Models.PropertyRepository([new Models.Property('rust-xbuild:target', request.triple)]),
    }),
  })
  for (const [id, component] of components) if (id !== request.packageId) bom.components.add(component)
  bom.serialNumber = `urn:uuid:${contentUuid(JSON.stringify([request.triple, ids.map((id) => refs.get(id)), [...sums].sort()]))}`
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6))
  return { json: `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`, packageIds: ids }
}

/** `<package>-<target>.cdx.json`, the name CycloneDX tools look for. */
export function sbomFileName(packageName: string, triple: string): string {
  return `${packageName}-${triple}.cdx.json`
}
