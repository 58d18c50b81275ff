/**
 * The rules for the packaging inputs, checked before anything is built: the archive
 * formats, the `name` template, include patterns, and relative paths that cannot leave
 * the folder they are relative to. Pure; packaging renders names with the same rules.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Input } from '../common/constants.js'
import { InputError } from '../errors.js'

export type ArchiveFormat = 'tar.gz' | 'zip' | 'tar.zst'

export const DEFAULT_NAME_TEMPLATE = '{bin}-{version}-{target}'
export const PLACEHOLDERS = ['bin', 'target', 'version', 'cpu'] as const
export type Placeholder = (typeof PLACEHOLDERS)[number]

/** Characters that are path separators, or not allowed in file names on some runner OS. */
export const UNSAFE_NAME_CHARS = /[/\\<>:"|?*\p{Cc}]/u

/**
 * Refuse a `name` template that could name anything but one file in the staging
 * directory: path separators, `..`, unknown placeholders, unbalanced braces.
 */
export function checkNameTemplate(template: string): void {
  const refuse = (why: string): never => {
    throw new InputError(Input.Name, template, why)
  }
  if (template.trim() === '') refuse('the archive name template is empty; use placeholders {bin}, {target}, {version}, {cpu}, e.g. {bin}-{version}-{target}.')
  const literal = template.replace(/\{([^{}]*)\}/g, (_whole, key: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(key)) refuse(`unknown placeholder {${key}}; the placeholders are {bin}, {target}, {version} and {cpu} (the target-cpu, or baseline).`)
    return 'x'
  })
  if (/[{}]/.test(literal)) refuse('a brace is not closed; placeholders look like {bin}.')
  if (UNSAFE_NAME_CHARS.test(literal)) refuse('an archive name is one file name in the staging directory: no path separators (/ or \\) and none of < > : " | ? *.')
  if (literal.startsWith('.') || literal.includes('..')) refuse('an archive name may not start with a dot or contain "..".')
}

/**
 * Refuse include patterns that could read outside the project: absolute paths, home
 * and drive prefixes, `..` segments, backslashes (ambiguous between runner OSes).
 */
export function checkIncludePattern(pattern: string): void {
  const refuse = (why: string): never => {
    throw new InputError(Input.Include, pattern, why)
  }
  if (pattern.includes('\\')) refuse('use forward slashes in include patterns (LICENSE, docs/*.md).')
  if (pattern.startsWith('/') || pattern.startsWith('~') || /^[A-Za-z]:/.test(pattern)) refuse('include patterns are relative to the working directory; absolute paths are refused.')
  if (pattern.split('/').includes('..')) refuse('include patterns may not leave the working directory with "..".')
  if (pattern.includes('\0')) refuse('a pattern may not contain NUL.')
}

/**
 * The include patterns that name one file (no glob characters) must name one that exists:
 * checked by the project check before the build, so that a typo fails in seconds rather
 * than after cargo, and again when packaging. A glob may match what the build writes.
 */
export async function checkIncludeLiterals(patterns: readonly string[], workDir: string): Promise<string[]> {
  if (!patterns.length) return []
  // Loaded only when there is something to include, to keep the bundle's start-up small.
  const { isDynamicPattern } = await import('tinyglobby')
  const literals = patterns.filter((pattern) => !isDynamicPattern(pattern)).map((pattern) => ({ pattern, name: pattern.replace(/\/+$/, '') }))
  for (const { pattern, name } of literals) {
    if (!fs.existsSync(path.join(workDir, name))) throw new InputError(Input.Include, pattern, `there is no such file in ${workDir}; include paths are relative to the working directory.`)
  }
  return literals.map(({ name }) => name)
}

/** A name the manifest or staging directory could use as a relative path without leaving it. */
export function isSafeRelativePath(name: string): boolean {
  if (name === '' || name.includes('\\') || name.includes('\0') || path.posix.isAbsolute(name)) return false
  return name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
}
