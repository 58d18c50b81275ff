/**
 * The files a Linux package is made of, found on disk: asset globs expanded, every source
 * checked to be a file inside the project (links resolved), systemd units and maintainer
 * scripts found by cargo-deb's (debhelper's) naming rules. Run twice: before the build,
 * without the binaries, so a bad asset fails early; and when packaging, with them.
 */
import fs from 'node:fs'
import path from 'node:path'
import { InputError } from '../errors.js'
import type { AssetRule, SystemdUnitRule } from './package-metadata.js'
import type { DebSpec, RpmSpec } from './package-specs.js'

export interface PackageFile {
  /** Absolute path in the installed system */
  dest: string
  /** The file on disk */
  source: string
  mode: number
  config?: 'config' | 'noreplace'
  doc?: boolean
  user?: string
  group?: string
}

/** A systemd unit as cargo-deb installs it, with the options of the rule that found it. */
export interface UnitFile extends PackageFile {
  unit: string
  rule: SystemdUnitRule
  /** Has an [Install] section: enabled on installation (debhelper's rule) */
  installable: boolean
}

export interface ResolvedFiles {
  files: PackageFile[]
  units: UnitFile[]
  /** Maintainer scripts by name (preinst, postinst, prerm, postrm, config, templates): the user's text */
  scripts: Record<string, string>
  extendedDescription?: string
  /** The changelog's text (deb) */
  changelog?: string
}

export const MAINTAINER_SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm', 'config', 'templates'] as const
/** cargo-deb's unit suffixes and where each goes (`tmpfile` → tmpfiles.d/<name>.conf). */
const UNIT_KINDS: [string, string, boolean][] = [
  ['service', '/usr/lib/systemd/system', true],
  ['socket', '/usr/lib/systemd/system', true],
  ['timer', '/usr/lib/systemd/system', true],
  ['path', '/usr/lib/systemd/system', true],
  ['target', '/usr/lib/systemd/system', true],
  ['mount', '/usr/lib/systemd/system', false],
  ['tmpfile', '/usr/lib/tmpfiles.d', false],
]

type Tinyglobby = typeof import('tinyglobby')

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

export class FileFinder {
  constructor(
    /** The cargo workspace root: sources must resolve inside it */
    readonly root: string,
    readonly crateDir: string,
    readonly glob: Tinyglobby,
  ) {}

  /** A file of the project, by a name relative to the crate; refused when missing, not a file, or elsewhere. */
  file(key: string, relative: string): string {
    const source = path.join(this.crateDir, relative)
    let real: string
    try {
      real = fs.realpathSync(source)
    } catch {
      throw new InputError(key, relative, `there is no such file in ${this.crateDir} (cargo-deb and cargo-generate-rpm read sources relative to the crate).`)
    }
    if (!isInside(fs.realpathSync(this.root), real)) throw new InputError(key, relative, `it leads to ${real}, outside the project; only files of the project are packaged.`)
    if (!fs.statSync(real).isFile()) throw new InputError(key, relative, 'not a file; name files, or globs such as assets/*.')
    return real
  }

  folder(key: string, relative: string): string {
    const dir = path.join(this.crateDir, relative)
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(key, relative, `no such folder in ${this.crateDir}.`)
    if (!isInside(fs.realpathSync(this.root), fs.realpathSync(dir))) throw new InputError(key, relative, 'the folder is outside the project.')
    return dir
  }

  /** An asset rule as files: a glob keeps the path below its fixed part under a folder dest. */
  assets(rule: AssetRule, binaries: ReadonlyMap<string, string> | undefined): PackageFile[] {
    const extra = { ...(rule.config ? { config: rule.config } : {}), ...(rule.doc ? { doc: true } : {}), ...(rule.user ? { user: rule.user } : {}), ...(rule.group ? { group: rule.group } : {}) }
    const into = (dest: string, name: string): string => (dest.endsWith('/') ? `${dest}${name}` : dest)
    if (rule.built) {
      const staged = binaries?.get(rule.built)
      if (binaries && !staged && rule.auto) return []
      if (binaries && !staged)
        throw new InputError(`${rule.key}.source`, rule.source, `the build staged no binary ${rule.built} for this target (staged: ${[...binaries.keys()].join(', ') || 'none'}); check the bin input.`)
      return [{ dest: into(rule.dest, rule.built), source: staged ?? '', mode: rule.mode ?? 0o755, ...extra }]
    }
    if (!this.glob.isDynamicPattern(rule.source)) {
      const source = this.file(`${rule.key}.source`, rule.source)
      return [{ dest: into(rule.dest, path.posix.basename(rule.source)), source, mode: rule.mode ?? normalMode(source), ...extra }]
    }
    const segments = rule.source.split('/')
    const fixed = segments
      .slice(
        0,
        segments.findIndex((segment) => this.glob.isDynamicPattern(segment)),
      )
      .join('/')
    const names = this.glob.globSync(rule.source, { cwd: this.crateDir, dot: false, expandDirectories: false, onlyFiles: true }).sort()
    if (!names.length) throw new InputError(`${rule.key}.source`, rule.source, `the glob matches no file in ${this.crateDir}.`)
    const dest = rule.dest.endsWith('/') ? rule.dest : `${rule.dest}/`
    return names.map((name) => {
      const source = this.file(`${rule.key}.source`, name)
      return { dest: `${dest}${path.posix.relative(fixed || '.', name)}`, source, mode: rule.mode ?? normalMode(source), ...extra }
    })
  }
}

/** 0755 for anything executable, 0644 otherwise: a checkout's umask must not change the package. */
function normalMode(file: string): number {
  return fs.statSync(file).mode & 0o111 ? 0o755 : 0o644
}

function unique(files: PackageFile[]): PackageFile[] {
  const seen = new Map<string, PackageFile>()
  // cargo-deb: the first asset for a path wins.
  for (const file of files) if (!seen.has(file.dest)) seen.set(file.dest, file)
  return [...seen.values()]
}

/** debhelper's pkgfile(): `<pkg>.<unit>.<name>`, `<unit>.<name>`, `<pkg>.<name>`, `<name>`. */
function pkgfile(dir: string, pkg: string, name: string, unit?: string): string | undefined {
  const candidates = [...(unit ? [`${pkg}.${unit}.${name}`, `${unit}.${name}`] : []), `${pkg}.${name}`, name]
  return candidates.map((candidate) => path.join(dir, candidate)).find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile())
}

export async function resolveDebFiles(spec: DebSpec, root: string, binaries?: ReadonlyMap<string, string>): Promise<ResolvedFiles> {
  const finder = new FileFinder(root, spec.crate.dir, await import('tinyglobby'))
  const files = unique(spec.assets.flatMap((rule) => finder.assets(rule, binaries)))
  const scripts: Record<string, string> = {}
  const units: UnitFile[] = []
  if (spec.maintainerScripts !== undefined) {
    const dir = finder.folder('package.metadata.deb.maintainer-scripts', spec.maintainerScripts)
    for (const script of MAINTAINER_SCRIPTS) {
      const found = pkgfile(dir, spec.name, script, spec.systemdUnits.find((rule) => rule.unitName)?.unitName)
      if (found) scripts[script] = fs.readFileSync(finder.file('package.metadata.deb.maintainer-scripts', path.relative(spec.crate.dir, found)), 'utf8')
    }
    for (const rule of spec.systemdUnits) {
      const unitDir = rule.unitScripts === undefined ? dir : finder.folder('package.metadata.deb.systemd-units.unit-scripts', rule.unitScripts)
      for (const [kind, installDir, template] of UNIT_KINDS) {
        for (const suffix of template ? ['', '@'] : ['']) {
          const found = pkgfile(unitDir, `${spec.name}${suffix}`, kind, rule.unitName)
          if (!found) continue
          const unit = `${rule.unitName ?? spec.name}${suffix}.${kind === 'tmpfile' ? 'conf' : kind}`
          // One file, one unit: an earlier rule's file is not installed again under another name.
          if (units.some((other) => other.dest === `${installDir}/${unit}` || other.source === fs.realpathSync(found))) continue
          const source = finder.file('package.metadata.deb.systemd-units', path.relative(spec.crate.dir, found))
          units.push({ dest: `${installDir}/${unit}`, source, mode: 0o644, unit, rule, installable: /^\s*\[Install\]/m.test(fs.readFileSync(source, 'utf8')) })
        }
      }
    }
    if (spec.systemdUnits.length) {
      for (const script of ['preinst', 'postinst', 'prerm', 'postrm']) {
        if (scripts[script] !== undefined && !scripts[script].includes('#DEBHELPER#')) {
          throw new InputError(
            'package.metadata.deb.maintainer-scripts',
            spec.maintainerScripts,
            `${script} has no #DEBHELPER# line, where cargo-deb puts the systemd units' commands; add a line #DEBHELPER# to it.`,
          )
        }
      }
    }
  }
  const all = unique([...files, ...units])
  for (const conf of spec.confFiles) {
    if (!all.some((file) => file.dest === conf)) throw new InputError('package.metadata.deb.conf-files', conf, `no asset installs ${conf}; list the file in assets too.`)
  }
  const description = spec.extendedDescription
  const extendedDescription =
    description === undefined ? undefined : 'text' in description ? description.text : fs.readFileSync(finder.file('package.metadata.deb.extended-description-file', description.file), 'utf8')
  const changelog = spec.changelog === undefined ? undefined : fs.readFileSync(finder.file('package.metadata.deb.changelog', spec.changelog), 'utf8')
  return { files: all, units, scripts, extendedDescription, ...(changelog === undefined ? {} : { changelog }) }
}

export async function resolveRpmFiles(spec: RpmSpec, root: string, binaries?: ReadonlyMap<string, string>): Promise<ResolvedFiles> {
  const finder = new FileFinder(root, spec.crate.dir, await import('tinyglobby'))
  const files = unique(spec.assets.flatMap((rule) => finder.assets(rule, binaries)))
  const scripts: Record<string, string> = {}
  for (const [section, value] of spec.scripts) {
    // cargo-generate-rpm: a path to a file of the crate when there is one, else the script itself.
    const candidate = !value.includes('\n') && value.length < 4096 ? path.join(spec.crate.dir, value) : undefined
    scripts[section] = candidate && fs.existsSync(candidate) && fs.statSync(candidate).isFile() ? fs.readFileSync(finder.file(`package.metadata.generate-rpm (${section})`, value), 'utf8') : value
  }
  return { files, units: [], scripts }
}
