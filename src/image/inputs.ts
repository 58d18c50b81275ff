/**
 * The image inputs of the merge action, checked once, and the pure rules around them:
 * which registry credentials apply, the org.opencontainers.image.* facts of the workflow,
 * and the refusal of dynamically linked binaries on scratch.
 */
import { MergeInput } from '../common/constants.js'
import { ActionError, InputError } from '../errors.js'
import { isSafeRelativePath } from '../inputs/packaging.js'
import { optional, parseList, type InputReader } from '../inputs/readers.js'
import type { BinaryInfo } from '../verify/elf.js'
import { parsePushReference, parseReference, type ImageReference } from './reference.js'

export interface Credentials {
  username: string
  password: string
}

export interface ImageInputs {
  /** Where to push; empty with only an archive */
  references: ImageReference[]
  /** undefined: scratch */
  base?: ImageReference
  entrypoint?: string
  /** Path of the OCI archive, relative to the workspace */
  archive?: string
  credentials?: Credentials
}

/** undefined when neither `image` nor `image-archive` asks for an image. */
export function parseImageInputs(read: InputReader): ImageInputs | undefined {
  const references = parseList(read(MergeInput.Image)).map((text) => parsePushReference(text, MergeInput.Image))
  const archiveValue = read(MergeInput.ImageArchive).trim()
  if (!references.length && !archiveValue) return undefined
  let archive: string | undefined
  if (archiveValue) {
    archive = archiveValue.replace(/\\/g, '/').replace(/^\.\//, '')
    if (!isSafeRelativePath(archive) || archive.endsWith('/'))
      throw new InputError(MergeInput.ImageArchive, archiveValue, 'expected a file path inside the workspace, relative to it, such as image.tar.')
  }
  const baseValue = read(MergeInput.ImageBase).trim()
  const base = baseValue === '' || baseValue === 'scratch' ? undefined : parseReference(baseValue, MergeInput.ImageBase)
  const entrypoint = optional(read(MergeInput.ImageEntrypoint))
  if (entrypoint && !entrypoint.startsWith('/') && !/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(entrypoint))
    throw new InputError(MergeInput.ImageEntrypoint, entrypoint, 'expected the name of one of the binaries (app) or an absolute path in the image (/usr/local/bin/app).')
  const username = optional(read(MergeInput.RegistryUsername))
  const password = optional(read(MergeInput.RegistryPassword))
  if (username?.includes(':')) throw new InputError(MergeInput.RegistryUsername, username, 'a user name cannot contain ":" (basic authentication cannot carry it).')
  if (Boolean(username) !== Boolean(password)) {
    const [input, value] = username ? [MergeInput.RegistryPassword, ''] : [MergeInput.RegistryUsername, '']
    throw new InputError(input, value, 'registry-username and registry-password go together; set both, or neither for ghcr.io with the workflow token.')
  }
  const hosts = new Set(references.map((reference) => reference.registry))
  if (username && hosts.size > 1)
    throw new InputError(
      MergeInput.Image,
      references.map((r) => r.canonical).join(', '),
      'one registry-username/registry-password pair cannot serve several registries; push to one registry per merge step.',
    )
  return { references, base, entrypoint, archive, credentials: username && password ? { username, password } : undefined }
}

/**
 * The credentials for a registry: the inputs' when given for it, else the workflow token
 * as github.actor for ghcr.io, else none (skopeo's own auth files then apply, so a
 * docker/login-action step before still works).
 */
export function credentialsFor(registry: string, inputs: ImageInputs, workflow: { actor?: string; token?: string }): Credentials | undefined {
  const pushing = inputs.references.some((reference) => reference.registry === registry)
  if (inputs.credentials && (pushing || !inputs.references.length)) return inputs.credentials
  if (registry === 'ghcr.io' && workflow.token) return { username: workflow.actor || 'github-actions', password: workflow.token }
  return undefined
}

export interface WorkflowFacts {
  serverUrl: string
  repository?: string
  sha?: string
  ref?: string
}

/** source, revision and version from the workflow: the version is the pushed tag's name, else the first image tag other than latest. */
export function workflowLabels(facts: WorkflowFacts, references: readonly ImageReference[]): { source?: string; revision?: string; version?: string } {
  const tag = facts.ref?.startsWith('refs/tags/') ? facts.ref.slice('refs/tags/'.length) : undefined
  const version = tag ?? references.map((reference) => reference.tag).find((name) => name && name !== 'latest')
  return {
    ...(facts.repository ? { source: `${facts.serverUrl.replace(/\/+$/, '')}/${facts.repository}` } : {}),
    ...(facts.sha ? { revision: facts.sha } : {}),
    ...(version ? { version } : {}),
  }
}

export interface ImageBinary {
  target: string
  name: string
  info: BinaryInfo
}

/** On scratch there is no loader and no libc: a binary with PT_INTERP or DT_NEEDED cannot start. */
export function refuseDynamicOnScratch(binaries: readonly ImageBinary[]): void {
  const dynamic = binaries.filter((binary) => binary.info.format === 'elf' && (binary.info.interpreter !== undefined || binary.info.needed.length > 0))
  if (!dynamic.length) return
  const list = dynamic.map((b) => `${b.target}/${b.name} (${b.info.interpreter ? `interpreter ${b.info.interpreter}` : `needs ${b.info.needed.join(', ')}`})`).join('; ')
  throw new ActionError(
    `Dynamically linked binaries cannot run on a scratch image, which has no dynamic loader and no C library: ${list}. Build them static (a musl target, libc: musl, or rustflags: -C target-feature=+crt-static for gnu), or set image-base to an image with a libc, such as gcr.io/distroless/cc-debian12.`,
  )
}
