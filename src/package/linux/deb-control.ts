/**
 * The control members of a .deb as text: `control` (fields in cargo-deb's order),
 * `conffiles`, `md5sums`, the copyright file, and the maintainer scripts with the
 * commands for the systemd units put where `#DEBHELPER#` stands (as dh_installsystemd
 * and cargo-deb do: enable, start, restart on upgrade, stop on removal, purge). Pure.
 */
import type { DebSpec } from '../../inputs/package-specs.js'
import type { UnitFile } from '../../inputs/package-files.js'

export interface ControlFacts {
  arch: string
  /** The Depends field, `$auto` already replaced; empty: none */
  depends: string
  /** KiB, as dpkg-gencontrol counts: each file rounded up to 1 KiB */
  installedSize: number
  extendedDescription?: string
}

/** `$auto` in the metadata's depends replaced by what the binaries need; empty entries dropped. */
export function resolveDepends(written: string, auto: readonly string[]): string {
  return written
    .split(',')
    .map((item) => item.trim())
    .flatMap((item) => (item === '$auto' ? auto : item ? [item] : []))
    .filter((item, index, all) => all.indexOf(item) === index)
    .join(', ')
}

/** The extended description as continuation lines: a leading space, ` .` for a blank line, no tabs. */
export function descriptionLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').trimEnd().split('\n')
  while (lines.length && lines[0]?.trim() === '') lines.shift()
  return lines.map((line) => (line.trim() === '' ? ' .' : ` ${line.trimEnd()}`))
}

export function renderControl(spec: DebSpec, facts: ControlFacts): string {
  const fields: [string, string | undefined][] = [
    ['Package', spec.name],
    ['Version', spec.version],
    ['Architecture', facts.arch],
    ['Homepage', spec.homepage],
    ['Section', spec.section],
    ['Priority', spec.priority],
    ['Maintainer', spec.maintainer],
    ['Installed-Size', String(facts.installedSize)],
    ['Depends', facts.depends || undefined],
    ...spec.relations,
  ]
  const lines = fields.filter((field): field is [string, string] => field[1] !== undefined && field[1] !== '').map(([name, value]) => `${name}: ${value}`)
  lines.push(`Description: ${spec.summary}`, ...descriptionLines(facts.extendedDescription ?? ''))
  return `${lines.join('\n')}\n`
}

/** Absolute paths, one a line: the metadata's conf-files, then every file under /etc (cargo-deb's rule). */
export function renderConffiles(spec: DebSpec, dests: readonly string[]): string {
  const files = [...spec.confFiles, ...dests.filter((dest) => dest.startsWith('/etc/'))]
  return [...new Set(files)].map((file) => `${file}\n`).join('')
}

/** dpkg's md5sums: `<md5>  <path without the leading slash>`, sorted. */
export function renderMd5sums(files: readonly { dest: string; md5: string }[]): string {
  return [...files]
    .sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0))
    .map((file) => `${file.md5}  ${file.dest.slice(1)}\n`)
    .join('')
}

/** A machine-readable copyright file (DEP-5) from the crate's license and authors. */
export function renderCopyright(spec: DebSpec): string {
  const lines = [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    `Upstream-Name: ${spec.crate.name}`,
    ...((spec.crate.repository ?? spec.crate.homepage) ? [`Source: ${spec.crate.repository ?? spec.crate.homepage}`] : []),
    '',
    'Files: *',
    `Copyright: ${spec.copyright || spec.maintainer}`,
    `License: ${spec.license ?? 'UNKNOWN'}`,
  ]
  return `${lines.join('\n')}\n`
}

/** RFC 2822 in UTC, as Debian changelogs date their entries. */
export function changelogDate(epoch: number): string {
  return new Date(epoch * 1000).toUTCString().replace(/GMT$/, '+0000')
}

/** One changelog entry for this build, when the crate brings no Debian changelog (policy wants one). */
export function renderChangelog(spec: DebSpec, epoch: number): string {
  return `${spec.name} (${spec.version}) unstable; urgency=medium\n\n  * Built by rust-xbuild from ${spec.crate.name} ${spec.crate.version}.\n\n -- ${spec.maintainer}  ${changelogDate(epoch)}\n`
}

export type ScriptName = 'preinst' | 'postinst' | 'prerm' | 'postrm'

const CONFIGURE = `if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ]; then`

/**
 * The units' commands per script, with cargo-deb's options per unit: `enable` (a unit with
 * an [Install] section is enabled unless the admin disabled it), `start`,
 * `restart-after-upgrade` (restart once the new files are in place) and `stop-on-upgrade`.
 */
/** postinst: enable an installable unit as deb-systemd-helper does (debhelper's enable rule, or keep the state). */
function enableLines({ unit, rule, installable }: UnitFile): string[] {
  if (rule.enable)
    return [
      CONFIGURE,
      `\tdeb-systemd-helper unmask ${unit} >/dev/null || true`,
      `\tif deb-systemd-helper --quiet was-enabled ${unit}; then`,
      `\t\tdeb-systemd-helper enable ${unit} >/dev/null || true`,
      '\telse',
      `\t\tdeb-systemd-helper update-state ${unit} >/dev/null || true`,
      '\tfi',
      'fi',
    ]
  if (!installable) return []
  return [
    CONFIGURE,
    `\tif deb-systemd-helper debian-installed ${unit}; then`,
    `\t\tdeb-systemd-helper unmask ${unit} >/dev/null || true`,
    `\t\tif deb-systemd-helper --quiet was-enabled ${unit}; then`,
    `\t\t\tdeb-systemd-helper enable ${unit} >/dev/null || true`,
    '\t\tfi',
    '\tfi',
    `\tdeb-systemd-helper update-state ${unit} >/dev/null || true`,
    'fi',
  ]
}

/** postrm: mask on remove, purge the helper's state on purge. */
function purgeLines(unit: string): string[] {
  return [
    'if [ "$1" = "remove" ] && command -v deb-systemd-helper >/dev/null; then',
    `\tdeb-systemd-helper mask ${unit} >/dev/null || true`,
    'fi',
    'if [ "$1" = "purge" ] && command -v deb-systemd-helper >/dev/null; then',
    `\tdeb-systemd-helper purge ${unit} >/dev/null || true`,
    `\tdeb-systemd-helper unmask ${unit} >/dev/null || true`,
    'fi',
  ]
}

/** postinst's start or restart, and prerm's stop, by the unit's start/restart rules. */
function startStopLines({ unit, rule }: UnitFile): { postinst: string[]; prerm: string[] } {
  let action: string[] = []
  if (rule.restartAfterUpgrade)
    action = rule.start
      ? ['\t\tif [ -n "$2" ]; then', `\t\t\tdeb-systemd-invoke restart ${unit} >/dev/null || true`, '\t\telse', `\t\t\tdeb-systemd-invoke start ${unit} >/dev/null || true`, '\t\tfi']
      : ['\t\tif [ -n "$2" ]; then', `\t\t\tdeb-systemd-invoke try-restart ${unit} >/dev/null || true`, '\t\tfi']
  else if (rule.start) action = [`\t\tdeb-systemd-invoke start ${unit} >/dev/null || true`]
  const postinst = [CONFIGURE, '\tif [ -d /run/systemd/system ]; then', '\t\tsystemctl --system daemon-reload >/dev/null || true', ...action, '\tfi', 'fi']
  // Stopped before every upgrade only when it is not restarted after one.
  if (!rule.stopOnUpgrade || rule.restartAfterUpgrade)
    return { postinst, prerm: ['if [ -d /run/systemd/system ] && [ "$1" = remove ]; then', `\tdeb-systemd-invoke stop ${unit} >/dev/null || true`, 'fi'] }
  if (rule.start) return { postinst, prerm: ['if [ -d /run/systemd/system ]; then', `\tdeb-systemd-invoke stop ${unit} >/dev/null || true`, 'fi'] }
  return { postinst, prerm: [] }
}

export function systemdFragments(units: readonly UnitFile[]): Partial<Record<ScriptName, string>> {
  const postinst: string[] = []
  const prerm: string[] = []
  const postrm: string[] = []
  const tmpfiles = units.filter((unit) => unit.dest.startsWith('/usr/lib/tmpfiles.d/'))
  if (tmpfiles.length)
    postinst.push(CONFIGURE, '\tif command -v systemd-tmpfiles >/dev/null; then', `\t\tsystemd-tmpfiles --create ${tmpfiles.map((unit) => unit.unit).join(' ')} >/dev/null || true`, '\tfi', 'fi')
  // Templates (name@.service) are neither enabled nor started without an instance.
  const systemUnits = units.filter((unit) => unit.dest.startsWith('/usr/lib/systemd/system/') && !unit.unit.includes('@'))
  for (const unit of systemUnits.filter((candidate) => candidate.installable)) {
    postinst.push(...enableLines(unit))
    postrm.push(...purgeLines(unit.unit))
  }
  for (const unit of systemUnits) {
    const lines = startStopLines(unit)
    postinst.push(...lines.postinst)
    prerm.push(...lines.prerm)
  }
  if (systemUnits.length) postrm.push('if [ -d /run/systemd/system ]; then', '\tsystemctl --system daemon-reload >/dev/null || true', 'fi')
  const block = (lines: string[]): string => (lines.length ? `# Added by rust-xbuild for the systemd units\n${lines.join('\n')}\n# End of the systemd units' commands\n` : '')
  const result: Partial<Record<ScriptName, string>> = {}
  for (const [name, lines] of [
    ['postinst', postinst],
    ['prerm', prerm],
    ['postrm', postrm],
  ] as const)
    if (lines.length) result[name] = block(lines)
  return result
}

/**
 * The final maintainer scripts: the user's with `#DEBHELPER#` replaced by the generated
 * commands (or by nothing), and a `#!/bin/sh` + `set -e` script where only commands exist.
 */
export function maintainerScripts(user: Readonly<Record<string, string>>, generated: Partial<Record<ScriptName, string>>): Record<string, string> {
  const scripts: Record<string, string> = {}
  for (const [name, text] of Object.entries(user)) scripts[name] = text.replace(/^[ \t]*#DEBHELPER#[ \t]*$/m, (generated[name as ScriptName] ?? '').trimEnd())
  for (const [name, text] of Object.entries(generated)) if (scripts[name] === undefined && text) scripts[name] = `#!/bin/sh\nset -e\n${text}`
  return scripts
}
