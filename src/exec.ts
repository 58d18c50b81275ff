/**
 * The one way the action runs programs: argument arrays, never a shell string.
 * Failures carry the command line and the end of its stderr.
 */
import * as actionsExec from '@actions/exec'
import * as core from '@actions/core'
import * as io from '@actions/io'

export interface RunOptions {
  cwd?: string
  /** Added to (not replacing) the action's environment */
  env?: Record<string, string>
  /** Return a non-zero exit instead of throwing */
  allowFailure?: boolean
  /** Called for each line of output (streaming) instead of collecting it silently */
  onStdout?: (line: string) => void
  onStderr?: (line: string) => void
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export class CommandError extends Error {
  constructor(
    readonly command: string[],
    readonly result: RunResult,
  ) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-15).join('\n')
    super(`${command.join(' ')} failed with exit code ${result.code}${tail ? `:\n${tail}` : ''}`)
    this.name = 'CommandError'
  }
}

export async function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  core.debug(`run: ${[program, ...args].join(' ')}${options.cwd ? ` (in ${options.cwd})` : ''}`)
  const env = options.env ? ({ ...process.env, ...options.env } as Record<string, string>) : undefined
  const result = await actionsExec.getExecOutput(program, [...args], {
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
