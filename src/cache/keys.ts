/**
 * Cache keys, in layers, and the build-configuration fingerprint that decides whether a
 * target directory may be reused. Pure: every part is given, nothing is read here.
 *
 * A target directory is only ever reused under the same fingerprint: restore keys may
 * drop the lockfile layer, never the fingerprint.
 */
import crypto from 'node:crypto'

/** Bump to invalidate every cache the action ever wrote. */
export const CACHE_VERSION = 'v1'

export interface FingerprintParts {
  rustflags: readonly string[]
  /** What the C/C++ wrappers run, with the baseline flags they add */
  cCompilers: readonly string[]
  cFlags: readonly string[]
  linker: string
  /** `<compiler> --version` first line, or zig's version */
  linkerVersion: string
  glibc?: string
  targetCpu?: string
  targetFeatures: readonly string[]
  buildStd: boolean
  profile: string
  /** cargo selection arguments (--package, --bin, --features, ...) and extra args */
  cargoArgs: readonly string[]
  /** Environment variables that change what build scripts or cargo produce */
  env: Readonly<Record<string, string>>
  /** The cache-key input */
  userKey: string
}

export const hash = (text: string, length = 20): string => crypto.createHash('sha256').update(text).digest('hex').slice(0, length)

/**
 * Variables that shape build outputs: compilers and their flags as the cc and cmake crates
 * read them, cargo's and rustc's own, pkg-config's, and common *-sys crate switches.
 * Never: logging, backtraces, CI bookkeeping, paths of the runner.
 */
export const RELEVANT_VARIABLES = [
  /^CARGO_(?!HOME$|TERM_|INCREMENTAL$|LOG$|REGISTRIES_|NET_|HTTP_)/,
  /^RUSTC?_?FLAGS$/,
  /^RUSTC(_WRAPPER|_WORKSPACE_WRAPPER|_BOOTSTRAP)?$/,
  /^(HOST_|TARGET_)?(CC|CXX|AR|RANLIB|CFLAGS|CXXFLAGS|CPPFLAGS|LDFLAGS)(_.+)?$/,
  /^CMAKE_/,
  /^PKG_CONFIG/,
  /^[A-Z0-9_]+_(STATIC|DYNAMIC|DIR|LIB_DIR|INCLUDE_DIR|NO_VENDOR|VENDORED)$/,
  /^(OPENSSL|ZSTD|PROTOC|BINDGEN|LIBCLANG)_?/,
  /^MACOSX_DEPLOYMENT_TARGET$/,
  /^SDKROOT$/,
]
const IRRELEVANT = [/^RUST_(BACKTRACE|LOG|TEST_THREADS|MIN_STACK)$/, /^CARGO_TERM_/, /^CARGO_(BUILD_)?JOBS$/]

export function relevantEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const name of Object.keys(env).sort()) {
    const value = env[name]
    if (value === undefined) continue
    if (IRRELEVANT.some((pattern) => pattern.test(name))) continue
    if (RELEVANT_VARIABLES.some((pattern) => pattern.test(name))) picked[name] = value
  }
  return picked
}

/** A stable digest of everything that shapes a target directory's contents. */
export function fingerprint(parts: FingerprintParts): string {
  const ordered = {
    rustflags: parts.rustflags,
    cCompilers: parts.cCompilers,
    cFlags: parts.cFlags,
    linker: parts.linker,
    linkerVersion: parts.linkerVersion,
    glibc: parts.glibc ?? '',
    targetCpu: parts.targetCpu ?? '',
    targetFeatures: parts.targetFeatures,
    buildStd: parts.buildStd,
    profile: parts.profile,
    cargoArgs: parts.cargoArgs,
    env: parts.env,
    userKey: parts.userKey,
  }
  return hash(JSON.stringify(ordered))
}

export interface KeyPart {
  name: string
  value: string
}

export interface CacheKeys {
  /** The exact key saved under */
  key: string
  /** Prefixes tried in order when the exact key misses */
  restoreKeys: string[]
  /** Each layer, for the log and the summary */
  parts: KeyPart[]
}

export interface TargetKeyRequest {
  runnerOs: string
  runnerArch: string
  triple: string
  /** `rustc -vV` output */
  rustcVersion: string
  fingerprint: string
  /** Contents of Cargo.lock and every manifest, concatenated in a stable order */
  lockAndManifests: string
}

/** The target-directory key: version, runner, target, toolchain, fingerprint, then lockfile. */
export function targetCacheKeys(request: TargetKeyRequest): CacheKeys {
  const parts: KeyPart[] = [
    { name: 'version', value: `rust-xbuild-${CACHE_VERSION}` },
    { name: 'runner', value: `${request.runnerOs}-${request.runnerArch}` },
    { name: 'target', value: request.triple },
    { name: 'toolchain', value: hash(request.rustcVersion, 12) },
    { name: 'configuration', value: request.fingerprint },
    { name: 'lockfile', value: hash(request.lockAndManifests, 16) },
  ]
  const key = parts.map((part) => part.value).join('-')
  const withoutLock = `${parts
    .slice(0, -1)
    .map((part) => part.value)
    .join('-')}-`
  return { key, restoreKeys: [withoutLock], parts }
}

/** The cargo-home key: registry index, crate archives and git databases do not depend on flags. */
export function registryCacheKeys(runnerOs: string, lockText: string): CacheKeys {
  const prefix = `rust-xbuild-${CACHE_VERSION}-registry-${runnerOs}-`
  const lock = hash(lockText, 16)
  return { key: `${prefix}${lock}`, restoreKeys: [prefix], parts: [{ name: 'lockfile', value: lock }] }
}

/** The stamp file's text in a target directory: which configuration built it. */
export function stampText(fingerprintValue: string): string {
  return `rust-xbuild ${CACHE_VERSION} ${fingerprintValue}\n`
}

export type StampVerdict = 'fresh' | 'same' | 'other' | 'unknown'

/**
 * fresh: no target directory yet. same: built under this configuration. other: another
 * stamp. unknown: a directory without a stamp (a project's own build or cache).
 */
export function judgeStamp(dirExists: boolean, stamp: string | undefined, fingerprintValue: string): StampVerdict {
  if (!dirExists) return 'fresh'
  if (stamp === undefined) return 'unknown'
  return stamp === stampText(fingerprintValue) ? 'same' : 'other'
}

/**
 * zig's global cache: what zig built for one target and CPU (libc, start files,
 * compiler_rt, libunwind). Content-addressed, so it depends only on zig's version, the
 * target and the CPU; no prefix restore, as another CPU's objects are of no use.
 */
export function zigCacheKeys(runnerOs: string, runnerArch: string, zigVersion: string, zigTarget: string, cpu: string): CacheKeys {
  const parts: KeyPart[] = [
    { name: 'zig', value: zigVersion.trim() || 'unknown' },
    { name: 'zig target', value: zigTarget },
    { name: 'zig cpu', value: cpu },
  ]
  const key = `rust-xbuild-${CACHE_VERSION}-zig-${runnerOs}-${runnerArch}-${parts.map((part) => part.value.replace(/[^A-Za-z0-9._+-]/g, '_')).join('-')}`
  return { key, restoreKeys: [], parts }
}
