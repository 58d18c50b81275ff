/**
 * One image layer: a tar with usr/, usr/local/, usr/local/bin/ and the binaries, every
 * header field set (uid/gid 0, no user names, one mtime) so the same binaries give the
 * same bytes; gzip'd by zlib (no file name, mtime 0). The diff_id hashes the plain tar.
 */
import { createHash } from 'node:crypto'
import zlib from 'node:zlib'
import tar from 'tar-stream'
import { ActionError } from '../errors.js'

export const MediaType = {
  Index: 'application/vnd.oci.image.index.v1+json',
  Manifest: 'application/vnd.oci.image.manifest.v1+json',
  Config: 'application/vnd.oci.image.config.v1+json',
  LayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  LayerTar: 'application/vnd.oci.image.layer.v1.tar',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const

export const BIN_DIR = 'usr/local/bin'

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { os: string; architecture: string; variant?: string }
  annotations?: Record<string, string>
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

export interface LayerFile {
  /** File name under /usr/local/bin */
  name: string
  data: Buffer
  /** Permission bits; 0o755 by default */
  mode?: number
}

export interface Layer {
  /** The gzip'd tar: the blob */
  blob: Buffer
  descriptor: Descriptor
  /** sha256 of the uncompressed tar (rootfs.diff_ids) */
  diffId: string
}

function checkFileName(name: string): void {
  if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) throw new ActionError(`The binary name '${name}' is not a plain file name.`)
}

/**
 * One tar layer: usr/, usr/local/, usr/local/bin/, then the files sorted by name; uid/gid
 * 0, no user names, mtime from `created`; gzip with no file name and mtime 0.
 */
export async function createLayer(files: readonly LayerFile[], created: string): Promise<Layer> {
  const mtime = new Date(Math.floor(Date.parse(created) / 1000) * 1000)
  if (Number.isNaN(mtime.getTime())) throw new ActionError(`The creation time '${created}' is not an ISO date.`)
  const seen = new Set<string>()
  for (const file of files) {
    checkFileName(file.name)
    if (seen.has(file.name)) throw new ActionError(`The binary ${file.name} is given twice for one platform.`)
    seen.add(file.name)
  }
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (chunk) => chunks.push(chunk as Buffer))
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve)
    pack.on('error', reject)
  })
  const common = { uid: 0, gid: 0, uname: '', gname: '', mtime }
  const add = (header: Partial<tar.Header> & { name: string }, data?: Buffer) =>
    new Promise<void>((resolve, reject) => pack.entry({ ...common, ...header } as tar.Header, data ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve())))
  for (const dir of ['usr/', 'usr/local/', `${BIN_DIR}/`]) await add({ name: dir, type: 'directory', mode: 0o755 })
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    await add({ name: `${BIN_DIR}/${file.name}`, type: 'file', mode: (file.mode ?? 0o755) & 0o7777, size: file.data.length }, file.data)
  pack.finalize()
  await done
  const tarBytes = Buffer.concat(chunks)
  const blob = zlib.gzipSync(tarBytes, { level: zlib.constants.Z_DEFAULT_COMPRESSION })
  return { blob, diffId: sha256(tarBytes), descriptor: { mediaType: MediaType.LayerGzip, digest: sha256(blob), size: blob.length } }
}
