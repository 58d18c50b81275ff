/**
 * GitHub's own description of its REST API (@octokit/openapi, api.github.com) as the judge
 * of the local GitHub server: each request's path, method, query and body against the
 * operation it matches, each reply's status, media type and body against that operation's
 * responses. The server collects what this reports; the tests assert it is empty.
 *
 * The description is read from the package's non-dereferenced file (13 MB, about 0.2 s to
 * parse) rather than the dereferenced one (73 MB, about 3 s): ajv resolves the `$ref`s
 * itself. Only the schemas the served operations reach are kept, and each validator is
 * compiled once per process.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'

/** The operations the local server answers, by GitHub's operationId. */
export const SERVED = ['repos/list-releases', 'repos/create-release', 'repos/delete-release', 'repos/list-release-assets', 'repos/delete-release-asset', 'repos/upload-release-asset'] as const
export type OperationId = (typeof SERVED)[number]

/** api.github.com, or the uploads origin an operation's `servers` names (uploads.github.com). */
export type Host = 'api' | 'uploads'

export interface Operation {
  id: OperationId
  method: string
  /** The description's path template, e.g. /repos/{owner}/{repo}/releases */
  template: string
  host: Host
}

export interface Matched {
  operation: Operation
  /** Path parameters as they appeared in the URL (strings; validation coerces them) */
  params: Record<string, string>
}

export interface Request {
  query: URLSearchParams
  contentType: string
  body: string
}

export interface Reply {
  status: number
  contentType: string
  body: string
}

// The OpenAPI 3.0 objects this module reads; the description has many more fields.
type Schema = Record<string, unknown>
interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema: Schema
}
interface MediaTypes {
  content?: Record<string, { schema?: Schema }>
}
interface RequestBody extends MediaTypes {
  required?: boolean
}
interface OperationObject {
  operationId: string
  servers?: { url: string }[]
  parameters?: (Parameter | Ref)[]
  requestBody?: RequestBody | Ref
  responses: Record<string, MediaTypes | Ref>
}
interface Ref {
  $ref: string
}
interface Description {
  paths: Record<string, Record<string, OperationObject>>
  components: Record<string, Record<string, unknown>>
}

const ID = 'https://api.github.com/openapi.json'
/** GitHub's error body; used for error replies the operation itself does not describe. */
const BASIC_ERROR = '#/components/schemas/basic-error'

interface Compiled {
  operation: Operation
  pattern: RegExp
  names: string[]
  path: ValidateFunction
  query: ValidateFunction
  body?: { required: boolean; media: Map<string, ValidateFunction | undefined> }
  responses: Map<string, Map<string, ValidateFunction | undefined>>
}

let compiled: Compiled[] | undefined
// Why the description could not be loaded: said once per request, found once per process.
let failed: Error | undefined
let basicError: ValidateFunction | undefined

const isRef = (value: unknown): value is Ref => typeof value === 'object' && value !== null && typeof (value as Ref).$ref === 'string'

/** Reads the description and compiles the served operations: once per process. */
function load(): Compiled[] {
  if (compiled) return compiled
  if (failed) throw failed
  try {
    return compile()
  } catch (cause) {
    failed = cause instanceof Error ? cause : new Error(String(cause))
    throw failed
  }
}

function compile(): Compiled[] {
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json')
  const description = JSON.parse(fs.readFileSync(file, 'utf8')) as Description
  const resolve = <T>(value: T | Ref): T => {
    if (!isRef(value)) return value
    const [, kind = '', name = ''] = /^#\/components\/([^/]+)\/(.+)$/.exec(value.$ref) ?? []
    const target = description.components[kind]?.[name]
    if (target === undefined) throw new Error(`@octokit/openapi: ${value.$ref} is not in the description`)
    return resolve(target as T | Ref)
  }

  // The schemas the served operations reach, with the schemas those reach in turn.
  const schemas: Record<string, unknown> = {}
  const keywords = new Set<string>()
  const reach = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(reach)
    if (typeof node !== 'object' || node === null) return
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) keywords.add(key)
      if (key === '$ref' && typeof value === 'string') {
        // Inside schemas every reference is to another schema.
        if (!value.startsWith('#/components/schemas/')) throw new Error(`@octokit/openapi: a schema refers to ${value}, which is not a schema`)
        const name = value.slice('#/components/schemas/'.length)
        if (name in schemas) continue
        schemas[name] = description.components.schemas?.[name]
        reach(schemas[name])
      } else reach(value)
    }
  }

  const found = new Map<OperationId, { template: string; method: string; object: OperationObject }>()
  for (const [template, methods] of Object.entries(description.paths))
    for (const [method, object] of Object.entries(methods))
      if ((SERVED as readonly string[]).includes(object.operationId)) found.set(object.operationId as OperationId, { template, method: method.toUpperCase(), object })

  // Per operation: path and query parameters as objects, the request body, the responses.
  const operations: Record<string, Record<string, unknown>> = {}
  const plan = SERVED.map((id) => {
    const entry = found.get(id)
    if (!entry) throw new Error(`@octokit/openapi: the description has no operation ${id}`)
    const parameters = (entry.object.parameters ?? []).map((p) => resolve(p))
    const object = (where: 'path' | 'query') => {
      const chosen = parameters.filter((p) => p.in === where)
      return {
        type: 'object',
        properties: Object.fromEntries(chosen.map((p) => [p.name, p.schema])),
        required: chosen.filter((p) => p.required || where === 'path').map((p) => p.name),
        additionalProperties: false,
      }
    }
    const requestBody = entry.object.requestBody && resolve(entry.object.requestBody)
    const responses = Object.fromEntries(Object.entries(entry.object.responses).map(([status, r]) => [status, media(resolve(r))]))
    operations[id] = { path: object('path'), query: object('query'), ...(requestBody ? { body: media(requestBody) } : {}), responses }
    reach(operations[id])
    return { id, entry, requestBody, responses }
  })
  reach({ $ref: BASIC_ERROR })

  // One schema document: the reached components, and each operation's built schemas, whose
  // `#/components/schemas/...` references resolve inside it as they do in the description.
  // Compiled once and run on a few dozen requests: ajv's optimising pass and inlined
  // references cost more than they save here (a quarter of the compile time, measured).
  const options = { allErrors: true, inlineRefs: false, code: { optimize: false } }
  const ajv = new Ajv({ ...options, coerceTypes: false })
  formats.default(ajv)
  ajv.addFormat('binary', true) // OpenAPI's raw file data
  ajv.addVocabulary(['example', 'externalDocs', 'xml', 'components', 'operations', ...keywords])
  ajv.addSchema({ $id: ID, components: { schemas }, operations })
  // Path and query values arrive as strings: coerce them as a server reading the URL does.
  const params = new Ajv({ ...options, coerceTypes: true })
  params.addVocabulary(['example', 'externalDocs', 'xml', 'components', 'operations', ...keywords])
  params.addSchema({ $id: ID, components: { schemas }, operations })

  const pointer = (...parts: string[]) => `${ID}#/${parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`
  const get = (validator: Ajv, ...parts: string[]): ValidateFunction => {
    const validate = validator.getSchema(pointer(...parts))
    if (!validate) throw new Error(`no schema at ${parts.join('/')}`)
    return validate
  }
  const validators = (parts: string[], content: Record<string, Schema>) => new Map(Object.keys(content).map((type) => [type, get(ajv, ...parts, type)] as const))

  basicError = ajv.getSchema(`${ID}${BASIC_ERROR}`)
  compiled = plan.map(({ id, entry, requestBody, responses }) => {
    const names: string[] = []
    const source = entry.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))
    return {
      operation: { id, method: entry.method, template: entry.template, host: entry.object.servers?.some((s) => s.url.includes('uploads.')) ? 'uploads' : 'api' },
      pattern: new RegExp(`^${source}$`),
      names,
      path: get(params, 'operations', id, 'path'),
      query: get(params, 'operations', id, 'query'),
      ...(requestBody ? { body: { required: requestBody.required ?? false, media: validators(['operations', id, 'body'], media(requestBody)) } } : {}),
      responses: new Map(Object.entries(responses).map(([status, content]) => [status, validators(['operations', id, 'responses', status], content)])),
    }
  })
  return compiled

  function media(described: MediaTypes): Record<string, Schema> {
    return Object.fromEntries(Object.entries(described.content ?? {}).map(([type, m]) => [type, m.schema ?? {}]))
  }
}

/** Loads and compiles the description now, so that the first request does not pay for it. */
export function prepare(): void {
  load()
}

/** The served operation a request is for, with its path parameters; undefined if none. */
export function match(method: string, host: Host, pathname: string): Matched | undefined {
  for (const c of load()) {
    if (c.operation.method !== method || c.operation.host !== host) continue
    const found = c.pattern.exec(pathname)
    if (found) return { operation: c.operation, params: Object.fromEntries(c.names.map((name, i) => [name, decode(found[i + 1] ?? '')])) }
  }
  return undefined
}

// A malformed escape stays as it came: the parameter's schema then judges it.
const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
const compiledFor = (operation: Operation): Compiled => load().find((c) => c.operation.id === operation.id)!
const mediaType = (header: string): string => header.split(';')[0]?.trim().toLowerCase() ?? ''
/** ajv's errors as one line: where, what; the first few of a long list. */
function text(errors: ErrorObject[] | null | undefined, what: string): string {
  const all = (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`)
  const shown = all.slice(0, 8).join('; ')
  return `${what}: ${shown}${all.length > 8 ? `; and ${all.length - 8} more` : ''}`
}

/** A body in one of the described media types, validated against that type's schema. */
function checkBody(media: Map<string, ValidateFunction | undefined>, contentType: string, body: string, what: string): string | undefined {
  const type = mediaType(contentType)
  if (!media.has(type)) return `${what} has the media type '${type}'; the description has ${[...media.keys()].join(', ')}`
  const validate = media.get(type)
  if (!validate) return undefined
  let data: unknown = body
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      data = JSON.parse(body)
    } catch {
      return `${what} is not JSON: ${body.slice(0, 80)}`
    }
  }
  return validate(data) ? undefined : text(validate.errors, what)
}

/** What in a request breaks the operation's description (empty when nothing does). */
export function checkRequest(matched: Matched, request: Request): string[] {
  const c = compiledFor(matched.operation)
  const problems: string[] = []
  const path = { ...matched.params }
  if (!c.path(path)) problems.push(text(c.path.errors, 'path'))
  const query: Record<string, string | string[]> = {}
  for (const key of new Set(request.query.keys())) {
    const values = request.query.getAll(key)
    query[key] = values.length === 1 ? values[0]! : values
  }
  if (!c.query(query)) problems.push(text(c.query.errors, 'query'))
  if (!c.body) {
    if (request.body !== '') problems.push(`the request has a body; the operation takes none`)
  } else if (request.body === '' && !request.contentType) {
    if (c.body.required) problems.push('the request has no body; the operation requires one')
  } else {
    const problem = checkBody(c.body.media, request.contentType, request.body, 'request body')
    if (problem) problems.push(problem)
  }
  return problems.map((p) => `${operationName(matched.operation)}: ${p}`)
}

/** What in a reply breaks the operation's description (empty when nothing does). */
export function checkReply(operation: Operation, reply: Reply): string[] {
  const c = compiledFor(operation)
  const media = c.responses.get(String(reply.status)) ?? c.responses.get('default')
  const problem = (() => {
    const what = `reply ${reply.status} body`
    if (!media) {
      // The description lists each operation's own statuses; any endpoint can also answer
      // 401, 403, 429 or 5xx, with GitHub's basic error body.
      if (reply.status < 400) return `status ${reply.status} is not a response of the operation (it has ${[...c.responses.keys()].join(', ')})`
      return checkBody(new Map([['application/json', basicError]]), reply.contentType, reply.body, what)
    }
    if (media.size === 0) {
      if (reply.status === 204 || reply.status === 304) return reply.body === '' ? undefined : `${what} must be empty`
      // Described without content (e.g. 422 of an upload): GitHub still sends its error JSON.
      if (reply.status >= 400 && reply.body !== '') return checkBody(new Map([['application/json', basicError]]), reply.contentType, reply.body, what)
      return undefined
    }
    return checkBody(media, reply.contentType, reply.body, what)
  })()
  return problem ? [`${operationName(operation)}: ${problem}`] : []
}

export const operationName = (operation: Operation): string => `${operation.id} (${operation.method} ${operation.host === 'uploads' ? 'uploads:' : ''}${operation.template})`
