/** Input names as in action.yml. */
export const Input = {
  Target: 'target',
  Libc: 'libc',
  Toolchain: 'toolchain',
  Linker: 'linker',
  Glibc: 'glibc',
  TargetCpu: 'target-cpu',
  TargetFeatures: 'target-features',
  Rustflags: 'rustflags',
  WorkingDirectory: 'working-directory',
  Package: 'package',
  Bin: 'bin',
  Features: 'features',
  AllFeatures: 'all-features',
  NoDefaultFeatures: 'no-default-features',
  Locked: 'locked',
  Profile: 'profile',
  Args: 'args',
  Command: 'command',
  BuildStd: 'build-std',
  Strip: 'strip',
  Cache: 'cache',
  CacheKey: 'cache-key',
  CacheSave: 'cache-save',
  CacheOnFailure: 'cache-on-failure',
  DebugSymbols: 'debug-symbols',
  Verify: 'verify',
  MaxGlibc: 'max-glibc',
  SmokeTest: 'smoke-test',
  SystemPackages: 'system-packages',
  Protoc: 'protoc',
  Archive: 'archive',
  Name: 'name',
  Include: 'include',
  Checksum: 'checksum',
  Sbom: 'sbom',
  Packages: 'packages',
  DockerDir: 'docker-dir',
  Upload: 'upload',
  ArtifactName: 'artifact-name',
  ReleaseTag: 'release-tag',
  Token: 'token',
} as const

/** Input names of the merge action (merge/action.yml). */
export const MergeInput = {
  Pattern: 'pattern',
  Expect: 'expect',
  Path: 'path',
  DockerDir: 'docker-dir',
  Upload: 'upload',
  ArtifactName: 'artifact-name',
  ReleaseTag: 'release-tag',
  Token: 'token',
  Dirs: 'dirs',
  Image: 'image',
  ImageBase: 'image-base',
  ImageEntrypoint: 'image-entrypoint',
  ImageArchive: 'image-archive',
  ImageCpu: 'image-cpu',
  RegistryUsername: 'registry-username',
  RegistryPassword: 'registry-password',
} as const

export const MergeOutput = {
  Dir: 'dir',
  Manifest: 'manifest',
  Targets: 'targets',
  ArtifactName: 'artifact-name',
  ImageDigest: 'image-digest',
} as const

export const Output = {
  Binaries: 'binaries',
  Manifest: 'manifest',
  Dir: 'dir',
  Rustflags: 'rustflags',
  CacheHit: 'cache-hit',
  Archives: 'archives',
  ArtifactName: 'artifact-name',
} as const

/** The action's own files live under RUNNER_TEMP in this folder. */
export const TEMP_FOLDER = 'rust-xbuild'
/** Staged binaries go to <working-directory>/target/<STAGE_FOLDER>/<target>. */
export const STAGE_FOLDER = 'xbuild'
