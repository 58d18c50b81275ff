/**
 * CPU variants: builds of one target for several baselines (`target-cpu`, `{cpu}`), keyed
 * `<target>@<cpu>`. Which variants each target has, whether `expect` is met, why two of them
 * cannot share a file name, and which one stands for the target's Docker platform. Pure.
 */
import { MergeInput } from '../common/constants.js'
import { cpuLabel } from '../common/cpu.js'
import { targetFacts } from '../common/target.js'
import type { MergedFile, TargetManifest } from './plan.js'

/** The baselines each target was built for: the variant keys `<target>@<cpu>`. */
export function targetVariants(manifests: readonly Pick<TargetManifest, 'target' | 'cpu'>[]): Record<string, string[]> {
  const variants: Record<string, string[]> = {}
  for (const { target, cpu } of manifests) variants[target] = [...new Set([...(variants[target] ?? []), cpu])].sort()
  return variants
}

/** Whether an `expect` entry (`triple`, `platform`, either with `@cpu`) is met by a build. */
export function expectedIsMet(wanted: string, variants: Readonly<Record<string, readonly string[]>>): boolean {
  const [where = '', cpu] = wanted.split('@')
  return Object.entries(variants).some(([target, cpus]) => (where.includes('/') ? targetFacts(target).dockerPlatform === where : target === where) && (cpu === undefined || cpus.includes(cpu)))
}

/** Why two files of one path cannot both be merged, and what to do. */
export function collisionProblem(earlier: MergedFile, later: MergedFile): string {
  const sameTarget = earlier.target === later.target
  const who = (file: MergedFile): string => `${file.artifact} (${file.target}${sameTarget ? `@${file.cpu}` : ''}, sha256 ${file.sha256.slice(0, 12)}…)`
  const claimed = `${later.path} is claimed by ${who(earlier)} and ${who(later)} with different contents`
  if (!sameTarget) return `${claimed}; give archives distinct names (keep {target} in the name template).`
  if (earlier.cpu === later.cpu) return `${claimed}: two builds of ${later.target}@${later.cpu}; merge one build per target and target-cpu (narrow the pattern or dirs input).`
  if (later.kind === 'package')
    return `${claimed}: deb and rpm packages are named by their format, not by the name input; build packages in one CPU variant of ${later.target} only (packages left empty in the others).`
  return `${claimed}: they are CPU variants of ${later.target} (${earlier.cpu}, ${later.cpu}); add {cpu} to the name input of the builds (e.g. {bin}-{version}-{target}-{cpu}) so that each baseline's archives have names of their own.`
}

/** x86-64's levels in order: the lowest of them is a target's baseline when no build is without target-cpu. */
const X86_LEVELS = ['x86-64', 'x86-64-v2', 'x86-64-v3', 'x86-64-v4']

/** The lowest of a target's baselines: the build without target-cpu, `generic`, else the lowest x86-64 level; undefined when none is known to be lowest. */
export function lowestBaseline(cpus: readonly string[]): string | undefined {
  for (const plain of [cpuLabel(undefined), 'generic']) if (cpus.includes(plain)) return plain
  return X86_LEVELS.find((level) => cpus.includes(level))
}

/**
 * The variant of each target that stands for its Docker platform in the image and docker-dir
 * (one per platform): the one `image-cpu` names, else the lowest baseline. Entries that no
 * build has, or a target left with no choice, are problems.
 */
export function platformVariants(variants: Readonly<Record<string, readonly string[]>>, imageCpu: readonly string[]): { chosen: Record<string, string>; problems: string[] } {
  const chosen: Record<string, string> = {}
  const problems: string[] = []
  const entries = imageCpu.map((entry) => {
    const at = entry.indexOf('@')
    return { entry, target: at < 0 ? undefined : entry.slice(0, at), cpu: at < 0 ? entry : entry.slice(at + 1) }
  })
  for (const entry of entries) {
    if (!Object.entries(variants).some(([target, cpus]) => (entry.target ?? target) === target && cpus.includes(entry.cpu)))
      problems.push(`Input '${MergeInput.ImageCpu}' names ${entry.entry}, which no merged build has (found ${variantList(variants)}).`)
  }
  for (const [target, cpus] of Object.entries(variants)) {
    const named = [...new Set(entries.filter((e) => (e.target ?? target) === target && cpus.includes(e.cpu)).map((e) => e.cpu))]
    // A target built once is its own platform's build, whatever its target-cpu.
    const pick = named.length ? named : [cpus.length === 1 ? cpus[0] : lowestBaseline(cpus)].filter((cpu) => cpu !== undefined)
    if (pick.length === 1 && pick[0]) chosen[target] = pick[0]
    else if (named.length > 1) problems.push(`Input '${MergeInput.ImageCpu}' names ${named.join(' and ')} for ${target}; name one (${target}@${named[0]}).`)
    else problems.push(`${target} has builds for ${cpus.join(', ')} and none is the baseline; choose the one for its image platform with ${MergeInput.ImageCpu} (e.g. ${target}@${cpus[0]}).`)
  }
  return { chosen, problems }
}

function variantList(variants: Readonly<Record<string, readonly string[]>>): string {
  return (
    Object.keys(variants)
      .sort()
      .flatMap((target) => (variants[target] ?? []).map((cpu) => `${target}@${cpu}`))
      .join(', ') || 'none'
  )
}
