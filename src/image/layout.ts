/**
 * An OCI image as data: one layer per platform with the binaries under /usr/local/bin/
 * (layer.ts), its config, its manifest, and one image index over the platforms. Computed
 * in memory from bytes, deterministic; oci-dir.ts writes it out and reads bases in.
 */
import path from 'node:path'
import { ActionError } from '../errors.js'
import { createLayer, sha256, type Descriptor, type Layer, type LayerFile, BIN_DIR, MediaType } from './layer.js'

export { MediaType, BIN_DIR, sha256, type Descriptor, type LayerFile }

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

/** `linux/arm/v7` → {os: linux, architecture: arm, variant: v7}. arm64's implied v8 is dropped. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/')
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p)))
    throw new ActionError(`The platform '${text}' is not os/architecture[/variant] such as linux/arm64 or linux/arm/v7.`)
  const [os = '', architecture = '', variant] = parts
  if (architecture === 'arm64' && (variant === undefined || variant === 'v8')) return { os, architecture }
  if (architecture === 'arm' && variant === undefined) return { os, architecture, variant: 'v7' }
  return variant === undefined ? { os, architecture } : { os, architecture, variant }
}

export function platformString(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')
}

/** Same platform, with Docker's defaults: arm64 without variant is v8, arm without variant is v7. */
export function samePlatform(a: Platform, b: Platform): boolean {
  return platformString(parsePlatform(platformString(a))) === platformString(parsePlatform(platformString(b)))
}

/** The JSON bytes that are hashed and stored: compact, keys in construction order. */
export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8')
}

/** `created`, whole seconds: SOURCE_DATE_EPOCH wins (reproducible images), then the given time. */
export function createdTimestamp(sourceDateEpoch: number | undefined, fallback: Date): string {
  if (sourceDateEpoch !== undefined) return new Date(Math.floor(sourceDateEpoch) * 1000).toISOString()
  return new Date(Math.floor(fallback.getTime() / 1000) * 1000).toISOString()
}

/** The org.opencontainers.image.* labels that are known, empty ones left out. */
export function openContainersLabels(facts: { source?: string; revision?: string; version?: string; created?: string; title?: string }): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const key of ['created', 'revision', 'source', 'title', 'version'] as const) {
    const value = facts[key]
    if (value) labels[`org.opencontainers.image.${key}`] = value
  }
  return labels
}

export interface BaseConfig {
  os?: string
  architecture?: string
  variant?: string
  config?: Record<string, unknown>
  rootfs?: { diff_ids?: string[] }
  history?: unknown[]
  [key: string]: unknown
}

/** A base image for one platform, as read from an OCI layout (see readBaseImage). */
export interface BaseImage {
  /** The base's config JSON: the fields the image keeps or extends */
  config: BaseConfig
  manifest: { layers: Descriptor[]; [key: string]: unknown }
  /** Where the base's layer blobs are: files <blobDir>/<algorithm>/<hex> */
  blobDir: string
  /** For messages: where the base came from */
  name: string
}

export interface PlatformImageInput {
  platform: string
  files: LayerFile[]
  /** A binary name, or an absolute path in the image */
  entrypoint?: string
  labels: Record<string, string>
  created: string
  base?: BaseImage
}

/** A blob of the layout: its bytes, or the file that holds them (base layers). */
export interface Blob {
  digest: string
  size: number
  data?: Buffer
  file?: string
}

export interface PlatformImage {
  platform: Platform
  manifest: Descriptor
  config: Descriptor
  layers: Descriptor[]
  entrypoint?: string[]
}

export interface ImageLayout {
  /** Every blob the layout holds, sorted by digest, no duplicates */
  blobs: Blob[]
  /** The image index blob's descriptor: its digest is the multi-platform image's digest */
  index: Descriptor
  images: PlatformImage[]
  /** The OCI layout's own index.json, pointing at the image index */
  layoutIndex: Buffer
}

function entrypointFor(input: PlatformImageInput): string[] | undefined {
  const names = input.files.map((f) => f.name)
  if (input.entrypoint) {
    if (input.entrypoint.startsWith('/')) return [input.entrypoint]
    if (!names.includes(input.entrypoint))
      throw new ActionError(`The entrypoint '${input.entrypoint}' is not one of the binaries of ${input.platform} (${names.join(', ') || 'none'}); give one of them or an absolute path.`)
    return [`/${BIN_DIR}/${input.entrypoint}`]
  }
  if (names.length === 1) return [`/${BIN_DIR}/${names[0]}`]
  if (input.base) return undefined // the base's Entrypoint/Cmd stay
  throw new ActionError(
    `${input.platform} has ${names.length} binaries (${names.join(', ') || 'none'}) and no entrypoint: name the one to run (image-entrypoint), or use a base image with a command of its own.`,
  )
}

function normalizeBaseLayer(layer: Descriptor, base: BaseImage): Descriptor {
  const mediaType = layer.mediaType === MediaType.DockerLayerGzip ? MediaType.LayerGzip : layer.mediaType === 'application/vnd.docker.image.rootfs.diff.tar' ? MediaType.LayerTar : layer.mediaType
  if (!mediaType.startsWith('application/vnd.oci.image.layer.v1.tar') || mediaType.includes('nondistributable'))
    throw new ActionError(`The base image ${base.name} has a layer of type ${layer.mediaType}, which cannot be reused.`)
  return { mediaType, digest: layer.digest, size: layer.size }
}

export interface ImageConfigParts {
  platform: Platform
  created: string
  layer: Layer
  entrypoint?: string[]
  labels: Record<string, string>
  base?: BaseImage
  createdBy: string
}

/** The OCI image config: the base's config (Env, WorkingDir, User...) with our layer, entrypoint and labels on top. */
export function imageConfig(parts: ImageConfigParts): Record<string, unknown> {
  const base: BaseConfig = parts.base?.config ?? {}
  const baseRun = base.config ?? {}
  const baseDiffIds: string[] = base.rootfs?.diff_ids ?? []
  const run: Record<string, unknown> = { ...baseRun }
  if (!Array.isArray(run.Env)) run.Env = [DEFAULT_PATH]
  if (parts.entrypoint) {
    run.Entrypoint = parts.entrypoint
    // As a Dockerfile ENTRYPOINT does: the base's Cmd would become the binary's arguments.
    delete run.Cmd
  }
  const labels = { ...((baseRun.Labels as Record<string, string> | null) ?? {}), ...parts.labels }
  run.Labels = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))
  const history = [...(base.history ?? []), { created: parts.created, created_by: parts.createdBy, comment: 'rust-xbuild' }]
  return {
    created: parts.created,
    architecture: parts.platform.architecture,
    os: parts.platform.os,
    ...(parts.platform.variant ? { variant: parts.platform.variant } : {}),
    config: run,
    rootfs: { type: 'layers', diff_ids: [...baseDiffIds, parts.layer.diffId] },
    history,
  }
}

export function imageManifest(config: Descriptor, layers: readonly Descriptor[], annotations?: Record<string, string>): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: MediaType.Manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  }
}

export function imageIndex(manifests: readonly { descriptor: Descriptor; platform: Platform }[], annotations?: Record<string, string>): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: MediaType.Index,
    manifests: manifests.map(({ descriptor, platform }) => ({
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
      platform: { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}) },
    })),
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  }
}

export interface AssembleOptions {
  /** Annotations of the image index (org.opencontainers.image.* are shown by ghcr.io) */
  annotations?: Record<string, string>
  /** The name recorded in the layout's index.json (`org.opencontainers.image.ref.name`): a tag, or a full reference for docker load */
  refName?: string
  createdBy?: string
}

/** The whole multi-platform image as data. Platforms are sorted; the same inputs give the same bytes. */
export async function assembleImage(inputs: readonly PlatformImageInput[], options: AssembleOptions = {}): Promise<ImageLayout> {
  if (!inputs.length) throw new ActionError('No platform to build an image for: none of the merged targets has a Docker platform.')
  const blobs = new Map<string, Blob>()
  const put = (blob: Blob) => blobs.set(blob.digest, blob)
  const images: PlatformImage[] = []
  const sorted = [...inputs].map((input) => ({ input, platform: parsePlatform(input.platform) })).sort((a, b) => (platformString(a.platform) < platformString(b.platform) ? -1 : 1))
  const names = sorted.map(({ platform }) => platformString(platform))
  const twice = names.find((name, i) => names.indexOf(name) !== i)
  if (twice) throw new ActionError(`The platform ${twice} is given twice (two targets with the same Docker platform, e.g. gnu and musl); merge only one of them into the image.`)
  for (const { input, platform } of sorted) {
    if (!input.files.length) throw new ActionError(`${input.platform} has no binaries to put in the image.`)
    const base = input.base
    if (base) {
      const basePlatform: Platform = { os: base.config.os ?? '?', architecture: base.config.architecture ?? '?', ...(base.config.variant ? { variant: base.config.variant } : {}) }
      if (!samePlatform(basePlatform, platform)) throw new ActionError(`The base image ${base.name} is ${platformString(basePlatform)}, not ${platformString(platform)}.`)
    }
    const layer = await createLayer(input.files, input.created)
    const entrypoint = entrypointFor(input)
    const baseLayers = base ? base.manifest.layers.map((l) => normalizeBaseLayer(l, base)) : []
    const baseDiffIds: unknown[] = base?.config.rootfs?.diff_ids ?? []
    if (base && baseDiffIds.length !== baseLayers.length) throw new ActionError(`The base image ${base.name} has ${baseLayers.length} layers but ${baseDiffIds.length} diff_ids.`)
    const configBytes = jsonBytes(
      imageConfig({
        platform,
        created: input.created,
        layer,
        entrypoint,
        labels: input.labels,
        base,
        createdBy: options.createdBy ?? `rust-xbuild: ${input.files.map((f) => f.name).join(' ')} in /${BIN_DIR}/`,
      }),
    )
    const config: Descriptor = { mediaType: MediaType.Config, digest: sha256(configBytes), size: configBytes.length }
    const layers = [...baseLayers, layer.descriptor]
    const manifestBytes = jsonBytes(imageManifest(config, layers))
    const manifest: Descriptor = { mediaType: MediaType.Manifest, digest: sha256(manifestBytes), size: manifestBytes.length }
    for (const l of baseLayers) put({ digest: l.digest, size: l.size, file: path.join(base?.blobDir ?? '', ...l.digest.split(':')) })
    put({ digest: layer.descriptor.digest, size: layer.descriptor.size, data: layer.blob })
    put({ digest: config.digest, size: config.size, data: configBytes })
    put({ digest: manifest.digest, size: manifest.size, data: manifestBytes })
    images.push({ platform, manifest: { ...manifest, platform }, config, layers, entrypoint })
  }
  const indexBytes = jsonBytes(
    imageIndex(
      images.map((image) => ({ descriptor: image.manifest, platform: image.platform })),
      options.annotations,
    ),
  )
  const index: Descriptor = { mediaType: MediaType.Index, digest: sha256(indexBytes), size: indexBytes.length }
  put({ digest: index.digest, size: index.size, data: indexBytes })
  const layoutIndex = jsonBytes({
    schemaVersion: 2,
    mediaType: MediaType.Index,
    manifests: [{ ...index, ...(options.refName ? { annotations: { 'org.opencontainers.image.ref.name': options.refName } } : {}) }],
  })
  return { blobs: [...blobs.values()].sort((a, b) => (a.digest < b.digest ? -1 : 1)), index, images, layoutIndex }
}
