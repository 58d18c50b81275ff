/**
 * Running cargo and reading its JSON messages: the executables come from cargo's
 * compiler-artifact messages, never from guessing paths under target/.
 */
import * as core from '@actions/core'
import { exec } from '../exec.js'
import { stripAnsi } from '../common/text.js'

export interface Artifact {
  /** The bin target's name */
  name: string
  executable: string
  packageId: string
  test: boolean
  fresh: boolean
  /** The debug files cargo wrote beside the executable (an MSVC .pdb, a macOS .dSYM), when any */
  debugFiles?: string[]
}

export interface CargoDiagnostic {
  message: string
  file?: string
  line?: number
  column?: number
}

/** A line of `--message-format=json...` output, if it is a compiler-artifact with an executable. */
export function parseArtifact(line: string): Artifact | undefined {
  if (!line.startsWith('{')) return undefined
  let message: {
    reason?: string
    executable?: string | null
    package_id?: string
    fresh?: boolean
    filenames?: string[]
    target?: { name?: string; kind?: string[] }
    profile?: { test?: boolean }
  }
  try {
    message = JSON.parse(line)
  } catch {
    return undefined
  }
  if (message.reason !== 'compiler-artifact' || !message.executable) return undefined
  const debugFiles = (message.filenames ?? []).filter((file) => /\.(pdb|dSYM)$/.test(file))
  return {
    name: message.target?.name ?? '',
    executable: message.executable,
    packageId: message.package_id ?? '',
    test: message.profile?.test === true || !(message.target?.kind ?? []).includes('bin'),
    fresh: message.fresh === true,
    ...(debugFiles.length ? { debugFiles } : {}),
  }
}

/** For a compiler-artifact message: whether cargo reused it (fresh) or compiled it. */
export function artifactFreshness(line: string): boolean | undefined {
  if (!line.startsWith('{"reason":"compiler-artifact"')) return undefined
  return /"fresh":true/.test(line)
}

/** Whether a JSON line is a cargo message (consumed) rather than program output (shown). */
function isCargoMessage(line: string): boolean {
  return line.startsWith('{"reason":')
}

/**
 * cargo's rendered errors on stderr → one diagnostic per error, with the file and line
 * of the first ` --> ` location that follows it.
 */
export function parseErrors(stderr: readonly string[]): CargoDiagnostic[] {
  const diagnostics: CargoDiagnostic[] = []
  let current: CargoDiagnostic | undefined
  for (const raw of stderr) {
    const line = stripAnsi(raw)
    const error = /^error(\[E\d+\])?: (.*)$/.exec(line)
    if (error) {
      if (/^(could not compile|aborting due to)/.test(error[2] ?? '')) {
        current = undefined
        continue
      }
      current = { message: (error[1] ? `${error[1]} ` : '') + (error[2] ?? '') }
      diagnostics.push(current)
      continue
    }
    const location = /^\s*--> (.+?):(\d+):(\d+)$/.exec(line)
    if (location && current && current.file === undefined) {
      current.file = location[1]
      current.line = Number(location[2])
      current.column = Number(location[3])
    } else if (current && current.file === undefined && /^\s{2,}\S/.test(line) && !line.includes('|')) {
      // cargo's own errors continue on indented lines (e.g. "  Caused by:")
      current.message += `\n${line.trim()}`
    }
  }
  return diagnostics
}

export interface CargoOutcome {
  code: number
  artifacts: Artifact[]
  errors: CargoDiagnostic[]
  /** Units cargo reused and units it compiled */
  fresh: number
  compiled: number
  /** cargo's stderr lines, for diagnosing a failure */
  stderr: string[]
}

/** Run one cargo command, streaming its output; artifacts and errors are collected. */
export async function runCargo(args: readonly string[], cwd: string, env: Record<string, string>): Promise<CargoOutcome> {
  const artifacts: Artifact[] = []
  const stderr: string[] = []
  let fresh = 0
  let compiled = 0
  core.info(`cargo ${args.join(' ')}`)
  const result = await exec('cargo', args, {
    cwd,
    env,
    allowFailure: true,
    onStdout: (line) => {
      const artifact = parseArtifact(line)
      if (artifact) artifacts.push(artifact)
      const reused = artifactFreshness(line)
      if (reused === true) fresh++
      else if (reused === false) compiled++
      if (!isCargoMessage(line)) core.info(line)
    },
    onStderr: (line) => {
      stderr.push(line)
      core.info(line)
    },
  })
  core.info(`cargo ${args[0]}: ${compiled} unit(s) compiled, ${fresh} fresh`)
  return { code: result.code, artifacts, errors: result.code === 0 ? [] : parseErrors(stderr), fresh, compiled, stderr }
}
