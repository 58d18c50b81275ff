/**
 * The merge as data: its inputs, the per-target manifests read back, and one combined
 * set of files. Archives keep their names at the top; loose binaries go to
 * `<target>/<bin>`, since every target has its own `app`, and to `<target>/<cpu>/<bin>`
 * when a target has builds of several CPU baselines (variants, keyed `<target>@<cpu>`).
 * A name claimed by two artifacts with different contents, and an expected target or
 * variant without an artifact, are problems. Pure: action.ts collects, verifies and writes.
 */
import { MergeInput } from '../common/constants.js'
import { ActionError, InputError } from '../errors.js'
import { checkArtifactName, looksLikeTriple, optional, parseList, parseReleaseTag, type InputReader } from '../inputs/readers.js'
import { dockerPlatforms, targetFacts, tripleForDockerPlatform } from '../common/target.js'
import { cpuLabel, isCpuName } from '../common/cpu.js'
import { collisionProblem, expectedIsMet, targetVariants } from './variants.js'
import { isSafeRelativePath, UNSAFE_NAME_CHARS } from '../inputs/packaging.js'
import picomatch from 'picomatch'

export type MergeUpload = 'artifact' | 'release'

export interface MergeInputs {
  /** Artifact names to collect: a glob with `*` */
  pattern: string
  /** Local folders (the build action's `dir` outputs, globs allowed) instead of artifacts */
  dirs: string[]
  /** Triples, or Docker platforms (any libc), that must be present; `<either>@<cpu>` for one variant */
  expect: string[]
  /** Output folder, relative to the workspace */
  path: string
  dockerDir?: string
  upload: MergeUpload[]
  artifactName: string
  releaseTag?: string
  token?: string
  /** `image-cpu`: which variant stands for its Docker platform (`<cpu>` or `<target>@<cpu>` entries) */
  imageCpu: string[]
}

function relativeInside(input: string, value: string): string {
  const normalized = value.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\.\//, '')
  if (!isSafeRelativePath(normalized)) throw new InputError(input, value, 'expected a folder inside the workspace, relative to it, such as dist or docker-bin.')
  return normalized
}

/** One `expect` entry: a triple or a Docker platform, with `@<cpu>` for one variant of it. */
function parseExpected(entry: string): string {
  const at = entry.indexOf('@')
  const target = at < 0 ? entry : entry.slice(0, at)
  const cpu = at < 0 ? undefined : entry.slice(at + 1)
  if (cpu !== undefined && !isCpuName(cpu))
    throw new InputError(MergeInput.Expect, entry, `expected a target-cpu after @, such as x86_64-unknown-linux-gnu@x86-64-v3 (or @baseline: the build without target-cpu).`)
  const variant = cpu === undefined ? '' : `@${cpu}`
  if (target.includes('/')) {
    // A Docker platform is satisfied by a target of either libc (linux/arm64: aarch64 gnu or musl).
    const platform = target.toLowerCase() === 'linux/arm64/v8' ? 'linux/arm64' : target.toLowerCase()
    if (!tripleForDockerPlatform(platform, 'gnu'))
      throw new InputError(MergeInput.Expect, entry, `not a Docker platform the action knows; use one of ${dockerPlatforms().join(', ')}, or a Rust target triple.`)
    return platform + variant
  }
  if (!looksLikeTriple(target))
    throw new InputError(
      MergeInput.Expect,
      entry,
      'expected Rust target triples (x86_64-unknown-linux-gnu), or one CPU variant of one (x86_64-unknown-linux-gnu@x86-64-v3), separated by commas or newlines.',
    )
  return target + variant
}

export function parseMergeInputs(read: InputReader): MergeInputs {
  const pattern = read(MergeInput.Pattern).trim() || 'rust-xbuild-*'
  if (/["<>|?\\/:\r\n]/.test(pattern)) throw new InputError(MergeInput.Pattern, pattern, 'expected an artifact name pattern such as rust-xbuild-* (only * is a wildcard).')

  const expect = parseList(read(MergeInput.Expect)).map(parseExpected)

  const uploadValue = read(MergeInput.Upload).trim()
  const upload = new Set<MergeUpload>()
  for (const item of parseList(uploadValue.toLowerCase())) {
    if (item === 'artifact' || item === 'release') upload.add(item)
    else if (item !== 'none') throw new InputError(MergeInput.Upload, uploadValue, 'expected artifact, release, both (artifact, release), or none.')
  }
  const dirs = parseList(read(MergeInput.Dirs))
  for (const dir of dirs)
    if (dir.includes('\0') || /[?[\]{}]/.test(dir)) throw new InputError(MergeInput.Dirs, dir, "expected folders (the build action's dir outputs); * is the only wildcard, e.g. target/xbuild/*.")
  // From local folders there may be no artifact service: upload only when asked.
  if (uploadValue === '' && !dirs.length) upload.add('artifact')

  const artifactName = read(MergeInput.ArtifactName).trim() || 'rust-xbuild-merged'
  checkArtifactName(MergeInput.ArtifactName, artifactName)
  const dockerDir = read(MergeInput.DockerDir).trim()
  return {
    pattern,
    dirs,
    expect: [...new Set(expect)].sort(),
    path: relativeInside(MergeInput.Path, read(MergeInput.Path).trim() || 'rust-xbuild'),
    dockerDir: dockerDir === '' ? undefined : relativeInside(MergeInput.DockerDir, dockerDir),
    upload: [...upload].sort(),
    artifactName,
    releaseTag: parseReleaseTag(read, MergeInput.ReleaseTag),
    token: optional(read(MergeInput.Token)),
    imageCpu: parseList(read(MergeInput.ImageCpu)).map(parseImageCpu),
  }
}

/** One `image-cpu` entry: a target-cpu (`x86-64-v3`, `baseline`), or `<triple>@<cpu>` for one target. */
function parseImageCpu(entry: string): string {
  const at = entry.indexOf('@')
  const target = at < 0 ? undefined : entry.slice(0, at)
  const cpu = at < 0 ? entry : entry.slice(at + 1)
  if (!isCpuName(cpu) || (target !== undefined && !looksLikeTriple(target)))
    throw new InputError(MergeInput.ImageCpu, entry, 'expected the target-cpu of the builds to put in the image, such as x86-64-v3, or one per target: x86_64-unknown-linux-gnu@x86-64-v3.')
  return entry
}

/** `rust-xbuild-*` → a matcher for artifact names (picomatch: `*` is the one wildcard the input allows). */
export function artifactMatcher(pattern: string): RegExp {
  return picomatch.makeRe(pattern, { dot: true })
}

/** Archives, debug archives, deb/rpm packages and SBOMs carry their target in their name; loose binaries go under `<target>/`. */
export type FileKind = 'binary' | 'archive' | 'debug' | 'package' | 'sbom'

const TOP_LEVEL_KINDS: readonly string[] = ['archive', 'debug', 'package', 'sbom']

export interface ManifestFile {
  name: string
  kind: FileKind
  size: number
  sha256: string
  sha512?: string
}

export interface TargetManifest {
  target: string
  /** The build's CPU baseline, as `{cpu}` names it: its target-cpu, `baseline` when none was given */
  cpu: string
  files: ManifestFile[]
  /** The build facts (toolchain, rustflags, baseline, linker) carried into the combined manifest */
  build: Record<string, unknown>
}

/** Bounds on what one artifact may claim: a manifest is a few KiB; more is an attack or a mistake. */
export const MAX_MANIFEST_BYTES = 1024 * 1024
export const MAX_MANIFEST_FILES = 10_000

/**
 * A manifest's target becomes a folder name: the triple grammar of the target input
 * (looksLikeTriple), whose parts also start with a letter or digit (never `.` or `..`).
 */
export function isManifestTarget(value: string): boolean {
  return looksLikeTriple(value) && value.split('-').every((part) => /^[a-z0-9]/.test(part)) && targetFacts(value).triple === value
}

/** A file name in a manifest: one plain name that is safe in SHA256SUMS and on every runner OS. */
export function isManifestFileName(name: string): boolean {
  return isSafeRelativePath(name) && !UNSAFE_NAME_CHARS.test(name) && !name.startsWith('.')
}

/** Read a per-target manifest.json; anything malformed or unsafe is an error naming the artifact and the value. */
export function parseManifest(text: string, artifact: string): TargetManifest {
  const fail = (why: string): never => {
    throw new ActionError(`The artifact ${artifact} has a bad manifest.json: ${why}`)
  }
  if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) fail(`${Buffer.byteLength(text)} bytes, more than the ${MAX_MANIFEST_BYTES} a manifest may have.`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return fail(`not JSON (${error instanceof Error ? error.message : String(error)}).`)
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return fail('not an object.')
  // sums and docker describe the target's own folder; the merge writes its own.
  const { target, files, ...rest } = json as Record<string, unknown>
  const build = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'sums' && key !== 'docker'))
  if (typeof target !== 'string' || !target) return fail('no target.')
  if (!isManifestTarget(target)) return fail(`the target ${JSON.stringify(target)} is not a Rust target triple (such as x86_64-unknown-linux-gnu); it names the folder of its binaries.`)
  const cpu = manifestCpu(rest.baseline)
  if (cpu === undefined)
    return fail(`the baseline's targetCpu ${JSON.stringify((rest.baseline as Record<string, unknown>).targetCpu)} is not a CPU name (such as x86-64-v3); it names the folder of its binaries.`)
  if (!Array.isArray(files)) return fail('no files list.')
  if (files.length > MAX_MANIFEST_FILES) return fail(`it lists ${files.length} files, more than the ${MAX_MANIFEST_FILES} a build stages.`)
  const names = new Set<string>()
  const parsed = files.map((file: unknown): ManifestFile => {
    const entry = (file && typeof file === 'object' ? file : {}) as Record<string, unknown>
    const name = entry.name
    if (typeof name !== 'string' || !isManifestFileName(name)) return fail(`the file name ${JSON.stringify(name)} is not a plain file name.`)
    if (names.has(name)) return fail(`${name} is listed twice.`)
    names.add(name)
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) return fail(`${name} has no sha256.`)
    if (typeof entry.size !== 'number' || !Number.isSafeInteger(entry.size) || entry.size < 0) return fail(`${name} has no size (${JSON.stringify(entry.size)}).`)
    if (entry.sha512 !== undefined && (typeof entry.sha512 !== 'string' || !/^[0-9a-f]{128}$/.test(entry.sha512))) return fail(`${name} has a malformed sha512.`)
    return {
      name,
      // A kind this merge does not know goes under <target>/ as a binary does: never to the top.
      kind: typeof entry.kind === 'string' && TOP_LEVEL_KINDS.includes(entry.kind) ? (entry.kind as FileKind) : 'binary',
      size: entry.size,
      sha256: entry.sha256,
      ...(entry.sha512 ? { sha512: entry.sha512 as string } : {}),
    }
  })
  return { target, cpu, files: parsed, build }
}

/** The variant a manifest's `baseline` names (`{ targetCpu: 'x86-64-v3' }`); a manifest without one is the baseline build. undefined: not a CPU name. */
function manifestCpu(baseline: unknown): string | undefined {
  const targetCpu = baseline && typeof baseline === 'object' ? (baseline as Record<string, unknown>).targetCpu : undefined
  if (targetCpu === undefined || targetCpu === null) return cpuLabel(undefined)
  return typeof targetCpu === 'string' && isCpuName(targetCpu) && isManifestFileName(targetCpu) ? targetCpu : undefined
}

export interface MergedFile {
  /** Relative path in the merged folder */
  path: string
  target: string
  /** The baseline of the build it came from (`{cpu}`) */
  cpu: string
  artifact: string
  /** The file's name inside its artifact */
  source: string
  kind: FileKind
  size: number
  sha256: string
  sha512?: string
}

export interface MergePlan {
  files: MergedFile[]
  targets: string[]
  /** Each target's CPU baselines, sorted: more than one means variants, under `<target>/<cpu>/` */
  variants: Record<string, string[]>
  problems: string[]
}

/** `<target>/<bin>`; `<target>/<cpu>/<bin>` for one variant of a target built for several baselines. Other kinds stay at the top. */
export function mergedPath(file: ManifestFile, target: string, cpuFolder?: string): string {
  if (file.kind !== 'binary') return file.name
  return cpuFolder === undefined ? `${target}/${file.name}` : `${target}/${cpuFolder}/${file.name}`
}

/** The files the merge writes at the top of its folder; no artifact may bring a file by these names. */
export const MERGE_OWN_NAMES = ['SHA256SUMS', 'SHA512SUMS', 'manifest.json']

/** Why an artifact's top-level file may not have this name in the merged folder, or undefined. */
export function claimedName(name: string, targets: ReadonlySet<string>, reserved: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  if (MERGE_OWN_NAMES.some((own) => own.toLowerCase() === lower)) return `it is the name of the merge's own ${name.toLowerCase() === 'manifest.json' ? 'manifest' : 'checksum list'}`
  if (/\.sha(256|512)$/.test(lower)) return 'names ending in .sha256 or .sha512 are checksum files, which the merge alone writes'
  if (targets.has(name)) return `it is the folder of the ${name} binaries`
  if (reserved.includes(name)) return 'the merge writes there itself (docker-dir or image-archive)'
  return undefined
}

/**
 * One set of files from every artifact. `reserved`: first parts of paths the merge itself
 * writes into its folder (docker-dir, image-archive, when they are inside it).
 */
export function planMerge(artifacts: readonly { artifact: string; manifest: TargetManifest }[], expect: readonly string[], reserved: readonly string[] = []): MergePlan {
  const problems: string[] = []
  const byPath = new Map<string, MergedFile>()
  const variants = targetVariants(artifacts.map((a) => a.manifest))
  const folders = new Set(Object.keys(variants))
  for (const { artifact, manifest } of [...artifacts].sort((a, b) => (a.artifact < b.artifact ? -1 : 1))) {
    // One build of a target keeps <target>/<bin>; several baselines get a folder each.
    const cpuFolder = (variants[manifest.target]?.length ?? 0) > 1 ? manifest.cpu : undefined
    for (const file of manifest.files) {
      const claimed = file.kind === 'binary' ? undefined : claimedName(file.name, folders, reserved)
      if (claimed) {
        problems.push(`${artifact}: the ${file.kind} ${JSON.stringify(file.name)} cannot be merged: ${claimed}. Rename it in the build (the name input).`)
        continue
      }
      const merged: MergedFile = {
        path: mergedPath(file, manifest.target, cpuFolder),
        target: manifest.target,
        cpu: manifest.cpu,
        artifact,
        source: file.name,
        kind: file.kind,
        size: file.size,
        sha256: file.sha256,
        ...(file.sha512 ? { sha512: file.sha512 } : {}),
      }
      const earlier = byPath.get(merged.path)
      if (!earlier) byPath.set(merged.path, merged)
      else if (earlier.sha256 !== merged.sha256) problems.push(collisionProblem(earlier, merged))
    }
  }
  const targets = Object.keys(variants).sort()
  const missing = expect.filter((wanted) => !expectedIsMet(wanted, variants))
  if (missing.length) {
    const byVariant = expect.some((wanted) => wanted.includes('@'))
    const found = targets.flatMap((target) => (byVariant || (variants[target]?.length ?? 0) > 1 ? (variants[target] ?? []).map((cpu) => `${target}@${cpu}`) : [target]))
    problems.unshift(`Expected target(s) missing: ${missing.join(', ')}. Found: ${found.join(', ') || 'none'} (artifacts ${artifacts.map((a) => a.artifact).join(', ') || 'none'}).`)
  }
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return { files, targets, variants, problems }
}

export function renderMergedManifest(
  artifacts: readonly { artifact: string; manifest: TargetManifest }[],
  plan: MergePlan,
  sums: readonly string[],
  docker: readonly string[],
  image?: Record<string, unknown>,
): string {
  const key = (m: TargetManifest, artifact: string): string => `${m.target}\0${m.cpu}\0${artifact}`
  const manifest = {
    // One entry per build: its variant (`cpu`) and where its loose binaries are.
    targets: [...artifacts]
      .sort((a, b) => (key(a.manifest, a.artifact) < key(b.manifest, b.artifact) ? -1 : 1))
      .map(({ artifact, manifest: m }) => ({
        target: m.target,
        cpu: m.cpu,
        dir: (plan.variants[m.target]?.length ?? 0) > 1 ? `${m.target}/${m.cpu}` : m.target,
        artifact,
        ...m.build,
      })),
    files: plan.files.map((file) => ({
      name: file.path,
      target: file.target,
      cpu: file.cpu,
      kind: file.kind,
      size: file.size,
      sha256: file.sha256,
      ...(file.sha512 ? { sha512: file.sha512 } : {}),
    })),
    sums,
    docker,
    ...(image ? { image } : {}),
  }
  return `${JSON.stringify(manifest, null, 2)}\n`
}
