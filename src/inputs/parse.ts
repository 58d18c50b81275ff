/**
 * Every input parsed and validated once into one typed object. Pure: the caller passes
 * a reader (core.getInput in production, a table in tests).
 */
import path from 'node:path'
import { Input } from '../common/constants.js'
import { InputError } from '../errors.js'
import { checkArtifactName, looksLikeTriple, optional, parseBoolean, parseChoice, parseList, parseReleaseTag, splitArgs, type InputReader } from './readers.js'
import { dockerPlatforms, isDockerPlatform, targetFacts, tripleForDockerPlatform, type Libc } from '../common/target.js'
import { DEFAULT_NAME_TEMPLATE, checkIncludePattern, checkNameTemplate, type ArchiveFormat } from './packaging.js'
import { type ChecksumAlgorithm } from '../common/checksum.js'
import { checkLinuxPackageTarget, parseLinuxPackageFormats, type LinuxPackageFormat } from './linux-packages.js'

export type LinkerChoice = 'auto' | 'gcc' | 'zig' | 'none'
export type Command = 'build' | 'test' | 'both'
export type VerifyMode = 'error' | 'warn' | 'off'
export type UploadMode = 'artifact' | 'release' | 'none'

export const DEFAULT_ARTIFACT_NAME = 'rust-xbuild-{target}'

export interface Inputs {
  /** The Rust triple (a Docker platform is already mapped); the facts derive from it once (inputs/phase.ts) */
  triple: string
  /** The `target` input as the workflow gave it (a triple or a Docker platform), for messages */
  targetAsGiven: string
  libc: Libc
  /** undefined: the project's rust-toolchain file, else stable; 'system': cargo on PATH */
  toolchain?: string
  linker: LinkerChoice
  glibc?: string
  targetCpu?: string
  /** Signed features as given: +aes, -avx512 */
  targetFeatures: string[]
  rustflags: string[]
  /** As given, resolved against the workspace by the caller */
  workingDirectory: string
  packages: string[]
  bins: string[]
  features: string[]
  allFeatures: boolean
  noDefaultFeatures: boolean
  locked: boolean
  profile: string
  args: string[]
  command: Command
  buildStd: boolean
  strip: boolean
  /** Keep each binary's debug information in a file of its own (.debug, .pdb, .dSYM) before stripping */
  debugSymbols: boolean
  /** Restore and save the build cache */
  cache: boolean
  /** Whether the post step saves the cache (cache-save) */
  cacheSave: boolean
  /** Whether the post step saves after a failed build too (cache-on-failure) */
  cacheOnFailure: boolean
  /** An extra part for the cache key */
  cacheKey: string
  verify: VerifyMode
  /** Fail (or warn) when a binary needs a newer glibc than this */
  maxGlibc?: string
  /** Arguments to run each binary with after the build; undefined: no smoke test */
  smokeTest?: string[]
  /** Distribution packages to install for the target architecture (libssl-dev → libssl-dev:arm64) */
  systemPackages: string[]
  /** undefined: no protoc; 'any': a protoc on PATH or the pinned one; else a minimum version */
  protoc?: string
  /** 'auto': zip for Windows targets, tar.gz otherwise */
  archive: ArchiveFormat | 'none' | 'auto'
  /** Archive name template with {bin}, {target}, {version} (checked) */
  nameTemplate: string
  /** Files or globs relative to the working directory, put in each archive (checked) */
  include: string[]
  checksums: ChecksumAlgorithm[]
  /** Write a CycloneDX SBOM per built package into the staging folder */
  sbom: boolean
  /** System packages per cargo package with binaries (Linux targets; checked against the target) */
  linuxPackages: LinuxPackageFormat[]
  /** Relative to the workspace; undefined: no Docker platform layout */
  dockerDir?: string
  upload: UploadMode
  /** Template with {target} */
  artifactName: string
  /** undefined: the tag of GITHUB_REF */
  releaseTag?: string
  token?: string
}

const CPU_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/
const FEATURE = /^[+-][A-Za-z0-9_.]+$/
const GLIBC = /^2\.(\d|[1-9]\d)$/
const CARGO_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:@/+-]*$/

function parseTarget(read: InputReader, libc: Libc): string {
  const value = read(Input.Target).trim()
  if (value === '') {
    throw new InputError(Input.Target, value, 'a target is required: a Rust triple such as aarch64-unknown-linux-gnu, or a Docker platform such as linux/arm64.')
  }
  if (isDockerPlatform(value)) {
    const triple = tripleForDockerPlatform(value.toLowerCase(), libc)
    if (!triple) {
      throw new InputError(Input.Target, value, `not a Docker platform the action knows; use one of ${dockerPlatforms().join(', ')}, or a Rust target triple.`)
    }
    return triple
  }
  if (!looksLikeTriple(value)) {
    throw new InputError(Input.Target, value, 'not a Rust target triple (such as x86_64-unknown-linux-musl) nor a Docker platform (such as linux/arm64).')
  }
  return value
}

export function parseInputs(read: InputReader): Inputs {
  const target = parseTargetInputs(read)
  const compilers = parseCompilerInputs(read, target)
  const checks = parseCheckInputs(read)
  const linuxPackages = parseLinuxPackageFormats(read(Input.Packages))
  checkLinuxPackageTarget(linuxPackages, targetFacts(target.triple))
  const cargo = parseCargoInputs(read)
  return {
    ...parsePublishing(read),
    ...target,
    ...compilers,
    ...cargo,
    ...checks,
    systemPackages: cargoNames(read, Input.SystemPackages),
    linuxPackages,
  }
}

/** `target` and `libc`: the triple, as given and resolved, and its C library. */
function parseTargetInputs(read: InputReader): Pick<Inputs, 'triple' | 'targetAsGiven' | 'libc'> {
  const libcValue = read(Input.Libc).trim()
  // Empty (the default): gnu for a Docker platform, and whatever the triple names otherwise.
  const libc = parseChoice(read, Input.Libc, ['gnu', 'musl'] as const, 'gnu')
  const triple = parseTarget(read, libc)
  const targetAsGiven = read(Input.Target).trim()
  const facts = targetFacts(triple)
  if (libcValue !== '' && !isDockerPlatform(targetAsGiven) && facts.libc !== libc) {
    const named = facts.libc === 'other' ? `the triple '${triple}' has no gnu or musl C library` : `the triple '${triple}' already names its libc (${facts.libc})`
    throw new InputError(Input.Libc, libcValue, `it only chooses between the gnu and musl triples of a Docker-platform target; ${named}. Remove 'libc' or use the ${libc} triple.`)
  }
  return { triple, targetAsGiven, libc: facts.libc === 'musl' ? 'musl' : 'gnu' }
}

/** `toolchain`, `linker`, `glibc`, `target-cpu` and `target-features`, checked against the target. */
function parseCompilerInputs(read: InputReader, { triple }: Pick<Inputs, 'triple'>): Pick<Inputs, 'toolchain' | 'linker' | 'glibc' | 'targetCpu' | 'targetFeatures'> {
  const facts = targetFacts(triple)
  const toolchainValue = read(Input.Toolchain).trim()
  if (toolchainValue !== '' && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(toolchainValue)) {
    throw new InputError(Input.Toolchain, toolchainValue, 'expected a rustup toolchain name (stable, nightly, 1.85.0, nightly-2025-01-01) or system.')
  }
  const linker = parseChoice(read, Input.Linker, ['auto', 'gcc', 'zig', 'none'] as const, 'auto')
  const glibcValue = read(Input.Glibc).trim()
  if (glibcValue !== '') {
    if (!GLIBC.test(glibcValue)) throw new InputError(Input.Glibc, glibcValue, 'expected a glibc version such as 2.17 or 2.28.')
    if (facts.libc === 'musl') throw new InputError(Input.Glibc, glibcValue, `a glibc floor does not apply to the musl target ${triple}; remove 'glibc' or choose a gnu target.`)
    if (facts.os !== 'linux' || facts.libc !== 'gnu') throw new InputError(Input.Glibc, glibcValue, `a glibc floor only applies to Linux gnu targets, not ${triple}.`)
    if (linker === 'gcc' || linker === 'none') {
      throw new InputError(Input.Linker, linker, `a glibc floor (glibc: ${glibcValue}) needs zig to link against that glibc; use linker: auto or zig.`)
    }
  }
  const cpuValue = read(Input.TargetCpu).trim()
  if (cpuValue !== '' && !CPU_NAME.test(cpuValue)) {
    throw new InputError(Input.TargetCpu, cpuValue, 'expected a CPU name such as x86-64-v2, haswell, neoverse-n1 or generic.')
  }
  const targetFeatures = parseList(read(Input.TargetFeatures)).flatMap((item) => item.split(/\s+/))
  for (const feature of targetFeatures) {
    if (!FEATURE.test(feature)) {
      throw new InputError(Input.TargetFeatures, feature, 'each feature needs a sign and a name, such as +aes, -avx512f or -avx512 (a group).')
    }
  }
  return { toolchain: toolchainValue || undefined, linker, glibc: glibcValue || undefined, targetCpu: cpuValue || undefined, targetFeatures }
}

/** `verify`, `max-glibc`, `smoke-test` and `protoc`. */
function parseCheckInputs(read: InputReader): Pick<Inputs, 'maxGlibc' | 'smokeTest' | 'protoc' | 'verify'> {
  const maxGlibc = read(Input.MaxGlibc).trim()
  if (maxGlibc !== '' && !GLIBC.test(maxGlibc)) throw new InputError(Input.MaxGlibc, maxGlibc, 'expected a glibc version such as 2.28.')
  const smokeTestValue = read(Input.SmokeTest).trim()
  const protocValue = read(Input.Protoc).trim()
  let protoc: string | undefined
  if (/^(true|yes|on)$/i.test(protocValue)) protoc = 'any'
  else if (protocValue !== '' && !/^(false|no|off)$/i.test(protocValue)) {
    if (!/^\d+\.\d+(\.\d+)?$/.test(protocValue)) throw new InputError(Input.Protoc, protocValue, 'expected true, false, or a minimum protoc version such as 25.1.')
    protoc = protocValue
  }
  return {
    maxGlibc: maxGlibc || undefined,
    smokeTest: smokeTestValue === '' ? undefined : splitArgs(smokeTestValue, Input.SmokeTest),
    protoc,
    verify: parseChoice(read, Input.Verify, ['error', 'warn', 'off'] as const, 'error'),
  }
}

/** Names separated by commas or newlines, each a cargo name (package, bin, feature, Debian package). */
function cargoNames(read: InputReader, name: string): string[] {
  const list = parseList(read(name))
  for (const item of list) if (!CARGO_NAME.test(item)) throw new InputError(name, item, 'expected names separated by commas or newlines.')
  return list
}

/** What cargo builds and how: selection, profile, flags, command, cache. */
function parseCargoInputs(
  read: InputReader,
): Pick<
  Inputs,
  | 'cacheKey'
  | 'profile'
  | 'rustflags'
  | 'workingDirectory'
  | 'packages'
  | 'bins'
  | 'features'
  | 'allFeatures'
  | 'noDefaultFeatures'
  | 'locked'
  | 'args'
  | 'command'
  | 'buildStd'
  | 'strip'
  | 'debugSymbols'
  | 'cache'
  | 'cacheSave'
  | 'cacheOnFailure'
> {
  const cacheKey = read(Input.CacheKey).trim()
  if (/[\n,]/.test(cacheKey)) throw new InputError(Input.CacheKey, cacheKey, 'a cache key part may not contain commas or newlines.')
  const profile = read(Input.Profile).trim() || 'release'
  if (!/^[A-Za-z0-9_-]+$/.test(profile)) throw new InputError(Input.Profile, profile, 'expected a cargo profile name such as release or dev.')
  return {
    cacheKey,
    profile,
    rustflags: splitArgs(read(Input.Rustflags), Input.Rustflags),
    workingDirectory: read(Input.WorkingDirectory).trim() || '.',
    packages: cargoNames(read, Input.Package),
    bins: cargoNames(read, Input.Bin),
    features: cargoNames(read, Input.Features),
    allFeatures: parseBoolean(read, Input.AllFeatures, false),
    noDefaultFeatures: parseBoolean(read, Input.NoDefaultFeatures, false),
    locked: parseBoolean(read, Input.Locked, false),
    args: splitArgs(read(Input.Args), Input.Args),
    command: parseChoice(read, Input.Command, ['build', 'test', 'both'] as const, 'build'),
    buildStd: parseBoolean(read, Input.BuildStd, false),
    strip: parseBoolean(read, Input.Strip, true),
    debugSymbols: parseBoolean(read, Input.DebugSymbols, false),
    cache: parseBoolean(read, Input.Cache, true),
    cacheSave: parseBoolean(read, Input.CacheSave, true),
    cacheOnFailure: parseBoolean(read, Input.CacheOnFailure, false),
  }
}

/** The packaging and publishing inputs (archive, name, include, checksum, docker-dir, upload, ...). */
function parsePublishing(read: InputReader): Pick<Inputs, 'archive' | 'nameTemplate' | 'include' | 'checksums' | 'sbom' | 'dockerDir' | 'upload' | 'artifactName' | 'releaseTag' | 'token'> {
  const archive = parseChoice(read, Input.Archive, ['auto', 'tar.gz', 'zip', 'tar.zst', 'none'] as const, 'auto')

  const nameTemplate = read(Input.Name).trim() || DEFAULT_NAME_TEMPLATE
  checkNameTemplate(nameTemplate)

  const include = parseList(read(Input.Include))
  for (const pattern of include) checkIncludePattern(pattern)

  const checksumValue = read(Input.Checksum).trim()
  const checksums = new Set<ChecksumAlgorithm>()
  for (const item of parseList(checksumValue.toLowerCase())) {
    if (item === 'both') checksums.add('sha256').add('sha512')
    else if (item === 'sha256' || item === 'sha512') checksums.add(item)
    else throw new InputError(Input.Checksum, checksumValue, 'expected sha256, sha512, or both (sha256, sha512).')
  }
  if (!checksums.size) checksums.add('sha256')

  const dockerValue = read(Input.DockerDir).trim()
  let dockerDir: string | undefined
  if (dockerValue !== '') {
    const normalized = path.posix.normalize(dockerValue.replace(/\\/g, '/')).replace(/\/+$/, '')
    if (path.posix.isAbsolute(normalized) || /^[A-Za-z]:/.test(normalized) || normalized === '..' || normalized.startsWith('../') || normalized === '.' || dockerValue.includes('\0')) {
      throw new InputError(Input.DockerDir, dockerValue, 'expected a folder inside the workspace, relative to it, such as docker-bin.')
    }
    dockerDir = normalized
  }

  const artifactName = read(Input.ArtifactName).trim() || DEFAULT_ARTIFACT_NAME
  const unknown = /\{([^}]*)\}/g.exec(artifactName.replace(/\{(target|cpu)\}/g, ''))
  if (unknown) throw new InputError(Input.ArtifactName, artifactName, `unknown placeholder ${unknown[0]}; the placeholders are {target} and {cpu} (the target-cpu, or baseline).`)
  checkArtifactName(Input.ArtifactName, artifactName)

  return {
    archive,
    nameTemplate,
    include,
    checksums: [...checksums].sort(),
    sbom: parseBoolean(read, Input.Sbom, true),
    dockerDir,
    upload: parseChoice(read, Input.Upload, ['artifact', 'release', 'none'] as const, 'artifact'),
    artifactName,
    releaseTag: parseReleaseTag(read, Input.ReleaseTag),
    token: optional(read(Input.Token)),
  }
}
