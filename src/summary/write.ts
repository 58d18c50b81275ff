/** Writing the job summary and timing the phases that it reports. */
import * as core from '@actions/core'
import { hasStepSummary } from '../common/runner.js'
import { errorMessage } from '../errors.js'

/** Append Markdown to the job summary; outside a runner there is none, and a failure only warns. */
export async function writeJobSummary(markdown: string): Promise<void> {
  if (!hasStepSummary() || !markdown) return
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

export interface PhaseTiming {
  name: string
  seconds: number
  /** False for the phase that threw */
  ok?: boolean
}

/**
 * Runs each phase in its own log group and keeps its duration for the summary, and what
 * a phase wants shown when a later one fails (`keep`): a failed step's summary has
 * nothing else to go on.
 */
export class PhaseLog {
  readonly timings: PhaseTiming[] = []
  /** Markdown kept from the phases that finished, in order */
  readonly kept: string[] = []
  /** Whether the full summary was written (a failure after it adds nothing) */
  written = false

  async run<T>(name: string, body: () => Promise<T> | T, keep?: (result: T) => string): Promise<T> {
    const started = performance.now()
    let ok = false
    try {
      const result = await core.group(name, async () => body())
      ok = true
      const section = keep?.(result)
      if (section) this.kept.push(section)
      return result
    } finally {
      this.timings.push({ name, seconds: (performance.now() - started) / 1000, ok })
    }
  }

  async write(markdown: string): Promise<void> {
    this.written = true
    await writeJobSummary(markdown)
  }
}
