/**
 * Image references as Docker reads them (distribution/reference): `ghcr.io/owner/app:1.2.3`,
 * `127.0.0.1:5000/app:latest`, `app@sha256:<64 hex>`. Pure: no I/O. A bad reference is an
 * InputError naming the input it came from (`image`, `image-base`).
 */
import { InputError } from '../errors.js'

export interface ImageReference {
  /** Registry host with optional port, as given: `ghcr.io`, `127.0.0.1:5000`, `docker.io` for Docker Hub */
  registry: string
  /** Path inside the registry, `library/` added for Docker Hub's official images */
  repository: string
  tag?: string
  digest?: string
  /** `registry/repository[:tag][@digest]`, fully qualified */
  canonical: string
  /** Plain http allowed: only for loopback hosts */
  loopback: boolean
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
const DIGEST = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([A-Fa-f0-9]{32,})$/
const HOST_LABEL = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/
const DOCKER_HUB = 'docker.io'

function refused(input: string, reference: string, why: string): InputError {
  return new InputError(input, reference, `not a valid image reference: ${why}`)
}

function parseHost(input: string, reference: string, domain: string): string {
  const match = /^(\[[^\]]*\]|[^:]+)(?::(\d+))?$/.exec(domain)
  if (!match) throw refused(input, reference, `the registry '${domain}' is not a host name with an optional :port.`)
  const [, host = '', port] = match
  if (!IPV6.test(host) && !host.split('.').every((label) => HOST_LABEL.test(label))) throw refused(input, reference, `the registry host '${host}' is not a valid host name.`)
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw refused(input, reference, `the port ${port} is out of range.`)
  return domain === 'index.docker.io' || domain === 'registry-1.docker.io' ? DOCKER_HUB : domain
}

export function isLoopbackHost(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '')
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host)
}

export function parseReference(reference: string, input: string): ImageReference {
  const text = reference.trim()
  if (text === '') throw refused(input, reference, 'it is empty; expected registry/name:tag such as ghcr.io/owner/app:1.2.3.')
  if (/\s/.test(text)) throw refused(input, reference, 'it contains white space.')
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw refused(input, reference, 'give the reference without a transport or scheme (no docker:// or https://).')

  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    const [, algorithm, hex = ''] = DIGEST.exec(digest) ?? []
    if (!algorithm) throw refused(input, reference, `the digest '${digest}' is not algorithm:hex such as sha256:<64 hex digits>.`)
    if (algorithm === 'sha256' && hex.length !== 64) throw refused(input, reference, `a sha256 digest has 64 hex digits, '${digest}' has ${hex.length}.`)
    if (hex !== hex.toLowerCase()) throw refused(input, reference, 'digests are lower-case hex.')
  }
  let tag: string | undefined
  const slash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > slash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) throw refused(input, reference, `the tag '${tag}' is not valid (letters, digits, _ . -, at most 128, not starting with . or -).`)
  }
  const parts = rest.split('/')
  let registry = DOCKER_HUB
  // Docker's rule: the first part is a registry when it has a dot or a port, or is localhost.
  const first = parts[0] ?? ''
  if (parts.length > 1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase())) {
    registry = parseHost(input, reference, parts.shift() ?? '')
  }
  if (!parts.length || parts.some((p) => p === '')) throw refused(input, reference, 'the repository name is missing or has an empty path component.')
  for (const part of parts) {
    if (!COMPONENT.test(part)) throw refused(input, reference, `the repository part '${part}' is not valid: lower-case letters, digits and separators (. _ __ -) between them only.`)
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library')
  const repository = parts.join('/')
  if (registry.length + 1 + repository.length > 255) throw refused(input, reference, 'the name is longer than 255 characters.')
  const canonical = `${registry}/${repository}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`
  return { registry, repository, tag, digest, canonical, loopback: isLoopbackHost(registry) }
}

/** A reference to push to: a tag is needed (the index's digest is only known after building), default `latest`. */
export function parsePushReference(reference: string, input: string): ImageReference {
  const parsed = parseReference(reference, input)
  if (parsed.digest !== undefined) throw refused(input, reference, 'an image is pushed to a tag, not to a digest; drop the @sha256:… part.')
  if (parsed.tag !== undefined) return parsed
  return { ...parsed, tag: 'latest', canonical: `${parsed.canonical}:latest` }
}

/** `repo@digest` for pulling one exact manifest of a reference. */
export function withDigest(reference: ImageReference, digest: string): ImageReference {
  return { ...reference, tag: undefined, digest, canonical: `${reference.registry}/${reference.repository}@${digest}` }
}
