import * as core from '@actions/core'

/** A problem with what the user asked for: reported as one `::error::`, never a stack trace. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    readonly advice: string,
  ) {
    super(`Input '${input}' has the value '${value}': ${advice}`)
    this.name = 'InputError'
  }
}

/** A failure the user can act on that is not about one input (missing std, cargo failed). */
export class ActionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ActionError'
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The end of every entry's run(): a failure the user can act on becomes one `::error::`
 * with its message; anything else says it was unexpected, with the stack in the debug log.
 */
export function failStep(error: unknown, action: string): void {
  if (error instanceof InputError || error instanceof ActionError) return core.setFailed(error.message)
  core.debug(error instanceof Error ? (error.stack ?? '') : '')
  core.setFailed(`${action} failed unexpectedly: ${errorMessage(error)}`)
}
