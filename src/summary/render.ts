/**
 * The job summary, as Markdown. Pure: main writes it with core.summary.
 */
import type { BuildOutcome } from '../build/phase.js'
import type { CacheOutcome } from '../cache/phase.js'
import type { BuildRequest } from '../inputs/phase.js'
import type { PackageResult } from '../package/pack.js'
import type { BuildPlan } from '../plan/build-plan.js'
import type { SelectedToolchain, TargetSetup } from '../setup/phase.js'
import type { StagedFile, StageResult } from '../stage/stage.js'
import { renderVerificationSummary, type VerificationReport } from '../verify/checks.js'
import type { PreflightReport } from '../build/preflight.js'
import type { PhaseTiming } from './write.js'

export interface SummaryData {
  target: string
  toolchain: string
  linker: string
  baseline: string
  cFlags: string[]
  rustflags: string[]
  files: readonly StagedFile[]
  archives?: readonly { name: string; size: number; sha256: string }[]
  /** Where the files went: an artifact, a release, or nowhere */
  upload?: string
  phases: readonly PhaseTiming[]
  nativeReplacements: number
  cache: { name: string; key: string; parts: { name: string; value: string }[]; matched?: string; restoredBytes?: number }[]
  /** What the stamp rule found in the target directory */
  stamp: string
}

const code = (text: string): string => (text ? `\`${text.replace(/`/g, "'")}\`` : '—')

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`
}

export function renderSummary(data: SummaryData): string {
  const lines = [
    `## rust-xbuild: ${data.target}`,
    '',
    '| | |',
    '|---|---|',
    `| Target | ${code(data.target)} |`,
    `| Toolchain | ${data.toolchain} |`,
    `| Linker | ${data.linker} |`,
    `| CPU baseline | ${data.baseline} |`,
    `| C/C++ baseline flags | ${code(data.cFlags.join(' '))} |`,
    `| Effective rustflags | ${code(data.rustflags.join(' '))} |`,
  ]
  if (data.upload) lines.push(`| Upload | ${data.upload} |`)
  if (data.nativeReplacements) lines.push(`| -march=native in build scripts | replaced ${data.nativeReplacements} time(s) |`)
  lines.push('', '| Binary | Size | SHA256 |', '|---|---:|---|')
  for (const file of data.files) lines.push(`| ${code(file.name)} | ${formatSize(file.size)} | ${code(file.sha256)} |`)
  if (!data.files.length) lines.push('| (no binaries) | | |')
  if (data.archives?.length) {
    lines.push('', '| Archive | Size | SHA256 |', '|---|---:|---|')
    for (const archive of data.archives) lines.push(`| ${code(archive.name)} | ${formatSize(archive.size)} | ${code(archive.sha256)} |`)
  }
  lines.push('', '| Cache | Key | Result |', '|---|---|---|')
  for (const entry of data.cache) {
    const result = entry.matched === undefined ? 'miss' : `${entry.matched === entry.key ? 'hit' : `restored ${code(entry.matched)}`}, ${formatSize(entry.restoredBytes ?? 0)}`
    const parts = entry.parts.length > 1 ? `<br>${entry.parts.map((part) => `${part.name} ${code(part.value)}`).join(' · ')}` : ''
    lines.push(`| ${entry.name} | ${code(entry.key)}${parts} | ${result} |`)
  }
  lines.push(`| target directory | | ${data.stamp === 'other' || data.stamp === 'unknown' ? 'cleaned: built under another configuration' : data.stamp} |`)
  lines.push('', '| Phase | Seconds |', '|---|---:|')
  for (const phase of data.phases) lines.push(`| ${phase.name} | ${phase.seconds.toFixed(1)} |`)
  return `${lines.join('\n')}\n`
}

/** What the phases produced, for the summary of a build. */
export interface JobResults {
  request: BuildRequest
  selected: SelectedToolchain
  setup: TargetSetup
  plan: BuildPlan
  cache: CacheOutcome
  preflight: PreflightReport
  built: BuildOutcome
  staged: StageResult
  verification?: VerificationReport
  packaged: PackageResult
  uploaded: string
  phases: readonly PhaseTiming[]
}

export function summariseJob(results: JobResults): string {
  const { request, selected, setup, plan, cache, staged, packaged } = results
  const { baseline } = setup.rustcTarget
  const summary = renderSummary({
    target: request.facts.triple,
    toolchain: selected.toolchain.version,
    linker: setup.linker.description,
    baseline: [baseline.cpu ? `target-cpu=${baseline.cpu}` : "target's default CPU", ...baseline.features].join(' '),
    cFlags: plan.cFlags,
    rustflags: plan.rustflags,
    files: staged.files,
    archives: [...packaged.archives, ...packaged.files.filter((file) => file.kind === 'debug' || file.kind === 'package')].map((file) => ({
      name: file.name,
      size: file.size,
      sha256: file.hashes.sha256,
    })),
    upload: results.uploaded,
    phases: results.phases,
    nativeReplacements: results.built.nativeReplacements,
    cache: cache.entries.map((entry) => ({ name: entry.name, key: entry.keys.key, parts: entry.keys.parts, matched: entry.matched, restoredBytes: entry.restoredBytes })),
    stamp: cache.stamp,
  })
  return summary + (results.preflight.markdown ? `\n${results.preflight.markdown}` : '') + (results.verification ? `\n${renderVerificationSummary(results.verification)}` : '')
}

/**
 * The summary of a failed step: the phases that ran (the last one failed), what they
 * kept (the target, the preflight table), and the error as the diagnosis.
 */
export function renderFailureSummary(phases: readonly PhaseTiming[], kept: readonly string[], diagnosis: string): string {
  const lines = ['## rust-xbuild: failed', '']
  for (const section of kept) lines.push(section.trimEnd(), '')
  lines.push('| Phase | Seconds | Result |', '|---|---:|---|')
  for (const phase of phases) lines.push(`| ${phase.name} | ${phase.seconds.toFixed(1)} | ${phase.ok === false ? '**failed**' : 'done'} |`)
  if (!phases.length) lines.push('| (none) | | |')
  lines.push('', '### Diagnosis', '', ...diagnosis.split('\n').map((line) => `> ${line}`))
  return `${lines.join('\n')}\n`
}
