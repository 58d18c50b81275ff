/**
 * The image step of the merge: the merged binaries of every target with a Docker platform
 * checked (nothing dynamic on scratch), the base fetched per platform, the multi-platform
 * image assembled as data, written as an OCI layout (and archive), then pushed to each
 * reference. Nothing is pushed before every check has passed.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { MergeInput } from '../common/constants.js'
import { ActionError, errorMessage } from '../errors.js'
import { readBinary } from '../verify/elf.js'
import { credentialsFor, refuseDynamicOnScratch, type ImageInputs } from './inputs.js'
import { assembleImage, openContainersLabels, parsePlatform, platformString, type BaseImage, type PlatformImageInput } from './layout.js'
import { readBinaries, writeArchive, writeLayout } from './oci-dir.js'
import { Skopeo, type PushResult } from './registry.js'

export interface ImageTarget {
  target: string
  /** Docker platform, e.g. linux/arm/v7 */
  platform: string
  binaries: { name: string; path: string }[]
}

export interface ImageContext {
  tempDir: string
  workspace: string
  /** ISO time, whole seconds */
  created: string
  /** source, revision, version */
  labels: { source?: string; revision?: string; version?: string }
  workflow: { actor?: string; token?: string }
}

export interface ImagePlatformResult {
  platform: string
  target: string
  /** The platform's manifest digest */
  digest: string
}

export interface ImageResult {
  /** The image index's digest */
  digest: string
  references: string[]
  platforms: ImagePlatformResult[]
  archive?: string
  pushes: (PushResult & { reference: string })[]
  milliseconds: number
}

async function fetchBase(skopeo: Skopeo, inputs: ImageInputs, platform: string, dir: string, context: ImageContext): Promise<BaseImage | undefined> {
  if (!inputs.base) return undefined
  const credentials = credentialsFor(inputs.base.registry, inputs, context.workflow)
  try {
    return await skopeo.pullPlatform(inputs.base, parsePlatform(platform), dir, credentials)
  } catch (error) {
    throw new ActionError(`Input '${MergeInput.ImageBase}' has the value '${inputs.base.canonical}': ${errorMessage(error)}`)
  }
}

export async function buildImage(inputs: ImageInputs, targets: readonly ImageTarget[], context: ImageContext): Promise<ImageResult> {
  const started = Date.now()
  if (!targets.length) throw new ActionError('No merged target has a Docker platform, so there is nothing to put in an image; merge linux targets (x86_64, aarch64, armv7...).')
  if (!inputs.base) refuseDynamicOnScratch(targets.flatMap((t) => t.binaries.map((b) => ({ target: t.target, name: b.name, info: readBinary(fs.readFileSync(b.path)) }))))

  const skopeo = new Skopeo({ tempDir: path.join(context.tempDir, 'skopeo') })
  const created = context.created
  const platformInputs: PlatformImageInput[] = []
  for (const target of targets) {
    const base = await fetchBase(skopeo, inputs, target.platform, path.join(context.tempDir, 'base', platformString(parsePlatform(target.platform)).replace(/\//g, '-')), context)
    if (base) core.info(`Base for ${target.platform}: ${base.name}, ${base.manifest.layers.length} layer(s)`)
    platformInputs.push({
      platform: target.platform,
      files: readBinaries(target.binaries),
      entrypoint: inputs.entrypoint,
      labels: openContainersLabels({ ...context.labels, created }),
      created,
      base,
    })
  }
  const first = inputs.references[0]
  const layout = await assembleImage(platformInputs, {
    annotations: openContainersLabels({ ...context.labels, created }),
    refName: first?.tag,
  })
  const layoutDir = path.join(context.tempDir, 'layout')
  writeLayout(layout, layoutDir)
  core.info(`Image index ${layout.index.digest}: ${layout.images.map((image) => `${platformString(image.platform)} ${image.manifest.digest}`).join(', ')}`)

  let archive: string | undefined
  if (inputs.archive) {
    archive = path.resolve(context.workspace, inputs.archive)
    await writeArchive(layoutDir, archive, created)
    core.info(`Wrote the OCI archive ${archive} (${fs.statSync(archive).size} bytes)`)
  }

  const pushes: ImageResult['pushes'] = []
  for (const reference of inputs.references) {
    const pushed = await skopeo.push(layoutDir, reference, credentialsFor(reference.registry, inputs, context.workflow))
    if (pushed.digest !== layout.index.digest) throw new ActionError(`${reference.canonical} was pushed with the digest ${pushed.digest}, not the built ${layout.index.digest}.`)
    core.info(pushed.output.trimEnd())
    core.info(`Pushed ${reference.canonical}@${pushed.digest}: ${pushed.uploaded.length} blob(s) uploaded, ${pushed.skipped.length} already there.`)
    pushes.push({ ...pushed, reference: reference.canonical })
  }
  const byPlatform = new Map(targets.map((t) => [platformString(parsePlatform(t.platform)), t.target]))
  return {
    digest: layout.index.digest,
    references: inputs.references.map((reference) => reference.canonical),
    platforms: layout.images.map((image) => ({ platform: platformString(image.platform), target: byPlatform.get(platformString(image.platform)) ?? '', digest: image.manifest.digest })),
    ...(archive ? { archive } : {}),
    pushes,
    milliseconds: Date.now() - started,
  }
}
