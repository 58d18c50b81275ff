/**
 * Reading and checking single input values, shared by the build action's and the merge
 * action's inputs. Pure: the caller passes a reader (core.getInput, or a table in tests).
 */
import { Input } from '../common/constants.js'
import { InputError } from '../errors.js'

export type InputReader = (name: string) => string

/** Commas or newlines separate list items. */
export function parseList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
}

/**
 * Split extra arguments the way a user writes them on one line, with '' and "" quoting,
 * without ever involving a shell.
 */
export function splitArgs(value: string, input: string = Input.Args): string[] {
  const args: string[] = []
  let current = ''
  let quote: string | undefined
  let started = false
  for (const char of value) {
    if (quote) {
      if (char === quote) quote = undefined
      else current += char
    } else if (char === '"' || char === "'") {
      quote = char
      started = true
    } else if (/\s/.test(char)) {
      if (started) args.push(current)
      current = ''
      started = false
    } else {
      current += char
      started = true
    }
  }
  if (quote) throw new InputError(input, value, `a ${quote} quote is not closed; close it or remove it.`)
  if (started) args.push(current)
  return args
}

export function parseBoolean(read: InputReader, name: string, fallback: boolean): boolean {
  const value = read(name).trim()
  if (value === '') return fallback
  if (/^(true|yes|on|1)$/i.test(value)) return true
  if (/^(false|no|off|0)$/i.test(value)) return false
  throw new InputError(name, value, 'expected true or false.')
}

export function parseChoice<T extends string>(read: InputReader, name: string, choices: readonly T[], fallback: T): T {
  const value = read(name).trim()
  if (value === '') return fallback
  const match = choices.find((choice) => choice === value.toLowerCase())
  if (!match) throw new InputError(name, value, `expected one of ${choices.join(', ')}.`)
  return match
}

const TRIPLE = /^[a-z0-9_.]+(-[a-z0-9_.]+){1,4}$/

/** Whether a value has the shape of a Rust target triple (rustc itself decides whether it knows it). */
export function looksLikeTriple(value: string): boolean {
  return TRIPLE.test(value)
}

/** Characters GitHub refuses in artifact names. */
const ARTIFACT_NAME_UNSAFE = /["<>|*?\\/:\r\n]/

export function checkArtifactName(name: string, value: string): void {
  if (ARTIFACT_NAME_UNSAFE.test(value)) throw new InputError(name, value, 'artifact names may not contain " < > | * ? \\ / : or line breaks.')
}

/** A release tag, or undefined for "the tag of GITHUB_REF". */
export function parseReleaseTag(read: InputReader, name: string): string | undefined {
  const value = read(name).trim()
  if (value === '') return undefined
  if (/\s/.test(value) || value.includes('..')) throw new InputError(name, value, 'expected a git tag name such as v1.2.3.')
  return value
}

export function optional(value: string): string | undefined {
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}
