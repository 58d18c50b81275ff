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
}

/** Runs each phase in its own log group and keeps its duration for the summary. */
export class PhaseLog {
  readonly timings: PhaseTiming[] = []

  async run<T>(name: string, body: () => Promise<T> | T): Promise<T> {
    const started = performance.now()
    try {
      return await core.group(name, async () => body())
    } finally {
      this.timings.push({ name, seconds: (performance.now() - started) / 1000 })
    }
  }
}
