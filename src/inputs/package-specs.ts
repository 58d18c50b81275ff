/**
 * One package's description per format, from `[package.metadata.deb]` with cargo-deb's
 * defaults and `[package.metadata.generate-rpm]` with cargo-generate-rpm's, both falling
 * back to Cargo.toml (name, version, authors, license, description, homepage; the
 * binaries to /usr/bin). Pure.
 */
import { debPackageName, debVersion, rpmVersion } from './linux-packages.js'
import { MetadataReader, assetRule, autoAssets, checkDest, checkSource, debAssets, systemdUnits, type AssetRule, type CrateInfo, type SystemdUnitRule } from './package-metadata.js'

export interface DebSpec {
  format: 'deb'
  crate: CrateInfo
  name: string
  version: string
  maintainer: string
  copyright: string
  license?: string
  homepage?: string
  section?: string
  priority: string
  summary: string
  /** Literal text, or a file relative to the crate */
  extendedDescription?: { text: string } | { file: string }
  /** As written; `$auto` (also the default) stands for the binaries' libraries */
  depends: string
  /** Pre-Depends, Recommends, ..., Provides: control field and value */
  relations: [string, string][]
  assets: AssetRule[]
  /** Absolute paths the metadata names as conffiles (files under /etc are added later) */
  confFiles: string[]
  maintainerScripts?: string
  systemdUnits: SystemdUnitRule[]
  /** A Debian-format changelog of the crate; undefined: one entry for this build */
  changelog?: string
  notes: string[]
}

/** cargo-deb's keys the action applies; DEB_IGNORED are cargo-deb's keys it reads and does not apply (a note). */
const DEB_APPLIED = [
  'name',
  'maintainer',
  'copyright',
  'changelog',
  'depends',
  'pre-depends',
  'recommends',
  'suggests',
  'enhances',
  'conflicts',
  'breaks',
  'replaces',
  'provides',
  'extended-description',
  'extended-description-file',
  'section',
  'priority',
  'revision',
  'conf-files',
  'assets',
  'maintainer-scripts',
  'systemd-units',
]
const DEB_IGNORED = [
  'license-file',
  'merge-assets',
  'triggers-file',
  'features',
  'default-features',
  'separate-debug-symbols',
  'dbgsym',
  'compress-debug-symbols',
  'preserve-symlinks',
  'variants',
  'profile',
]
const DEB_KEYS = [...DEB_APPLIED, ...DEB_IGNORED]
const DEB_RELATIONS: [string, string][] = [
  ['pre-depends', 'Pre-Depends'],
  ['recommends', 'Recommends'],
  ['suggests', 'Suggests'],
  ['enhances', 'Enhances'],
  ['conflicts', 'Conflicts'],
  ['breaks', 'Breaks'],
  ['replaces', 'Replaces'],
  ['provides', 'Provides'],
]

function table(crate: CrateInfo, value: unknown, key: string): Record<string, unknown> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) return new MetadataReader(crate, 'deb', {}).refuse(key, value, 'expected a table.')
  return value as Record<string, unknown>
}

/** One line of a control field: no line breaks (they would start a new field). */
function oneLine(reader: MetadataReader, name: string, value: string | undefined): string | undefined {
  if (value !== undefined && /[\r\n]/.test(value)) reader.refuse(reader.key(name), value, 'a control field value is one line.')
  return value
}

/** cargo-deb's extended description: the text, else its file, else the crate's readme. */
function debExtendedDescription(reader: MetadataReader, crate: CrateInfo): DebSpec['extendedDescription'] {
  const extendedText = reader.string('extended-description')
  const extendedFile = reader.string('extended-description-file')
  if (extendedText !== undefined) return { text: extendedText }
  if (extendedFile !== undefined) return { file: checkSource(reader, reader.key('extended-description-file'), extendedFile) }
  return crate.readme ? { file: checkSource(reader, 'package.readme', crate.readme) } : undefined
}

/** conf-files: absolute paths of files dpkg keeps when the user changed them. */
function debConfFiles(reader: MetadataReader): string[] {
  const value = reader.table['conf-files']
  if (value === undefined) return []
  if (!Array.isArray(value)) return reader.refuse(reader.key('conf-files'), value, 'expected an array of absolute paths, e.g. ["/etc/app/app.toml"].')
  return value.map((file: unknown, index) => checkDest(reader, `${reader.key('conf-files')}[${index}]`, file))
}

export function debSpec(crate: CrateInfo): DebSpec {
  const reader = new MetadataReader(crate, 'deb', table(crate, crate.deb, 'package.metadata.deb'))
  reader.checkKeys(DEB_KEYS, DEB_IGNORED)
  const name = reader.string('name') ?? debPackageName(crate.name)
  if (!/^[a-z0-9][a-z0-9+.-]+$/.test(name))
    reader.refuse(reader.key('name'), name, 'Debian package names are lower case letters, digits, + - and ., at least two characters, starting with a letter or digit.')
  const revision = reader.string('revision') ?? '1'
  if (!/^[A-Za-z0-9+.~]*$/.test(revision)) reader.refuse(reader.key('revision'), revision, 'a Debian revision has letters, digits, + . and ~ only.')
  const version = debVersion(crate.version, revision)
  const maintainer =
    oneLine(reader, 'maintainer', reader.string('maintainer') ?? crate.authors[0]) ||
    reader.refuse(reader.key('maintainer'), '', 'a Debian package needs a maintainer; set maintainer = "Name <email>" here or authors in [package].')
  const priority = reader.string('priority') ?? 'optional'
  if (!/^(required|important|standard|optional|extra)$/.test(priority)) reader.refuse(reader.key('priority'), priority, 'expected required, important, standard or optional.')
  const section = oneLine(reader, 'section', reader.string('section'))
  if (section !== undefined && !/^[a-z0-9/+_.-]+$/.test(section)) reader.refuse(reader.key('section'), section, 'expected a Debian section such as utils, net or admin.')
  const extendedDescription = debExtendedDescription(reader, crate)
  const confFiles = debConfFiles(reader)
  const maintainerScripts = reader.string('maintainer-scripts')
  const units = systemdUnits(reader)
  if (units.length && maintainerScripts === undefined)
    reader.refuse(reader.key('systemd-units'), 'systemd-units', 'cargo-deb needs maintainer-scripts with systemd-units (the folder of the unit files and scripts; it may be empty).')
  const summary = oneLine(reader, 'description', crate.description?.trim()) ?? `[generated from Rust crate ${crate.name}]`
  if (!crate.description) reader.notes.push(`${crate.name} has no description in Cargo.toml; the package says '${summary}'.`)
  const relations = DEB_RELATIONS.flatMap(([key, field]): [string, string][] => {
    const value = oneLine(reader, key, reader.list(key))
    return value ? [[field, value]] : []
  })
  return {
    format: 'deb',
    crate,
    name,
    version,
    maintainer,
    copyright: oneLine(reader, 'copyright', reader.string('copyright')) ?? crate.authors.join(', '),
    license: crate.license,
    homepage: crate.homepage ?? crate.documentation ?? crate.repository,
    section,
    priority,
    summary,
    extendedDescription,
    depends: oneLine(reader, 'depends', reader.list('depends')) ?? '$auto',
    relations,
    assets: debAssets(reader, name),
    confFiles,
    maintainerScripts: maintainerScripts === undefined ? undefined : checkSource(reader, reader.key('maintainer-scripts'), maintainerScripts),
    systemdUnits: units,
    ...(reader.string('changelog') === undefined ? {} : { changelog: checkSource(reader, reader.key('changelog'), reader.string('changelog')) }),
    notes: reader.notes,
  }
}

export type RpmScript = 'pre' | 'post' | 'preun' | 'postun' | 'pretrans' | 'posttrans' | 'preuntrans' | 'postuntrans'
/** cargo-generate-rpm's script keys and the spec section each is. */
const RPM_SCRIPTS: [string, RpmScript][] = [
  ['pre_install_script', 'pre'],
  ['post_install_script', 'post'],
  ['pre_uninstall_script', 'preun'],
  ['post_uninstall_script', 'postun'],
  ['pre_trans_script', 'pretrans'],
  ['post_trans_script', 'posttrans'],
  ['pre_untrans_script', 'preuntrans'],
  ['post_untrans_script', 'postuntrans'],
]
const RPM_RELATIONS: [string, string][] = [
  ['requires', 'Requires'],
  ['obsoletes', 'Obsoletes'],
  ['conflicts', 'Conflicts'],
  ['provides', 'Provides'],
  ['recommends', 'Recommends'],
  ['supplements', 'Supplements'],
  ['suggests', 'Suggests'],
  ['enhances', 'Enhances'],
]

export interface RpmSpec {
  format: 'rpm'
  crate: CrateInfo
  name: string
  version: string
  release: string
  epoch?: number
  license: string
  summary: string
  description: string
  url?: string
  vendor?: string
  assets: AssetRule[]
  /** Script text, or a file relative to the crate (cargo-generate-rpm: a path when one exists) */
  scripts: [RpmScript, string][]
  /** Tag and value: `Requires: glibc >= 2.17` */
  relations: [string, string][]
  autoReq: boolean
  notes: string[]
}

const RPM_KEYS = [
  'name',
  'version',
  'license',
  'summary',
  'description',
  'url',
  'assets',
  'release',
  'epoch',
  'requires',
  'auto-req',
  'require-sh',
  'vendor',
  'variants',
  ...RPM_RELATIONS.map(([key]) => key),
  ...RPM_SCRIPTS.flatMap(([key]) => [key, `${key}_flags`, `${key}_prog`]),
]
const RPM_IGNORED = ['variants', ...RPM_SCRIPTS.flatMap(([key]) => [`${key}_flags`, `${key}_prog`])]
const RPM_NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]*$/

export function rpmSpec(crate: CrateInfo): RpmSpec {
  const reader = new MetadataReader(crate, 'rpm', table(crate, crate.rpm, 'package.metadata.generate-rpm'))
  reader.checkKeys([...new Set(RPM_KEYS)], RPM_IGNORED)
  const field = (name: string): string | undefined => oneLine(reader, name, reader.string(name))
  const name = field('name') ?? crate.name
  if (!RPM_NAME.test(name)) reader.refuse(reader.key('name'), name, 'RPM names are letters, digits and _ + . - .')
  const version = field('version') ?? rpmVersion(crate.version)
  if (!/^[A-Za-z0-9._+~^]+$/.test(version)) reader.refuse(reader.key('version'), version, 'an RPM version has letters, digits and . _ + ~ ^ only (no -).')
  const releaseValue = reader.table.release
  const release = typeof releaseValue === 'number' ? String(releaseValue) : (field('release') ?? '1')
  if (!/^[A-Za-z0-9._+~^]+$/.test(release)) reader.refuse(reader.key('release'), release, 'an RPM release has letters, digits and . _ + ~ ^ only.')
  const epochValue = reader.table.epoch
  if (epochValue !== undefined && (typeof epochValue !== 'number' || !Number.isInteger(epochValue) || epochValue < 0)) reader.refuse(reader.key('epoch'), epochValue, 'expected a whole number.')
  const license = field('license') ?? crate.license ?? reader.refuse('package.license', '', 'cargo-generate-rpm needs a license: set license in [package] or in [package.metadata.generate-rpm].')
  const summaryText = field('summary') ?? reader.string('description')?.trim() ?? crate.description?.trim()
  const summary =
    summaryText && !/[\r\n]/.test(summaryText)
      ? summaryText
      : reader.refuse('package.description', summaryText ?? '', 'cargo-generate-rpm needs a one-line summary: set description in [package] or summary in [package.metadata.generate-rpm].')
  const assetsValue = reader.table.assets
  let assets: AssetRule[]
  if (assetsValue === undefined) assets = autoAssets({ ...crate, readme: undefined }, name, 'the binaries (no assets in package.metadata.generate-rpm)')
  else if (!Array.isArray(assetsValue)) return reader.refuse(reader.key('assets'), assetsValue, 'expected an array of { source, dest, mode } tables.')
  else assets = assetsValue.map((entry: unknown, index) => rpmAsset(reader, `${reader.key('assets')}[${index}]`, entry))
  const scripts = RPM_SCRIPTS.flatMap(([key, section]): [RpmScript, string][] => {
    const value = reader.string(key)
    return value === undefined ? [] : [[section, value]]
  })
  const autoReqValue = field('auto-req')
  if (autoReqValue !== undefined && !['auto', 'no', 'disabled'].includes(autoReqValue)) reader.notes.push(`${reader.key('auto-req')} = "${autoReqValue}": rpmbuild's own dependency generator is used.`)
  const relations: [string, string][] = reader.bool('require-sh', true) ? [['Requires', '/bin/sh']] : []
  for (const [key, tag] of RPM_RELATIONS) relations.push(...rpmRelations(reader, key, tag))
  return {
    format: 'rpm',
    crate,
    name,
    version,
    release,
    ...(typeof epochValue === 'number' ? { epoch: epochValue } : {}),
    license,
    summary,
    description: reader.string('description') ?? crate.description ?? summary,
    url: field('url') ?? crate.homepage ?? crate.repository,
    vendor: field('vendor'),
    assets,
    scripts,
    relations,
    autoReq: autoReqValue !== 'no' && autoReqValue !== 'disabled',
    notes: reader.notes,
  }
}

function rpmAsset(reader: MetadataReader, key: string, entry: unknown): AssetRule {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return reader.refuse(key, entry, 'expected a table { source, dest, mode }.')
  const asset = entry as Record<string, unknown>
  const keys = ['source', 'dest', 'mode', 'config', 'doc', 'user', 'group', 'caps']
  for (const name of Object.keys(asset)) if (!keys.includes(name)) reader.refuse(`${key}.${name}`, name, `not an asset key; the keys are ${keys.join(', ')}.`)
  if (asset.source === undefined) reader.refuse(`${key}.source`, '', 'source of the asset is undefined.')
  if (asset.dest === undefined) reader.refuse(`${key}.dest`, '', 'dest of the asset is undefined.')
  const rule = assetRule(reader, key, asset.source, asset.dest, asset.mode)
  if (asset.config !== undefined) {
    if (asset.config === true) rule.config = 'config'
    else if (asset.config === 'noreplace') rule.config = 'noreplace'
    else if (asset.config !== false) reader.refuse(`${key}.config`, asset.config, 'expected true, false or "noreplace".')
  }
  if (asset.doc !== undefined) {
    if (typeof asset.doc !== 'boolean') reader.refuse(`${key}.doc`, asset.doc, 'expected true or false.')
    rule.doc = asset.doc
  }
  for (const owner of ['user', 'group'] as const) {
    const value = asset[owner]
    if (value === undefined) continue
    if (typeof value !== 'string' || !/^[a-z_][a-z0-9_-]*\$?$/.test(value)) reader.refuse(`${key}.${owner}`, value, `expected a ${owner} name such as root.`)
    rule[owner] = value
  }
  if (asset.caps !== undefined) reader.notes.push(`${key}.caps is not applied by the action; set capabilities in the post-install script.`)
  return rule
}

/** cargo-generate-rpm's dependency tables: `name = "*"`, `name = ">= 1.2"`, `name = ">= 1.2, < 2"`. */
function rpmRelations(reader: MetadataReader, key: string, tag: string): [string, string][] {
  const value = reader.table[key]
  if (value === undefined) return []
  if (!value || typeof value !== 'object' || Array.isArray(value)) return reader.refuse(reader.key(key), value, 'expected a table such as { openssl-libs = ">= 3" }.')
  return Object.entries(value as Record<string, unknown>).flatMap(([dependency, constraint]): [string, string][] => {
    const at = `${reader.key(key)}.${dependency}`
    if (!/^[A-Za-z0-9_.+/()-][A-Za-z0-9_.+/():-]*$/.test(dependency)) reader.refuse(at, dependency, 'expected a package or capability name.')
    if (typeof constraint !== 'string') return reader.refuse(at, constraint, 'expected "*" or a comparison such as ">= 1.2".')
    if (constraint.trim() === '*') return [[tag, dependency]]
    return constraint.split(',').map((part): [string, string] => {
      const match = /^\s*(<|<=|=|>|>=) ([A-Za-z0-9._+~^:-]+)\s*$/.exec(part)
      if (!match) reader.refuse(at, constraint, 'expected "*" or comparisons such as ">= 1.2, < 3.4" (a space after the operator; "= 1.2", not "1.2").')
      return [tag, `${dependency} ${match[1]} ${match[2]}`]
    })
  })
}
