/**
 * Registries through skopeo (the protocol, bearer tokens and retries are its job): push an
 * OCI layout with all its platforms, read raw manifests, fetch one platform of a base
 * image. Credentials go through a temporary auth file (mode 0600, removed afterwards),
 * never the command line; TLS checks are off only for loopback registries. The argument
 * builders and the output parser are pure.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ActionError } from '../errors.js'
import { exec, type ExecResult } from '../exec.js'
import { MediaType, platformString, samePlatform, sha256, type BaseImage, type Platform } from './layout.js'
import { readBaseImage } from './oci-dir.js'
import { withDigest, type ImageReference } from './reference.js'

/** A skopeo failure: what was being done, the command (no secrets are on it) and the end of its output, with a hint for refused credentials. */
export class SkopeoError extends ActionError {
  constructor(args: readonly string[], result: ExecResult, what: string) {
    const tail = (result.stderr.trim() || result.stdout.trim())
      .split('\n')
      .filter((line) => !/level=debug/.test(line))
      .slice(-10)
      .join('\n')
    const denied = /unauthorized|authentication required|denied/i.test(tail)
      ? '\nThe registry refused the credentials: set registry-username and registry-password (for ghcr.io the workflow token needs permissions: packages: write).'
      : ''
    super(`${what} failed: skopeo ${args.join(' ')} exited with ${result.code}${tail ? `:\n${tail}` : ''}${denied}`)
    this.name = 'SkopeoError'
  }
}

export interface Credentials {
  username: string
  password: string
}

/** containers-auth.json(5): {"auths": {"<registry>": {"auth": base64(user:pass)}}}. */
export function authFileJson(registry: string, credentials: Credentials): string {
  if (credentials.username.includes(':')) throw new ActionError(`The registry user name '${credentials.username}' contains ':', which basic authentication cannot carry.`)
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')
  return `${JSON.stringify({ auths: { [registry]: { auth } } }, null, 2)}\n`
}

export interface CommonOptions {
  /** Path of a trust policy file (skopeo --policy); the system's when not given */
  policyFile?: string
  retryTimes: number
  /** skopeo --command-timeout, e.g. 10m */
  commandTimeout: string
}

function globalArgs(options: CommonOptions): string[] {
  return [...(options.policyFile ? ['--policy', options.policyFile] : []), '--command-timeout', options.commandTimeout]
}

export function pushArgs(layoutDir: string, reference: ImageReference, options: CommonOptions & { authFile?: string; digestFile: string }): string[] {
  return [
    ...globalArgs(options),
    // For the "Skipping blob … (already present)" lines; debug output names URLs, never credentials.
    '--debug',
    'copy',
    '--all',
    '--preserve-digests',
    '--retry-times',
    String(options.retryTimes),
    '--digestfile',
    options.digestFile,
    ...(options.authFile ? ['--dest-authfile', options.authFile] : []),
    ...(reference.loopback ? ['--dest-tls-verify=false'] : []),
    `oci:${layoutDir}`,
    `docker://${reference.canonical}`,
  ]
}

export function inspectRawArgs(reference: ImageReference, options: CommonOptions & { authFile?: string }): string[] {
  return [
    ...globalArgs(options),
    'inspect',
    '--raw',
    '--retry-times',
    String(options.retryTimes),
    ...(options.authFile ? ['--authfile', options.authFile] : []),
    ...(reference.loopback ? ['--tls-verify=false'] : []),
    `docker://${reference.canonical}`,
  ]
}

export function pullArgs(reference: ImageReference, layoutDir: string, options: CommonOptions & { authFile?: string }): string[] {
  return [
    ...globalArgs(options),
    'copy',
    '--retry-times',
    String(options.retryTimes),
    ...(options.authFile ? ['--src-authfile', options.authFile] : []),
    ...(reference.loopback ? ['--src-tls-verify=false'] : []),
    `docker://${reference.canonical}`,
    `oci:${layoutDir}`,
  ]
}

export interface CopyReport {
  /** Blobs (layers and configs) that were uploaded */
  uploaded: string[]
  /** Blobs the registry already had: not uploaded */
  skipped: string[]
  /** Blob upload sessions started (POST /v2/<name>/blobs/uploads/) */
  uploadSessions: number
}

/**
 * What a push uploaded. Without a terminal skopeo prints "Copying blob <digest>" whether
 * it uploads the blob or not; only --debug says "Skipping blob <digest> (already present)".
 */
export function parseCopyOutput(output: string): CopyReport {
  const handled = new Set<string>()
  const skipped = new Set<string>()
  let checking: string | undefined
  let uploadSessions = 0
  for (const line of output.split('\n')) {
    const copying = /^Copying (?:blob|config) (sha256:[0-9a-f]{64})/.exec(line)
    if (copying?.[1]) handled.add(copying[1])
    const skipping = /Skipping blob (sha256:[0-9a-f]{64}) \(already present\)/.exec(line)
    if (skipping?.[1]) skipped.add(skipping[1])
    // Configs are not "skipped": their upload is a HEAD that answers "... already exists".
    const check = /msg="Checking \/v2\/\S+\/blobs\/(sha256:[0-9a-f]{64})"/.exec(line)
    if (check) checking = check[1]
    if (/msg="\.\.\. already exists"/.test(line) && checking) skipped.add(checking)
    if (/msg="Uploading \/v2\/\S+\/blobs\/uploads\/"/.test(line)) uploadSessions++
  }
  return { uploaded: [...handled].filter((d) => !skipped.has(d)).sort(), skipped: [...skipped].sort(), uploadSessions }
}

export interface PushResult extends CopyReport {
  /** The pushed image index's digest, as skopeo reports it */
  digest: string
  /** skopeo's progress lines (stdout) */
  output: string
  /** skopeo's --debug log (stderr): HTTP methods and URLs */
  debug: string
}

export interface SkopeoOptions extends Partial<CommonOptions> {
  /** A private folder for auth and digest files */
  tempDir: string
  program?: string
}

export class Skopeo {
  private readonly program: string
  private readonly common: CommonOptions

  constructor(private readonly options: SkopeoOptions) {
    this.program = options.program ?? 'skopeo'
    this.common = { policyFile: options.policyFile, retryTimes: options.retryTimes ?? 3, commandTimeout: options.commandTimeout ?? '15m' }
  }

  /** A private scratch folder holding the auth file for the length of one command. */
  private async withScratch<T>(reference: ImageReference, credentials: Credentials | undefined, work: (scratch: string, authFile?: string) => Promise<T>): Promise<T> {
    fs.mkdirSync(this.options.tempDir, { recursive: true })
    const scratch = fs.mkdtempSync(path.join(this.options.tempDir, 'skopeo-'))
    try {
      let authFile: string | undefined
      if (credentials) {
        authFile = path.join(scratch, 'auth.json')
        fs.writeFileSync(authFile, authFileJson(reference.registry, credentials), { mode: 0o600 })
      }
      return await work(scratch, authFile)
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true })
    }
  }

  private async skopeo(args: string[], what: string): Promise<ExecResult> {
    const result = await exec(this.program, args, { allowFailure: true })
    if (result.code !== 0) throw new SkopeoError(args, result, what)
    return result
  }

  /** Push every platform of the OCI layout and its index, digests unchanged. */
  async push(layoutDir: string, reference: ImageReference, credentials?: Credentials): Promise<PushResult> {
    checkLayoutPath(layoutDir)
    return this.withScratch(reference, credentials, async (scratch, authFile) => {
      const digestFile = path.join(scratch, 'digest')
      const result = await this.skopeo(pushArgs(layoutDir, reference, { ...this.common, authFile, digestFile }), `Pushing ${reference.canonical}`)
      return { ...parseCopyOutput(`${result.stdout}\n${result.stderr}`), digest: fs.readFileSync(digestFile, 'utf8').trim(), output: result.stdout, debug: result.stderr }
    })
  }

  /** The manifest or index bytes exactly as the registry serves them. */
  async inspectRaw(reference: ImageReference, credentials?: Credentials): Promise<Buffer> {
    return this.withScratch(reference, credentials, async (_scratch, authFile) => {
      const result = await this.skopeo(inspectRawArgs(reference, { ...this.common, authFile }), `Reading the manifest of ${reference.canonical}`)
      // skopeo prints the raw bytes followed by one newline of its own.
      return Buffer.from(result.stdout.replace(/\n$/, ''), 'utf8')
    })
  }

  /**
   * The manifest digest of one platform of an image: from its index, or the image itself
   * when it is a single-platform manifest (its platform checked later, from its config).
   */
  async platformManifest(reference: ImageReference, platform: Platform, credentials?: Credentials): Promise<string> {
    const raw = await this.inspectRaw(reference, credentials)
    return manifestForPlatform(raw, platform, reference) ?? sha256(raw)
  }

  /** One platform of an image into an OCI layout directory (emptied first), read back as a base. */
  async pullPlatform(reference: ImageReference, platform: Platform, layoutDir: string, credentials?: Credentials): Promise<BaseImage> {
    const digest = await this.platformManifest(reference, platform, credentials)
    const exact = withDigest(reference, digest)
    checkLayoutPath(layoutDir)
    fs.rmSync(layoutDir, { recursive: true, force: true })
    // skopeo's oci: transport needs the parent folder to exist.
    fs.mkdirSync(path.dirname(layoutDir), { recursive: true })
    await this.withScratch(reference, credentials, (_scratch, authFile) =>
      this.skopeo(pullArgs(exact, layoutDir, { ...this.common, authFile }), `Fetching ${exact.canonical} (${platformString(platform)})`),
    )
    return readBaseImage(layoutDir, `${reference.canonical} (${platformString(platform)})`)
  }
}

/** `oci:<path>[:<ref>]`: a ':' in the path would be read as the start of a reference name. */
export function checkLayoutPath(layoutDir: string): void {
  if (layoutDir.includes(':')) throw new ActionError(`The OCI layout folder ${layoutDir} contains ':', which skopeo's oci: transport reads as a reference separator; use a folder without ':'.`)
}

/** The digest of the platform's manifest in an index, undefined for a single manifest; a missing platform is an error listing those present. */
export function manifestForPlatform(raw: Buffer, platform: Platform, reference: ImageReference): string | undefined {
  const json = JSON.parse(raw.toString('utf8'))
  const isIndex = json.mediaType === MediaType.Index || json.mediaType === MediaType.DockerList || (json.mediaType === undefined && Array.isArray(json.manifests))
  if (!isIndex) return undefined
  const entries: { digest: string; platform?: Platform }[] = json.manifests ?? []
  // Attestation manifests (buildx) have platform unknown/unknown.
  const usable = entries.filter((e) => e.platform && e.platform.os !== 'unknown')
  const match = usable.find((e) => samePlatform(e.platform as Platform, platform))
  if (!match)
    throw new ActionError(`The image ${reference.canonical} has no ${platformString(platform)} variant; it has ${usable.map((e) => platformString(e.platform as Platform)).join(', ') || 'none'}.`)
  return match.digest
}
