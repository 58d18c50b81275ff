/** Runner hosts and contexts that many tables share. */
import type { Host } from '../../src/common/target.js'
import { targetFacts } from '../../src/common/target.js'
import type { PreflightContext } from '../../src/build/preflight.js'

export const x64: Host = { triple: 'x86_64-unknown-linux-gnu', family: 'x86_64', os: 'linux' }
export const arm64: Host = { triple: 'aarch64-unknown-linux-gnu', family: 'aarch64', os: 'linux' }
export const mac: Host = { triple: 'aarch64-apple-darwin', family: 'aarch64', os: 'macos' }

export const preflightContext = (triple: string, over: Partial<PreflightContext> = {}): PreflightContext => ({
  facts: targetFacts(triple),
  linker: 'aarch64-linux-gnu-gcc',
  cross: true,
  protoc: false,
  systemPackages: [],
  avx512Disabled: false,
  ...over,
})
