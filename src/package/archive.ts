/**
 * Archives through archiver (tar-stream and zip-stream underneath, already in the
 * bundle through @actions/artifact): members streamed from disk in the given order, with
 * normalised modes, owner 0 and one fixed time, so the same files give the same bytes
 * wherever they were checked out. zip switches to zip64 by itself past 4 GiB or 65,535
 * members; tar.zst compresses a library-written tar with the system zstd.
 */
import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { Transform, type TransformCallback } from 'node:stream'
import zlib from 'node:zlib'
import type archiver from 'archiver'
import { ActionError } from '../errors.js'
import { exec, which } from '../exec.js'
import { type ArchiveFormat } from '../inputs/packaging.js'
import { writeStreamNoFollow } from '../common/paths.js'

export interface MemberFile {
  /** Relative name with `/` separators */
  name: string
  /** The file on disk, read as the archive is written */
  source: string
  /** Permission bits (0o755 or 0o644, see normalMode) */
  mode: number
  /** Seconds since the epoch */
  mtime: number
}

/** 0755 for anything executable, 0644 otherwise: a checkout's umask must not change the bytes. */
export function normalMode(statMode: number): number {
  return statMode & 0o111 ? 0o755 : 0o644
}

// Pinned, since memLevel and windowBits change the deflate stream (measured).
const GZIP_OPTIONS: zlib.ZlibOptions = { level: 9, memLevel: 8, windowBits: 15 }
const GZIP_OS_BYTE = 9
const GZIP_OS_UNIX = 3

/**
 * zlib writes no name and a zero time in the gzip header, but its OS byte is the
 * platform zlib was built for: set it to Unix so every runner writes the same header.
 */
function fixedGzipHeader(): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (seen <= GZIP_OS_BYTE && seen + chunk.length > GZIP_OS_BYTE) {
        chunk = Buffer.from(chunk)
        chunk[GZIP_OS_BYTE - seen] = GZIP_OS_UNIX
      }
      seen += chunk.length
      done(null, chunk)
    },
  })
}

type Archiver = typeof archiver

function archiveOf(create: Archiver, format: 'tar' | 'zip', files: readonly MemberFile[]): archiver.Archiver {
  // zip: deflate 9, times as UTC (zip-stream's default), no comment; unix modes in the external attributes.
  // statConcurrency 1: archiver queues a member when its stat returns, so parallel stats would shuffle the order.
  const archive = format === 'zip' ? create('zip', { zlib: { level: 9 }, statConcurrency: 1 }) : create('tar', { statConcurrency: 1 })
  for (const file of files) {
    // The real path: archiver stores a link as a link, and an included link must arrive as the file it names.
    archive.file(fs.realpathSync(file.source), { name: file.name, mode: file.mode, date: new Date(file.mtime * 1000) })
  }
  // archiver only warns when a member cannot be read, and leaves it out: that is an error here.
  archive.on('warning', (error) => archive.destroy(error))
  void archive.finalize()
  return archive
}

/** Write one archive of the given format to `output`, streaming every member from disk. */
export async function writeArchive(format: ArchiveFormat, files: readonly MemberFile[], output: string): Promise<void> {
  // Loaded when packaging: it shares a bundle chunk with the artifact client, off the start-up path.
  const { default: create } = await import('archiver')
  if (format === 'zip') return pipeline(archiveOf(create, 'zip', files), writeStreamNoFollow(output))
  if (format === 'tar.gz') return pipeline(archiveOf(create, 'tar', files), zlib.createGzip(GZIP_OPTIONS), fixedGzipHeader(), writeStreamNoFollow(output))
  // Node 20 has no zstd; the runners' images have the zstd program (its output does not depend on -T, measured).
  if (!(await which('zstd'))) throw new ActionError('archive: tar.zst needs the zstd program on PATH (apt-get install zstd, brew install zstd); or use archive: tar.gz.')
  const temporary = `${output}.tar`
  await pipeline(archiveOf(create, 'tar', files), writeStreamNoFollow(temporary))
  try {
    await exec('zstd', ['-q', '-f', '-19', '-T0', '-o', output, temporary])
  } finally {
    fs.rmSync(temporary, { force: true })
  }
}
