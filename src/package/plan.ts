/**
 * Packaging as data: archive names from the `name` template, which files go in which
 * archive, include-pattern safety, the Docker platform layout and checksum file text.
 * Pure: pack.ts does the I/O.
 */
import { Input } from '../common/constants.js'
import { ActionError, InputError } from '../errors.js'
import type { ChecksumAlgorithm } from '../common/checksum.js'
import { DEFAULT_CPU_LABEL } from '../common/cpu.js'
import { UNSAFE_NAME_CHARS, type ArchiveFormat, type Placeholder } from '../inputs/packaging.js'

/** Files the action writes into the staging directory itself; no archive may take these names. */
export const RESERVED_NAMES = ['SHA256SUMS', 'SHA512SUMS', 'manifest.json']

/** Archives for Windows targets are zips (what Windows users can open); tar.gz elsewhere. */
export function defaultArchiveFormat(os: string): ArchiveFormat {
  return os === 'windows' ? 'zip' : 'tar.gz'
}

/** Substitute the placeholders; the result is checked again, as values come from tags and Cargo.toml. */
export function renderName(template: string, values: Record<Placeholder, string>): string {
  const name = template.replace(/\{(bin|target|version|cpu)\}/g, (_whole, key: Placeholder) => values[key])
  if (name === '' || name === '.' || name === '..' || name.startsWith('.') || UNSAFE_NAME_CHARS.test(name) || name.includes('..')) {
    throw new InputError(Input.Name, template, `it renders to '${name}', which is not a plain file name; check the values of {bin}, {target}, {version} and {cpu} (${JSON.stringify(values)}).`)
  }
  return name
}

/**
 * The crate version in a cargo package id: `path+file:///p#name@1.2.3`,
 * `path+file:///p/name#1.2.3` (cargo ≥ 1.77), or `name 1.2.3 (path+file:///p)` (older).
 */
export function versionFromPackageId(packageId: string): string | undefined {
  const old = /^\S+ (\S+) \(/.exec(packageId)
  if (old) return old[1]
  const fragment = packageId.split('#')[1]
  if (!fragment) return undefined
  const version = fragment.includes('@') ? fragment.slice(fragment.lastIndexOf('@') + 1) : fragment
  return /^\d+\.\d+\.\d+/.test(version) ? version : undefined
}

/** The tag when the workflow runs for one (`refs/tags/v1.2.3` → `v1.2.3`); slashes in a tag become dashes. */
export function versionFromRef(ref: string | undefined): string | undefined {
  if (!ref?.startsWith('refs/tags/')) return undefined
  const tag = ref.slice('refs/tags/'.length).replace(/\//g, '-')
  return tag || undefined
}

/** The archive extension, appended to the rendered name. */
export function archiveFileName(name: string, format: ArchiveFormat): string {
  return `${name}.${format}`
}

export interface BinaryToPack {
  name: string
  path: string
  version: string
}

export interface ArchiveEntry {
  /** Name inside the archive (POSIX separators, relative) */
  name: string
  /** The file on disk */
  source: string
}

export interface ArchivePlan {
  fileName: string
  format: ArchiveFormat
  entries: ArchiveEntry[]
}

/**
 * One archive per distinct rendered name: `{bin}-...` gives one per binary; a template
 * without `{bin}` puts every binary in one archive. Each archive also gets the included
 * files. Names that collide with each other or with the action's own files are refused.
 */
export function planArchives(
  binaries: readonly BinaryToPack[],
  includes: readonly ArchiveEntry[],
  template: string,
  target: string,
  format: ArchiveFormat,
  cpu: string = DEFAULT_CPU_LABEL,
): ArchivePlan[] {
  const byName = new Map<string, ArchivePlan>()
  for (const binary of binaries) {
    // {bin} is the bin target's name: app, not app.exe.
    const fileName = archiveFileName(renderName(template, { bin: binary.name.replace(/\.exe$/i, ''), target, version: binary.version, cpu }), format)
    if (RESERVED_NAMES.includes(fileName) || binaries.some((other) => other.name === fileName)) {
      throw new InputError(Input.Name, template, `the archive name '${fileName}' is already taken by a file the action stages; change the template.`)
    }
    const plan = byName.get(fileName) ?? { fileName, format, entries: [] }
    plan.entries.push({ name: binary.name, source: binary.path })
    byName.set(fileName, plan)
  }
  for (const plan of byName.values()) {
    for (const include of includes) {
      if (plan.entries.some((entry) => entry.name === include.name)) {
        throw new InputError(Input.Include, include.name, `an included file has the same name as a binary in ${plan.fileName}; include it from another folder or rename it.`)
      }
      plan.entries.push(include)
    }
  }
  return [...byName.values()].sort((a, b) => a.fileName.localeCompare(b.fileName))
}

/**
 * debug-symbols: one `<name>-debug.<ext>` beside each archive `<name>.<ext>`, holding the debug
 * files of that archive's binaries (`debugOf`: a binary's name → its debug files as entries).
 */
export function planDebugArchives(archives: readonly ArchivePlan[], debugOf: ReadonlyMap<string, ArchiveEntry[]>): ArchivePlan[] {
  return archives.flatMap((plan) => {
    const entries = plan.entries.flatMap((entry) => debugOf.get(entry.name) ?? [])
    if (!entries.length) return []
    const fileName = `${plan.fileName.slice(0, -(plan.format.length + 1))}-debug.${plan.format}`
    return [{ fileName, format: plan.format, entries }]
  })
}

/** `<os>/<arch>[/<variant>]/<bin>` under the docker directory, for `COPY <dir>/$TARGETPLATFORM/<bin>`. */
export function dockerPath(dockerPlatform: string, bin: string): string {
  // Both parts become folders and a file name: the platform from the action's table, the bin one plain name.
  if (!/^[a-z0-9]+(\/[a-z0-9]+){1,2}$/.test(dockerPlatform)) throw new ActionError(`${JSON.stringify(dockerPlatform)} is not a Docker platform such as linux/arm/v7.`)
  if (bin === '' || bin === '.' || bin === '..' || UNSAFE_NAME_CHARS.test(bin)) throw new ActionError(`${JSON.stringify(bin)} is not a plain file name for the Docker layout.`)
  return `${dockerPlatform}/${bin}`
}

/** GNU coreutils format (`<hex>  <name>`, sorted): `sha256sum -c` / `sha512sum -c` verify it. */
export function renderSums(files: readonly { name: string; hash: string }[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((file) => `${file.hash}  ${file.name}\n`)
    .join('')
}

export function sumsFileName(algorithm: ChecksumAlgorithm): string {
  return algorithm === 'sha256' ? 'SHA256SUMS' : 'SHA512SUMS'
}
