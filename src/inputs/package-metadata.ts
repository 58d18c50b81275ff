/**
 * What a Linux package is made of, read from a cargo package's manifest as cargo-deb
 * (`[package.metadata.deb]`) and cargo-generate-rpm (`[package.metadata.generate-rpm]`)
 * read it, with Cargo.toml's own fields as their defaults. Keys those tools refuse are
 * refused here, naming the key; keys they know that the action does not apply are noted.
 * Pure: files are found and checked in package-files.ts.
 */
import path from 'node:path'
import { InputError } from '../errors.js'

/** One cargo package, from `cargo metadata --no-deps` (`packages[]`). */
export interface CrateInfo {
  /** cargo's package id, as in its build messages */
  id: string
  name: string
  version: string
  authors: string[]
  license?: string
  licenseFile?: string
  description?: string
  homepage?: string
  repository?: string
  documentation?: string
  readme?: string
  /** The folder of its Cargo.toml (absolute) */
  dir: string
  bins: string[]
  deb?: unknown
  rpm?: unknown
}

export interface MetadataPackage {
  id: string
  name: string
  version: string
  authors?: string[]
  license?: string | null
  license_file?: string | null
  description?: string | null
  homepage?: string | null
  repository?: string | null
  documentation?: string | null
  readme?: string | null
  manifest_path: string
  targets?: { name: string; kind?: string[] }[]
  metadata?: { deb?: unknown; 'generate-rpm'?: unknown } | null
}

const text = (value: string | null | undefined): string | undefined => (value?.trim() ? value : undefined)

/** The packages of `cargo metadata --no-deps` (setup/metadata.ts parses it; the fields read here are these). */
export function crateInfos(metadata: { packages: readonly MetadataPackage[] }): CrateInfo[] {
  return metadata.packages.map((pkg) => ({
    id: pkg.id,
    name: pkg.name,
    version: pkg.version,
    authors: pkg.authors ?? [],
    license: text(pkg.license),
    licenseFile: text(pkg.license_file),
    description: text(pkg.description),
    homepage: text(pkg.homepage),
    repository: text(pkg.repository),
    documentation: text(pkg.documentation),
    readme: text(pkg.readme),
    dir: path.dirname(pkg.manifest_path),
    bins: (pkg.targets ?? []).filter((target) => target.kind?.includes('bin')).map((target) => target.name),
    deb: pkg.metadata?.deb,
    rpm: pkg.metadata?.['generate-rpm'],
  }))
}

/** One file of a package, before globs are expanded. */
export interface AssetRule {
  /** The metadata key, for messages: package.metadata.deb.assets[2] */
  key: string
  /** Relative to the crate's folder (POSIX), unless `built` is set */
  source: string
  /** A binary the build staged: `target/release/<bin>` in the metadata */
  built?: string
  /** From `$auto` (or no assets): a binary the bin input left out is left out here too */
  auto?: boolean
  /** Absolute in the installed system; ending in `/`: a folder that takes the source's name */
  dest: string
  /** Permission bits; undefined: the source's own (cargo-deb) */
  mode?: number
  config?: 'config' | 'noreplace'
  doc?: boolean
  user?: string
  group?: string
}

export interface SystemdUnitRule {
  unitScripts?: string
  unitName?: string
  enable: boolean
  start: boolean
  restartAfterUpgrade: boolean
  stopOnUpgrade: boolean
}

const TABLE_KEY = { deb: 'package.metadata.deb', rpm: 'package.metadata.generate-rpm' } as const
type Format = keyof typeof TABLE_KEY

export class MetadataReader {
  readonly notes: string[] = []
  constructor(
    readonly crate: CrateInfo,
    readonly format: Format,
    readonly table: Record<string, unknown>,
  ) {}

  key(name: string): string {
    return `${TABLE_KEY[this.format]}.${name}`
  }

  refuse(key: string, value: unknown, why: string): never {
    throw new InputError(`${key} (${this.crate.name}'s Cargo.toml)`, typeof value === 'string' ? value : (JSON.stringify(value) ?? ''), why)
  }

  string(name: string): string | undefined {
    const value = this.table[name]
    if (value === undefined) return undefined
    if (typeof value !== 'string') this.refuse(this.key(name), value, 'expected a string.')
    return value
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.table[name]
    if (value === undefined) return fallback
    if (typeof value !== 'boolean') this.refuse(this.key(name), value, 'expected true or false.')
    return value
  }

  /** cargo-deb's dependency lists: a string, or an array of strings joined with commas. */
  list(name: string): string | undefined {
    const value = this.table[name]
    if (value === undefined) return undefined
    if (typeof value === 'string') return value.trim() || undefined
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ') || undefined
    return this.refuse(this.key(name), value, 'expected a string or an array of strings, e.g. "libssl3, ca-certificates".')
  }

  /** Refuse keys the tool itself refuses; note the ones it knows that the action leaves alone. */
  checkKeys(known: readonly string[], ignored: readonly string[]): void {
    for (const name of Object.keys(this.table).sort()) {
      if (ignored.includes(name)) this.notes.push(`${this.key(name)} is not applied by the action (the build inputs choose features and profile; one variant, no debug-symbol package).`)
      else if (!known.includes(name)) this.refuse(this.key(name), name, `not a key ${this.format === 'deb' ? 'cargo-deb' : 'cargo-generate-rpm'} knows; the keys are ${known.join(', ')}.`)
    }
  }
}

/** An octal mode string such as "755" or "0644", as both tools read it. */
export function parseMode(reader: MetadataReader, key: string, value: unknown): number {
  if (typeof value !== 'string' || !/^[0-7]{3,4}$/.test(value)) reader.refuse(key, value, 'expected an octal mode string such as "755" or "644".')
  return parseInt(value, 8)
}

/** `target/release/<name>` (any profile folder): a binary of the build, which the action staged. */
export function builtName(source: string): string | undefined {
  const match = /^target\/(?:[^/]+\/){1,2}([^/]+)$/.exec(source)
  return match?.[1]
}

/** A destination both formats' file lists can hold: absolute, no `..`, no quoting or glob characters. */
export function checkDest(reader: MetadataReader, key: string, dest: unknown): string {
  if (typeof dest !== 'string' || dest.trim() === '') return reader.refuse(key, dest, 'expected the install path, such as "usr/bin/" or "/etc/app/app.toml".')
  const absolute = `/${dest.replace(/^\/+/, '')}`
  const segments = absolute.slice(1).replace(/\/$/, '').split('/')
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) reader.refuse(key, dest, 'an install path may not contain empty, . or .. segments.')
  if (/["\\%*?[\]{}\p{Cc}]/u.test(absolute)) reader.refuse(key, dest, 'an install path may not contain quotes, backslashes, %, glob characters or control characters.')
  return absolute
}

/** A source relative to the crate's folder that stays inside it by its name (links are checked on disk). */
export function checkSource(reader: MetadataReader, key: string, source: unknown): string {
  if (typeof source !== 'string' || source.trim() === '') return reader.refuse(key, source, 'expected a file relative to the crate, such as "README.md" or "target/release/app".')
  if (source.startsWith('/') || source.startsWith('~') || source.includes('\\'))
    reader.refuse(key, source, 'asset sources are relative to the crate (forward slashes); files outside the project are refused.')
  const normalized = path.posix.normalize(source)
  if (normalized === '..' || normalized.startsWith('../')) reader.refuse(key, source, 'the asset is outside the project; put the file in the project and name it relative to the crate.')
  return normalized
}

/** The cargo-deb assets: `$auto`, `[source, dest, mode]` arrays or `{ source, dest, mode }` tables. */
export function debAssets(reader: MetadataReader, debName: string): AssetRule[] {
  const value = reader.table.assets ?? ['$auto']
  if (!Array.isArray(value)) return reader.refuse(reader.key('assets'), value, 'expected an array of assets: ["$auto"], ["target/release/app", "usr/bin/", "755"] or { source, dest, mode }.')
  return value.flatMap((entry: unknown, index): AssetRule[] => {
    const key = `${reader.key('assets')}[${index}]`
    if (entry === '$auto') return autoAssets(reader.crate, debName, key)
    let source: unknown, dest: unknown, mode: unknown
    if (Array.isArray(entry)) {
      if (entry.length < 2 || entry.length > 3) reader.refuse(key, entry, 'an asset array is [source, dest, mode] (mode optional).')
      ;[source, dest, mode] = entry as unknown[]
    } else if (entry && typeof entry === 'object') {
      const table = entry as Record<string, unknown>
      if ('link_name' in table) reader.refuse(key, entry, 'symlink assets are not supported by the action; ship the file itself or create the link in postinst.')
      for (const name of Object.keys(table)) if (!['source', 'dest', 'mode', 'preserve-symlinks'].includes(name)) reader.refuse(`${key}.${name}`, name, 'an asset table has source, dest and mode.')
      ;({ source, dest, mode } = table)
    } else return reader.refuse(key, entry, 'expected "$auto", [source, dest, mode] or { source, dest, mode }.')
    return [assetRule(reader, key, source, dest, mode)]
  })
}

export function assetRule(reader: MetadataReader, key: string, source: unknown, dest: unknown, mode: unknown): AssetRule {
  const checked = checkSource(reader, `${key}.source`, source)
  const rule: AssetRule = { key, source: checked, dest: checkDest(reader, `${key}.dest`, dest) }
  const built = builtName(checked)
  if (checked.startsWith('target/')) {
    if (!built || !reader.crate.bins.includes(built)) {
      reader.refuse(
        `${key}.source`,
        source,
        `only the crate's binaries are taken from the target folder (${reader.crate.bins.map((bin) => `target/release/${bin}`).join(', ') || 'it has none'}); other files come from the project.`,
      )
    }
    rule.built = built
  }
  if (mode !== undefined) rule.mode = parseMode(reader, `${key}.mode`, mode)
  return rule
}

/** cargo-deb's `$auto`: every binary to /usr/bin (0755), and the readme to /usr/share/doc/<name>/. */
export function autoAssets(crate: CrateInfo, debName: string, key: string): AssetRule[] {
  const assets: AssetRule[] = crate.bins.map((bin) => ({ key, source: `target/release/${bin}`, built: bin, auto: true, dest: `/usr/bin/${bin}`, mode: 0o755 }))
  if (crate.readme) assets.push({ key: `${key} (the readme)`, source: path.posix.normalize(crate.readme), dest: `/usr/share/doc/${debName}/${path.posix.basename(crate.readme)}`, mode: 0o644 })
  return assets
}

/** The systemd-units table (or array of tables), with cargo-deb's defaults. */
export function systemdUnits(reader: MetadataReader): SystemdUnitRule[] {
  const value = reader.table['systemd-units']
  if (value === undefined) return []
  const tables = Array.isArray(value) ? value : [value]
  return tables.map((table: unknown, index) => {
    const key = Array.isArray(value) ? `${reader.key('systemd-units')}[${index}]` : reader.key('systemd-units')
    if (!table || typeof table !== 'object' || Array.isArray(table)) return reader.refuse(key, table, 'expected a table such as { enable = true }.')
    const unit = new MetadataReader(reader.crate, reader.format, table as Record<string, unknown>)
    const keys = ['unit-scripts', 'unit-name', 'enable', 'start', 'restart-after-upgrade', 'stop-on-upgrade']
    for (const name of Object.keys(table)) if (!keys.includes(name)) reader.refuse(`${key}.${name}`, name, `not a systemd-units key; the keys are ${keys.join(', ')}.`)
    const rule: SystemdUnitRule = {
      enable: unit.bool('enable', true),
      start: unit.bool('start', true),
      restartAfterUpgrade: unit.bool('restart-after-upgrade', true),
      stopOnUpgrade: unit.bool('stop-on-upgrade', true),
    }
    const unitScripts = unit.string('unit-scripts')
    if (unitScripts !== undefined) rule.unitScripts = checkSource(reader, `${key}.unit-scripts`, unitScripts)
    const unitName = unit.string('unit-name')
    if (unitName !== undefined) {
      if (!/^[A-Za-z0-9:_.\\-]+$/.test(unitName)) reader.refuse(`${key}.unit-name`, unitName, 'expected a systemd unit name such as my-daemon.')
      rule.unitName = unitName
    }
    return rule
  })
}
