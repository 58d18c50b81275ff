/**
 * Where the action writes, and how it reads files it did not make (docs/security.md). Every
 * writer names its output folder and a path relative to it; the path must stay inside the
 * folder after links are resolved, and the file itself is never a link (O_NOFOLLOW). A
 * file read from an artifact or a staging folder must be a regular file: links, folders,
 * FIFOs, devices and sockets are refused, never followed or opened.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ActionError } from '../errors.js'

const { O_CREAT, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_TRUNC, O_WRONLY } = fs.constants

/** open(2) flags for a file written afresh, never through a link in its last part (for streams). */
export const WRITE_NO_FOLLOW = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW

/** Whether `child` is `parent` or below it, by name only (no links resolved). */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child))
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))
}

export type FileKind = 'file' | 'symbolic link' | 'folder' | 'FIFO' | 'device' | 'socket' | 'missing'

function kindOf(stat: fs.Stats): FileKind {
  if (stat.isFile()) return 'file'
  if (stat.isSymbolicLink()) return 'symbolic link'
  if (stat.isDirectory()) return 'folder'
  if (stat.isFIFO()) return 'FIFO'
  if (stat.isSocket()) return 'socket'
  return 'device'
}

/** What is at `file`, the link itself rather than what it leads to. */
export function fileKind(file: string): FileKind {
  try {
    return kindOf(fs.lstatSync(file))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing'
    throw error
  }
}

const describe = (kind: FileKind, file: string): string => {
  if (kind !== 'symbolic link') return `a ${kind}`
  let to = '?'
  try {
    to = fs.readlinkSync(file)
  } catch {
    // Gone since: the refusal stands either way.
  }
  return `a symbolic link (to ${to})`
}

/**
 * Why `file` is not a regular file that can be read as one, or undefined when it is. With
 * `refuseHardLinks`, a file that has another name too is refused: a hard link makes a file
 * from elsewhere read as if it were here (cargo's own executables are hard links; staged
 * copies and downloaded artifacts never are).
 */
export function notRegularFile(file: string, refuseHardLinks = false): string | undefined {
  const kind = fileKind(file)
  if (kind === 'missing') return 'missing'
  if (kind !== 'file') return describe(kind, file)
  if (refuseHardLinks && fs.lstatSync(file).nlink > 1) return 'a hard link (the same file has another name elsewhere)'
  return undefined
}

/**
 * Open a regular file for reading without following a link in its last part and without
 * waiting on a FIFO; the open file is checked again, so a swap after a check is refused too.
 */
export function openRegularFile(file: string): { fd: number; size: number } {
  let fd: number
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new ActionError(`${file} is a symbolic link; links are never followed.`)
    throw error
  }
  const stat = fs.fstatSync(fd)
  if (!stat.isFile()) {
    fs.closeSync(fd)
    throw new ActionError(`${file} is ${describe(kindOf(stat), file)}, not a regular file.`)
  }
  return { fd, size: stat.size }
}

/** The contents of a regular file of at most `limit` bytes. */
export function readRegularFile(file: string, limit: number): Buffer {
  const { fd, size } = openRegularFile(file)
  try {
    if (size > limit) throw new ActionError(`${file} has ${size} bytes, more than the ${limit} allowed.`)
    const data = Buffer.alloc(size)
    let read = 0
    while (read < size) {
      const n = fs.readSync(fd, data, read, size - read, read)
      if (n === 0) break
      read += n
    }
    return data.subarray(0, read)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * The absolute path that `relative` names inside `root`, refused when it is root itself,
 * leaves root by name or through a link in any folder on the way, or is a link itself.
 * Parts that do not exist yet are fine: what exists of the path is resolved.
 */
export function resolveInside(root: string, relative: string): string {
  const refuse = (why: string): never => {
    throw new ActionError(`Refusing to write ${JSON.stringify(relative)} in ${root}: ${why}`)
  }
  if (relative.includes('\0')) refuse('the name holds a NUL character.')
  const base = path.resolve(root)
  const target = path.resolve(base, relative)
  if (target === base || !isInside(base, target)) refuse('it is not a path inside that folder.')
  const realRoot = fs.realpathSync(base)
  // The deepest part of the path that exists, with its links resolved, and the rest as named.
  let existing = target
  const rest: string[] = []
  while (fileKind(existing) === 'missing') {
    rest.unshift(path.basename(existing))
    existing = path.dirname(existing)
  }
  const linked = existing === target && fileKind(target) === 'symbolic link'
  let real: string
  try {
    real = path.join(fs.realpathSync(existing), ...rest)
  } catch {
    return refuse(`it is ${describe('symbolic link', target)}; links are never written through.`)
  }
  if (!isInside(realRoot, real)) refuse(`it leads to ${real}, outside ${realRoot}.`)
  // A link to a folder inside may be written below; a file is never written through a link.
  if (linked && fileKind(real) !== 'folder') refuse(`it is ${describe('symbolic link', target)}; links are never written through.`)
  return target
}

/** Create the folder `relative` inside root (and its parents), refused as resolveInside refuses. */
export function mkdirInside(root: string, relative: string): string {
  const dir = resolveInside(root, relative)
  fs.mkdirSync(dir, { recursive: true })
  if (!fs.statSync(dir).isDirectory()) throw new ActionError(`Refusing to write in ${dir}: it is not a folder.`)
  return dir
}

/** Open `relative` inside root for writing (created, emptied), never through a link; parent folders are created. */
function openForWrite(root: string, relative: string, mode: number): { fd: number; file: string } {
  const file = resolveInside(root, relative)
  const parent = path.dirname(file)
  if (parent !== path.resolve(root)) mkdirInside(root, path.relative(root, parent))
  try {
    const fd = fs.openSync(file, WRITE_NO_FOLLOW, mode)
    fs.fchmodSync(fd, mode)
    return { fd, file }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new ActionError(`Refusing to write ${file}: it is a symbolic link; links are never written through.`)
    throw error
  }
}

/** A stream that writes `file` afresh, never through a link in its last part (the caller has checked where it is). */
export function writeStreamNoFollow(file: string, mode = 0o644): fs.WriteStream {
  return fs.createWriteStream('', { fd: fs.openSync(file, WRITE_NO_FOLLOW, mode) })
}

/** Write `data` as `relative` inside root. */
export function writeFileInside(root: string, relative: string, data: string | Uint8Array, mode = 0o644): string {
  const { fd, file } = openForWrite(root, relative, mode)
  try {
    fs.writeFileSync(fd, data)
  } finally {
    fs.closeSync(fd)
  }
  return file
}

/** Copy the regular file `source` (never a link, FIFO or device) to `relative` inside root. */
export function copyFileInside(root: string, relative: string, source: string, mode = 0o644): string {
  const input = openRegularFile(source)
  try {
    const { fd, file } = openForWrite(root, relative, mode)
    try {
      const buffer = Buffer.alloc(1 << 20)
      for (;;) {
        const n = fs.readSync(input.fd, buffer, 0, buffer.length, null)
        if (n === 0) break
        let written = 0
        while (written < n) written += fs.writeSync(fd, buffer, written, n - written)
      }
    } finally {
      fs.closeSync(fd)
    }
    return file
  } finally {
    fs.closeSync(input.fd)
  }
}
