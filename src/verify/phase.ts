/**
 * The Verify binaries phase: headers, linkage and the smoke test of each staged binary,
 * and when their problems fail the step.
 */
import * as core from '@actions/core'
import { ActionError } from '../errors.js'
import type { BuildRequest } from '../inputs/phase.js'
import { type BuildPlan } from '../plan/build-plan.js'
import { type StageResult } from '../stage/stage.js'
import { type Host } from '../common/target.js'
import { isWineVariable } from '../common/wine.js'
import { verifyBinaries, type VerificationReport } from './checks.js'

/** Verification runs unless verify: off and no smoke test was asked for. */
export function wantsVerification({ inputs }: BuildRequest): boolean {
  return inputs.verify !== 'off' || inputs.smokeTest !== undefined
}

export async function verify({ inputs, facts }: BuildRequest, host: Host, plan: BuildPlan, staged: StageResult): Promise<VerificationReport> {
  const report = await verifyBinaries(staged.files, {
    mode: inputs.verify,
    facts,
    host,
    rustflags: plan.rustflags,
    maxGlibc: inputs.maxGlibc,
    smokeTest: inputs.smokeTest,
    smokeEnv: Object.fromEntries(Object.entries(plan.env).filter(([name]) => isWineVariable(name))),
    log: (line) => core.info(line),
  })
  // verify: warn turns every problem into a warning; a failed smoke test still fails with verify: off (it was asked for).
  for (const binary of report.binaries) for (const problem of binary.problems) (inputs.verify === 'warn' ? core.warning : core.error)(problem)
  return report
}

/** Whether verification problems will fail the step (every mode but warn). */
export function verificationFails(report: VerificationReport | undefined): boolean {
  return report !== undefined && report.mode !== 'warn' && report.binaries.some((binary) => binary.problems.length)
}

/** After the summary is written: verification problems fail the step unless verify: warn. */
export function failOnProblems(report: VerificationReport | undefined): void {
  if (!report || !verificationFails(report)) return
  const failed = report.binaries.filter((binary) => binary.problems.length)
  if (failed.length) throw new ActionError(`Verification failed for ${failed.map((binary) => binary.name).join(', ')}; see the errors above and the job summary.`)
}
