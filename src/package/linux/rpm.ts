/**
 * An .rpm through rpmbuild (Debian/Ubuntu package `rpm`): a spec with no build steps and
 * the staged tree as its buildroot, so rpmbuild only lists, owns (root unless the asset
 * says otherwise) and packs the files, and its own ELF dependency generator adds the
 * libraries and glibc versions the binaries need (`libc.so.6(GLIBC_2.34)(64bit)`).
 * Reproducible: build time and file times from SOURCE_DATE_EPOCH, a fixed build host, gzip.
 */
import fs from 'node:fs'
import path from 'node:path'
import { exec } from '../../exec.js'
import type { PackageFile, ResolvedFiles } from '../../inputs/package-files.js'
import { rpmFileName } from '../../inputs/linux-packages.js'
import type { RpmSpec } from '../../inputs/package-specs.js'
import { fixTimes, writeFile, writeTree } from './tree.js'

/** rpmbuild expands macros everywhere in a spec: a literal % is %%. */
const literal = (text: string): string => text.replace(/%/g, '%%')

function fileLine(file: PackageFile): string {
  const mode = file.mode.toString(8).padStart(4, '0')
  const attr = `%attr(${mode},${file.user ?? 'root'},${file.group ?? 'root'})`
  const flags = [file.config === 'noreplace' ? '%config(noreplace)' : file.config === 'config' ? '%config' : '', file.doc ? '%doc' : ''].filter(Boolean)
  return [...flags, attr, `"${file.dest}"`].join(' ')
}

/** The spec file: tags, dependencies, description, scriptlets, and the file list with owners and modes. */
export function renderRpmSpec(spec: RpmSpec, files: ResolvedFiles): string {
  const tags: [string, string | undefined][] = [
    ['Name', spec.name],
    ['Version', spec.version],
    ['Release', spec.release],
    ['Epoch', spec.epoch === undefined ? undefined : String(spec.epoch)],
    ['Summary', spec.summary],
    ['License', spec.license],
    ['URL', spec.url],
    ['Vendor', spec.vendor],
    ...spec.relations,
    ['AutoReq', spec.autoReq ? undefined : 'no'],
  ]
  const lines = tags.filter((tag): tag is [string, string] => tag[1] !== undefined).map(([tag, value]) => `${tag}: ${literal(value)}`)
  lines.push('', '%description', literal(spec.description.trimEnd()), '')
  for (const [section, text] of Object.entries(files.scripts)) lines.push(`%${section}`, literal(text.trimEnd()), '')
  lines.push('%files', ...[...files.files].sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0)).map(fileLine), '')
  return lines.join('\n')
}

/** rpmbuild's arguments: binary package only, for the target's architecture, into outputDir with rpm's file name. */
export function rpmbuildArgs(options: { spec: string; root: string; arch: string; topDir: string; outputDir: string }): string[] {
  const define = (name: string, value: string): string[] => ['--define', `${name} ${value}`]
  return [
    '-bb',
    '--quiet',
    '--target',
    `${options.arch}-linux`,
    '--buildroot',
    options.root,
    ...define('_topdir', options.topDir),
    ...define('_tmppath', options.topDir),
    ...define('_rpmdir', options.outputDir),
    ...define('_rpmfilename', '%%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm'),
    // Reproducible bytes: the one time, a fixed host, no build-id links, gzip (single-threaded).
    ...define('use_source_date_epoch_as_buildtime', '1'),
    ...define('clamp_mtime_to_source_date_epoch', '1'),
    ...define('_buildhost', 'reproducible'),
    ...define('_build_id_links', 'none'),
    ...define('_binary_payload', 'w9.gzdio'),
    // The binaries are staged as the build made them: no stripping or debug packages by rpm.
    ...define('debug_package', '%{nil}'),
    ...define('__os_install_post', '%{nil}'),
    ...define('__arch_install_post', '%{nil}'),
    options.spec,
  ]
}

export interface RpmBuild {
  spec: RpmSpec
  files: ResolvedFiles
  arch: string
  workDir: string
  outputDir: string
  epoch: number
}

export async function buildRpm(build: RpmBuild): Promise<{ name: string; path: string; specText: string }> {
  const { spec, files } = build
  const root = path.join(build.workDir, `${spec.name}-rpm`)
  const topDir = path.join(build.workDir, `${spec.name}-rpmbuild`)
  fs.rmSync(topDir, { recursive: true, force: true })
  fs.mkdirSync(topDir, { recursive: true })
  writeTree(root, files.files)
  fixTimes(root, build.epoch)
  const specText = renderRpmSpec(spec, files)
  const specFile = path.join(topDir, `${spec.name}.spec`)
  writeFile(specFile, specText, 0o644)
  const name = rpmFileName(spec.name, spec.version, spec.release, build.arch)
  await exec('rpmbuild', rpmbuildArgs({ spec: specFile, root, arch: build.arch, topDir, outputDir: build.outputDir }), { env: { SOURCE_DATE_EPOCH: String(build.epoch) } })
  fs.rmSync(topDir, { recursive: true, force: true })
  fs.rmSync(root, { recursive: true, force: true })
  const output = path.join(build.outputDir, name)
  if (!fs.existsSync(output)) throw new Error(`rpmbuild wrote no ${name} in ${build.outputDir}`)
  return { name, path: output, specText }
}
