/**
 * The one way the action runs programs: argument arrays, never a shell string.
 * Failures carry the command line and the end of its stderr.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import * as actionsExec from '@actions/exec'
import * as core from '@actions/core'
import * as io from '@actions/io'
import { environment } from './common/runner.js'
import { ActionError } from './errors.js'

export interface ExecOptions {
  cwd?: string
  /** Added to (not replacing) the action's environment */
  env?: Record<string, string>
  /** Return a non-zero exit instead of throwing */
  allowFailure?: boolean
  /** Called for each line of output (streaming) instead of collecting it silently */
  onStdout?: (line: string) => void
  onStderr?: (line: string) => void
}

export interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

/** A program failed: the message carries its command line and the end of its output. */
export class CommandError extends ActionError {
  constructor(
    readonly command: string[],
    readonly result: ExecResult,
  ) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-15).join('\n')
    super(`${command.join(' ')} failed with exit code ${result.code}${tail ? `:\n${tail}` : ''}`)
    this.name = 'CommandError'
  }
}

/**
 * A bare program name as a PATH given in `env` finds it (a toolchain's bin folder first):
 * @actions/exec searches the action's own PATH, which may hold another cargo earlier.
 */
export function onPath(program: string, pathValue: string | undefined): string {
  if (pathValue === undefined || program.includes(path.sep)) return program
  for (const dir of pathValue.split(path.delimiter)) {
    const candidate = path.join(dir || '.', program)
    const stat = fs.statSync(candidate, { throwIfNoEntry: false })
    if (stat?.isFile() && (stat.mode & 0o111) !== 0) return candidate
  }
  return program
}

export async function exec(program: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  core.debug(`run: ${[program, ...args].join(' ')}${options.cwd ? ` (in ${options.cwd})` : ''}`)
  const env = options.env ? ({ ...environment(), ...options.env } as Record<string, string>) : undefined
  const result = await actionsExec.getExecOutput(onPath(program, options.env?.PATH), [...args], {
    cwd: options.cwd,
    env,
    silent: true,
    ignoreReturnCode: true,
    listeners: {
      stdline: options.onStdout,
      errline: options.onStderr,
    },
  })
  const outcome = { code: result.exitCode, stdout: result.stdout, stderr: result.stderr }
  if (outcome.code !== 0 && !options.allowFailure) throw new CommandError([program, ...args], outcome)
  return outcome
}

/** The absolute path of a program on PATH, or undefined. */
export async function which(program: string): Promise<string | undefined> {
  const found = await io.which(program, false)
  return found || undefined
}

export interface BoundedResult extends ExecResult {
  /** The signal that ended the program (SIGILL, SIGSEGV), if one did */
  signal?: string
  timedOut: boolean
}

/**
 * Run a program that may misbehave (a freshly built binary): stdin closed, a time limit,
 * and the terminating signal reported, which @actions/exec does not expose.
 */
export async function runBounded(program: string, args: readonly string[], options: { cwd?: string; timeoutMs: number; env?: Record<string, string> }): Promise<BoundedResult> {
  core.debug(`run (limit ${options.timeoutMs} ms): ${[program, ...args].join(' ')}`)
  return new Promise((resolve) => {
    const child = spawn(program, [...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: { ...environment(), ...options.env } } : {}) })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}`, timedOut })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? 128, stdout, stderr, timedOut, ...(signal && !timedOut ? { signal } : {}) })
    })
  })
}
