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
