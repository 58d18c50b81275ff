/**
 * A package's files laid out as the installed system will see them, in a folder of the
 * action's own: fixed modes, folders 0755, and every time set to the build's one time,
 * so dpkg-deb and rpmbuild see the same tree wherever the project was checked out.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { PackageFile } from '../../inputs/package-files.js'

export function writeTree(root: string, files: readonly PackageFile[]): void {
  fs.rmSync(root, { recursive: true, force: true })
  fs.mkdirSync(root, { recursive: true, mode: 0o755 })
  for (const file of files) {
    const destination = path.join(root, ...file.dest.slice(1).split('/'))
    fs.mkdirSync(path.dirname(destination), { recursive: true, mode: 0o755 })
    fs.copyFileSync(file.source, destination)
    fs.chmodSync(destination, file.mode)
  }
}

/** A control or generated file with its mode. */
export function writeFile(file: string, text: string, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 })
  fs.writeFileSync(file, text)
  fs.chmodSync(file, mode)
}

/** Every entry below root (and root) gets the time and folders get 0755, whatever the umask made them. */
export function fixTimes(root: string, epoch: number): void {
  const entries = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).map((name) => path.join(root, name))
  for (const entry of [...entries, root]) {
    if (fs.lstatSync(entry).isDirectory()) fs.chmodSync(entry, 0o755)
    fs.utimesSync(entry, epoch, epoch)
  }
}

export function md5(file: string): string {
  return crypto.createHash('md5').update(fs.readFileSync(file)).digest('hex')
}

/** dpkg's Installed-Size: KiB, each file rounded up. */
export function installedSize(files: readonly { source: string }[]): number {
  return files.reduce((sum, file) => sum + Math.ceil(fs.statSync(file.source).size / 1024), 0)
}
