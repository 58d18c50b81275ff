/**
 * Real programs from crates.io, as `cargo install --locked` builds them: the published .crate
 * fetched and unpacked (its own Cargo.lock inside), and a CARGO_HOME of the caller's own whose
 * crates-io is cargo's default registry (not the harness's offline Debian crates). For the
 * scripts (scripts/real-programs.ts, scripts/bench-zigbuild.ts), not for CI tests: they need
 * the network to index.crates.io and static.crates.io.
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** A published crate at one version: where its source was unpacked. */
export interface PublishedCrate {
  name: string
  version: string
  dir: string
}

/** The sparse index's path for a crate name (cargo's layout: 1/, 2/, 3/a/, ab/cd/). */
export function indexPath(name: string): string {
  const lower = name.toLowerCase()
  if (lower.length <= 2) return `${lower.length}/${lower}`
  if (lower.length === 3) return `3/${lower[0]}/${lower}`
  return `${lower.slice(0, 2)}/${lower.slice(2, 4)}/${lower}`
}

interface IndexEntry {
  vers: string
  cksum: string
  yanked: boolean
}

async function indexEntry(name: string, version: string): Promise<IndexEntry> {
  const response = await fetch(`https://index.crates.io/${indexPath(name)}`)
  if (!response.ok) throw new Error(`index.crates.io: ${name}: HTTP ${response.status}`)
  const entries = (await response.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as IndexEntry)
  const entry = entries.find((e) => e.vers === version)
  if (!entry) throw new Error(`crates.io has no ${name} ${version}`)
  if (entry.yanked) throw new Error(`${name} ${version} is yanked`)
  return entry
}

/**
 * Fetch `<name>-<version>.crate` from static.crates.io, check it against the index's SHA-256
 * (what cargo checks), and unpack it under `into` (the .crate is a gzip'd tar of
 * `<name>-<version>/`). Fails when the published crate has no Cargo.lock: then
 * `cargo install --locked` would not be locked either.
 */
export async function publishedCrate(name: string, version: string, into: string): Promise<PublishedCrate> {
  const { cksum } = await indexEntry(name, version)
  const response = await fetch(`https://static.crates.io/crates/${name}/${name}-${version}.crate`)
  if (!response.ok) throw new Error(`static.crates.io: ${name} ${version}: HTTP ${response.status}`)
  const bytes = Buffer.from(await response.arrayBuffer())
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex')
  if (sha256 !== cksum) throw new Error(`${name} ${version}: the .crate's SHA-256 is ${sha256}, the index says ${cksum}`)
  fs.mkdirSync(into, { recursive: true })
  const archive = path.join(into, `${name}-${version}.crate`)
  fs.writeFileSync(archive, bytes)
  execFileSync('tar', ['-xzf', archive, '-C', into])
  const dir = path.join(into, `${name}-${version}`)
  if (!fs.existsSync(path.join(dir, 'Cargo.lock'))) throw new Error(`${name} ${version} was published without a Cargo.lock`)
  return { name, version, dir }
}

/**
 * A CARGO_HOME at `dir` that fetches from crates.io (cargo's default, sparse protocol), with
 * more network retries than cargo's default for a shared machine. Reuse one across builds:
 * the registry's downloads are then shared, as a runner's restored ~/.cargo would be.
 */
export function cratesIoCargoHome(dir: string): string {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'config.toml'), '[registries.crates-io]\nprotocol = "sparse"\n\n[net]\nretry = 5\n')
  return dir
}
