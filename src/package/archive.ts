/**
 * Archive writers with no dependency: ustar (then gzip with zlib, or zstd through the
 * system `zstd`) and zip (deflate). Modes are kept, so an extracted binary is executable
 * on Linux and macOS; owners are root/0 and times fixed, so re-running gives the same bytes.
 */
import fs from 'node:fs'
import zlib from 'node:zlib'
import { ActionError } from '../errors.js'
import { exec, which } from '../exec.js'
import { type ArchiveFormat } from '../inputs/packaging.js'

export interface MemberFile {
  /** Relative name with `/` separators */
  name: string
  data: Buffer
  /** Permission bits (0o755) */
  mode: number
  /** Seconds since the epoch */
  mtime: number
}

const BLOCK = 512

function octal(value: number, width: number): string {
  // width - 1 digits and a NUL, as GNU and BSD tar write them.
  const digits = value.toString(8)
  if (digits.length > width - 1) throw new ActionError(`A value (${value}) does not fit a tar header field.`)
  return `${digits.padStart(width - 1, '0')}\0`
}

/** ustar splits a long name into a prefix (≤155 bytes) and a name (≤100 bytes) at a slash. */
function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name }
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i)
    const rest = name.slice(i + 1)
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { prefix, name: rest }
  }
  throw new ActionError(`The archive member name '${name}' is too long for a tar archive (ustar: 100 bytes, or 255 with folders).`)
}

function tarHeader(file: MemberFile): Buffer {
  const header = Buffer.alloc(BLOCK)
  const { prefix, name } = splitName(file.name)
  const put = (text: string, offset: number, width: number): void => {
    header.write(text, offset, width, 'utf8')
  }
  put(name, 0, 100)
  put(octal(file.mode & 0o7777, 8), 100, 8)
  put(octal(0, 8), 108, 8)
  put(octal(0, 8), 116, 8)
  put(octal(file.data.length, 12), 124, 12)
  put(octal(Math.max(0, Math.floor(file.mtime)), 12), 136, 12)
  put('        ', 148, 8)
  put('0', 156, 1)
  put('ustar\0', 257, 6)
  put('00', 263, 2)
  put('root', 265, 32)
  put('root', 297, 32)
  put(prefix, 345, 155)
  let sum = 0
  for (const byte of header) sum += byte
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8)
  return header
}

export function tarArchive(files: readonly MemberFile[]): Buffer {
  const parts: Buffer[] = []
  for (const file of files) {
    parts.push(tarHeader(file), file.data)
    const padding = (BLOCK - (file.data.length % BLOCK)) % BLOCK
    if (padding) parts.push(Buffer.alloc(padding))
  }
  parts.push(Buffer.alloc(BLOCK * 2))
  return Buffer.concat(parts)
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

export function crc32(data: Buffer): number {
  let crc = 0xffffffff
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/** MS-DOS date and time (local fields taken as UTC, 2-second steps, 1980 at the earliest). */
function dosDateTime(mtime: number): { time: number; date: number } {
  const when = new Date(Math.max(mtime * 1000, Date.UTC(1980, 0, 1)))
  return {
    time: (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2),
    date: ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate(),
  }
}

/** A zip with deflated members; "made by Unix" with the mode in the external attributes, so unzip restores it. */
export function zipArchive(files: readonly MemberFile[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8')
    const compressed = zlib.deflateRawSync(file.data, { level: 9 })
    if (file.data.length >= 0xffffffff || offset >= 0xffffffff) throw new ActionError(`${file.name} is too large for a zip without zip64; use archive: tar.gz.`)
    const crc = crc32(file.data)
    const { time, date } = dosDateTime(file.mtime)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(8, 8)
    local.writeUInt16LE(time, 10)
    local.writeUInt16LE(date, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(file.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, zip 2.0
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt16LE(time, 12)
    central.writeUInt16LE(date, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(compressed.length, 20)
    central.writeUInt32LE(file.data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE((((0o100000 | (file.mode & 0o7777)) << 16) >>> 0) as number, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, compressed)
    centrals.push(central, name)
    offset += local.length + name.length + compressed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(files.length, 8)
  end.writeUInt16LE(files.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

/** Write one archive of the given format to `output`. */
export async function writeArchive(format: ArchiveFormat, files: readonly MemberFile[], output: string): Promise<void> {
  if (format === 'zip') {
    fs.writeFileSync(output, zipArchive(files))
    return
  }
  const tar = tarArchive(files)
  if (format === 'tar.gz') {
    fs.writeFileSync(output, zlib.gzipSync(tar, { level: 9 }))
    return
  }
  // Node 20 has no zstd; the runners' images have the zstd program.
  if (!(await which('zstd'))) throw new ActionError('archive: tar.zst needs the zstd program on PATH (apt-get install zstd, brew install zstd); or use archive: tar.gz.')
  const temporary = `${output}.tar`
  fs.writeFileSync(temporary, tar)
  try {
    await exec('zstd', ['-q', '-f', '-19', '-T0', '-o', output, temporary])
  } finally {
    fs.rmSync(temporary, { force: true })
  }
}
