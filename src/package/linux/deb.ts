/**
 * A .deb through dpkg-deb (on every Debian and Ubuntu runner): the staged tree with
 * DEBIAN/control, conffiles, md5sums and the maintainer scripts, owned by root
 * (--root-owner-group), gzip at level 9 (single-threaded, so the bytes do not depend on
 * the runner's cores), member times from SOURCE_DATE_EPOCH.
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { exec } from '../../exec.js'
import type { PackageFile, ResolvedFiles } from '../../inputs/package-files.js'
import { debFileName } from '../../inputs/linux-packages.js'
import type { DebSpec } from '../../inputs/package-specs.js'
import { maintainerScripts, renderChangelog, renderConffiles, renderControl, renderCopyright, renderMd5sums, resolveDepends, systemdFragments } from './deb-control.js'
import { fixTimes, installedSize, md5, writeFile, writeTree } from './tree.js'

export interface DebBuild {
  spec: DebSpec
  files: ResolvedFiles
  arch: string
  /** What the binaries need: libc6 (>= 2.x), ... */
  autoDepends: readonly string[]
  workDir: string
  outputDir: string
  epoch: number
}

/** `dpkg-deb` arguments: root owner, gzip -9, build the tree into the file. */
export function dpkgDebArgs(root: string, output: string): string[] {
  return ['--root-owner-group', '-Zgzip', '-z9', '--build', root, output]
}

/** gzip -9n: no name, no time, and the Unix OS byte whatever platform zlib was built for. */
export function gzipFixed(text: string): Buffer {
  const bytes = zlib.gzipSync(Buffer.from(text), { level: 9 })
  bytes[9] = 3
  return bytes
}

export async function buildDeb(build: DebBuild): Promise<{ name: string; path: string; control: string }> {
  const { spec, files } = build
  const root = path.join(build.workDir, `${spec.name}-deb`)
  const copyrightDest = `/usr/share/doc/${spec.name}/copyright`
  const generated: PackageFile[] = []
  if (!files.files.some((file) => file.dest === copyrightDest)) {
    const copyright = path.join(build.workDir, `${spec.name}.copyright`)
    writeFile(copyright, renderCopyright(spec), 0o644)
    generated.push({ dest: copyrightDest, source: copyright, mode: 0o644 })
  }
  const changelogDest = `/usr/share/doc/${spec.name}/changelog.Debian.gz`
  if (!files.files.some((file) => file.dest === changelogDest)) {
    const changelog = path.join(build.workDir, `${spec.name}.changelog.gz`)
    fs.writeFileSync(changelog, gzipFixed(files.changelog ?? renderChangelog(spec, build.epoch)))
    fs.chmodSync(changelog, 0o644)
    generated.push({ dest: changelogDest, source: changelog, mode: 0o644 })
  }
  const all = [...files.files, ...generated]
  writeTree(root, all)
  const control = renderControl(spec, {
    arch: build.arch,
    depends: resolveDepends(spec.depends, build.autoDepends),
    installedSize: installedSize(all),
    extendedDescription: files.extendedDescription,
  })
  const debian = path.join(root, 'DEBIAN')
  writeFile(path.join(debian, 'control'), control, 0o644)
  writeFile(path.join(debian, 'md5sums'), renderMd5sums(all.map((file) => ({ dest: file.dest, md5: md5(file.source) }))), 0o644)
  const conffiles = renderConffiles(
    spec,
    all.map((file) => file.dest),
  )
  if (conffiles) writeFile(path.join(debian, 'conffiles'), conffiles, 0o644)
  const scripts = maintainerScripts(files.scripts, systemdFragments(files.units))
  for (const [name, text] of Object.entries(scripts)) writeFile(path.join(debian, name), text, name === 'templates' ? 0o644 : 0o755)
  fixTimes(root, build.epoch)
  const name = debFileName(spec.name, spec.version, build.arch)
  const output = path.join(build.outputDir, name)
  await exec('dpkg-deb', dpkgDebArgs(root, output), { env: { SOURCE_DATE_EPOCH: String(build.epoch) } })
  fs.rmSync(root, { recursive: true, force: true })
  return { name, path: output, control }
}
