/**
 * The image's edges on disk: the binaries read in, the OCI image layout written out
 * (oci-layout, index.json, blobs/sha256/<hex>), a base image read back from the layout
 * skopeo fetched, and `image-archive`: the layout as one plain tar with the same bytes for
 * the same layout (entries sorted, uid/gid 0, no names, one mtime; the layers inside are
 * already compressed).
 */
import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'
import { ActionError } from '../errors.js'
import { copyFileInside, writeFileInside, writeStreamNoFollow } from '../common/paths.js'
import { jsonBytes, type BaseImage, type ImageLayout } from './layout.js'
import { MediaType, sha256, type Descriptor, type LayerFile } from './layer.js'

export interface BinaryInput {
  name: string
  path: string
  mode?: number
}

export function readBinaries(binaries: readonly BinaryInput[]): LayerFile[] {
  return binaries.map((b) => ({ name: b.name, data: fs.readFileSync(b.path), mode: b.mode ?? 0o755 }))
}

/** Write the OCI image layout: oci-layout, index.json, blobs/sha256/<hex>. The directory is emptied first. */
export function writeLayout(layout: ImageLayout, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true })
  writeFileInside(dir, 'oci-layout', jsonBytes({ imageLayoutVersion: '1.0.0' }))
  writeFileInside(dir, 'index.json', layout.layoutIndex)
  for (const blob of layout.blobs) {
    // A base image's digests come from a registry: each must be one algorithm and one hex name.
    const [algorithm = '', hex = ''] = blob.digest.split(':')
    if (!/^[a-z0-9]+$/.test(algorithm) || !/^[a-f0-9]+$/.test(hex)) throw new ActionError(`Malformed digest ${JSON.stringify(blob.digest)} in the image layout.`)
    const target = `blobs/${algorithm}/${hex}`
    if (blob.data) writeFileInside(dir, target, blob.data)
    else if (blob.file) {
      const size = fs.statSync(blob.file).size
      if (size !== blob.size) throw new ActionError(`The base layer ${blob.digest} has ${size} bytes in ${blob.file}, its manifest says ${blob.size}.`)
      copyFileInside(dir, target, blob.file)
    }
  }
}

function readBlob(dir: string, digest: string): Buffer {
  const [algorithm = '', hex = ''] = digest.split(':')
  if (!/^[a-z0-9]+$/.test(algorithm) || !/^[a-f0-9]+$/.test(hex)) throw new ActionError(`Malformed digest ${digest} in ${dir}.`)
  const data = fs.readFileSync(path.join(dir, 'blobs', algorithm, hex))
  if (algorithm === 'sha256' && sha256(data) !== digest) throw new ActionError(`The blob ${digest} in ${dir} does not match its digest.`)
  return data
}

/** Read a single-platform image from an OCI layout (as `skopeo copy docker://base@digest oci:<dir>` writes it). */
export function readBaseImage(dir: string, name: string): BaseImage {
  const layoutIndex = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'))
  const entries: Descriptor[] = layoutIndex.manifests ?? []
  const [entry] = entries
  if (!entry || entries.length !== 1) throw new ActionError(`The base image layout ${dir} holds ${entries.length} images, expected one.`)
  const manifest = JSON.parse(readBlob(dir, entry.digest).toString('utf8'))
  if (manifest.mediaType !== undefined && manifest.mediaType !== MediaType.Manifest)
    throw new ActionError(`The base image ${name} in ${dir} is a ${manifest.mediaType}, expected one platform's OCI manifest.`)
  const config = JSON.parse(readBlob(dir, manifest.config.digest).toString('utf8'))
  return { config, manifest, blobDir: path.join(dir, 'blobs'), name }
}

interface Entry {
  name: string
  file: string
  directory: boolean
}

function walk(root: string, relative = ''): Entry[] {
  const entries: Entry[] = []
  const names = fs.readdirSync(path.join(root, relative)).sort()
  for (const name of names) {
    const rel = relative ? `${relative}/${name}` : name
    const file = path.join(root, rel)
    const stat = fs.lstatSync(file)
    if (stat.isDirectory()) {
      entries.push({ name: `${rel}/`, file, directory: true })
      entries.push(...walk(root, rel))
    } else if (stat.isFile()) entries.push({ name: rel, file, directory: false })
    else throw new ActionError(`${file} is neither a file nor a folder; an OCI layout holds only those.`)
  }
  return entries
}

/** Write `dir` (an OCI layout) as the tar `file`. `created` fixes every entry's mtime. */
export async function writeArchive(dir: string, file: string, created: string): Promise<void> {
  const mtime = new Date(Math.floor(Date.parse(created) / 1000) * 1000)
  const pack = tar.pack()
  const common = { uid: 0, gid: 0, uname: '', gname: '', mtime }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const written = pipeline(pack, writeStreamNoFollow(file))
  for (const entry of walk(dir)) {
    if (entry.directory) {
      await new Promise<void>((resolve, reject) => pack.entry({ ...common, name: entry.name, type: 'directory', mode: 0o755 }, (e) => (e ? reject(e) : resolve())))
      continue
    }
    const size = fs.statSync(entry.file).size
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ ...common, name: entry.name, type: 'file', mode: 0o644, size }, (e) => (e ? reject(e) : resolve()))
      fs.createReadStream(entry.file).on('error', reject).pipe(sink)
    })
  }
  pack.finalize()
  await written
}
