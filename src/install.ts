/**
 * Installing what the plan requires, only when missing: distribution packages with apt
 * (via sudo when not root, bounded retries), and zig (from PATH, else a pinned release
 * whose SHA256 is checked).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import * as tc from '@actions/tool-cache'
import { sha256Of } from './checksum.js'
import { ActionError, errorMessage } from './errors.js'
import { run, which } from './exec.js'
import type { Requirement } from './linker.js'
import { parseProtocVersion, protocArchive, protocSatisfies, PROTOC_VERSION } from './protoc.js'
import { needsPorts, osReleaseId, rewriteDeb822, rewriteSourcesList, type SystemPackagesPlan } from './sysdeps.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** apt failures that can succeed on retry: lock contention and mirrors mid-sync. */
export function isTransientAptFailure(stderr: string): boolean {
  return /Could not get lock|Unable to acquire the dpkg frontend lock|unexpected size|Hash Sum mismatch|Temporary failure|Failed to fetch|Connection timed out|Mirror sync in progress/i.test(stderr)
}

const isRoot = (): boolean => process.getuid?.() === 0

async function aptGet(args: string[]): Promise<void> {
  const [program, prefix] = isRoot() ? ['apt-get', []] : ['sudo', ['-n', 'apt-get']]
  const env = { DEBIAN_FRONTEND: 'noninteractive' }
  for (let attempt = 1; ; attempt++) {
    const result = await run(program, [...prefix, ...args], { env, allowFailure: true })
    if (result.code === 0) return
    if (attempt >= 4 || !isTransientAptFailure(result.stderr)) {
      throw new ActionError(`apt-get ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr.trim().split('\n').slice(-10).join('\n')}`)
    }
    core.info(`apt-get ${args[0]} failed transiently (attempt ${attempt}); retrying in ${attempt * 5}s.`)
    await sleep(attempt * 5000)
  }
}

let aptUpdated = false

export async function aptInstall(packages: readonly string[]): Promise<void> {
  if (!packages.length) return
  if (!(await which('apt-get'))) {
    throw new ActionError(`The runner has no apt-get to install ${packages.join(', ')}. Install them yourself before this step, or use linker: zig.`)
  }
  if (!aptUpdated) {
    await aptGet(['update', '-q'])
    aptUpdated = true
  }
  core.info(`apt-get install ${packages.join(' ')}`)
  await aptGet(['install', '-y', '-q', '--no-install-recommends', ...packages])
}

/** Run a command as root: directly when root, else through sudo -n (never a password prompt). */
async function asRoot(program: string, args: string[]): Promise<void> {
  await (isRoot() ? run(program, args) : run('sudo', ['-n', program, ...args]))
}

async function writeRootFile(file: string, content: string): Promise<void> {
  if (isRoot()) return fs.writeFileSync(file, content)
  const staged = path.join(os.tmpdir(), `rust-xbuild-${path.basename(file)}`)
  fs.writeFileSync(staged, content)
  await asRoot('cp', [staged, file])
}

/** Ubuntu's main archive has no foreign architectures but i386: point apt at the ports mirror for them. */
async function addPortsSources(arch: string): Promise<void> {
  const deb822 = '/etc/apt/sources.list.d/ubuntu.sources'
  const classic = '/etc/apt/sources.list'
  const [file, rewrite, portsFile] = fs.existsSync(deb822)
    ? [deb822, rewriteDeb822, `/etc/apt/sources.list.d/rust-xbuild-ports-${arch}.sources`]
    : [classic, rewriteSourcesList, `/etc/apt/sources.list.d/rust-xbuild-ports-${arch}.list`]
  const result = rewrite(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '', arch)
  if (result.text !== undefined) {
    core.info(`Restricting the main archive in ${file} to amd64 and i386.`)
    await writeRootFile(file, result.text)
  }
  if (!fs.existsSync(portsFile)) {
    core.info(`Adding the ports mirror for ${arch} in ${portsFile}:\n${result.ports}`)
    await writeRootFile(portsFile, result.ports)
  }
}

async function isInstalled(pkg: string): Promise<boolean> {
  const result = await run('dpkg-query', ['-W', '-f=${Status}', pkg], { allowFailure: true })
  return result.code === 0 && result.stdout.includes('install ok installed')
}

/** The target's C libraries through multiarch: the architecture, the ports mirror on Ubuntu, then apt. */
export async function installSystemPackages(plan: SystemPackagesPlan): Promise<void> {
  if (!(await which('apt-get')) || !(await which('dpkg'))) {
    throw new ActionError(
      `system-packages needs apt-get and dpkg (Debian or Ubuntu runner) to install ${plan.packages.join(', ')}; install the target's libraries yourself and remove system-packages.`,
    )
  }
  const missing: string[] = []
  for (const pkg of plan.packages) if (!(await isInstalled(pkg))) missing.push(pkg)
  // Build scripts find the libraries through the pkg-config program.
  if (!(await which('pkg-config'))) missing.push('pkg-config')
  if (!missing.length) {
    core.info(`Already installed: ${plan.packages.join(' ')}`)
    return
  }
  const hostArch = (await run('dpkg', ['--print-architecture'])).stdout.trim()
  if (plan.arch !== hostArch) {
    const foreign = (await run('dpkg', ['--print-foreign-architectures'])).stdout.split(/\s+/)
    if (!foreign.includes(plan.arch)) {
      core.info(`dpkg --add-architecture ${plan.arch}`)
      await asRoot('dpkg', ['--add-architecture', plan.arch])
    }
    const osRelease = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : ''
    if (needsPorts(osReleaseId(osRelease), hostArch, plan.arch)) await addPortsSources(plan.arch)
  }
  aptUpdated = false // the package lists must include the new architecture
  await aptInstall(missing)
}

/** Install the packages of every requirement whose command is missing. */
export async function ensureCommands(requirements: readonly Requirement[]): Promise<void> {
  const missing: string[] = []
  for (const requirement of requirements) {
    const what = requirement.command ?? requirement.path ?? ''
    const present = requirement.command ? await which(requirement.command) : requirement.path !== undefined && fs.existsSync(requirement.path)
    if (present) core.info(`${what} is there.`)
    else missing.push(...requirement.packages)
  }
  await aptInstall([...new Set(missing)])
}

/** zig release pinned for downloads, with the SHA256 of each archive (ziglang.org). */
export const ZIG_VERSION = '0.13.0'
const ZIG_SHA256: Record<string, string> = {
  'linux-x86_64': 'd45312e61ebcc48032b77bc4cf7fd6915c11fa16e4aad116b66c9468211230ea',
  'linux-aarch64': '041ac42323837eb5624068acd8b00cd5777dac4cf91179e8dad7a7e90dd0c556',
  'macos-x86_64': 'fc77de265737737925e6c40d4339996506582565621bea0e834e552cd98a5e0d',
  'macos-aarch64': '46fae219656545dfaf4dce12fb4e8685cec5b51d721beee9389ab4194d43394c',
  'windows-x86_64': 'd859994725ef9402381e557c60bb57497215682e355204d754ee3df75ee3c158',
  'windows-aarch64': '95ff88427af7ba2b4f312f45d2377ce7a033e5e3c620c8caaa396a9aba20efda',
}

export function zigArchive(platform: NodeJS.Platform, arch: string): { name: string; url: string; sha256: string } | undefined {
  const os = platform === 'darwin' ? 'macos' : platform === 'win32' ? 'windows' : platform
  const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : arch
  const sha256 = ZIG_SHA256[`${os}-${cpu}`]
  if (!sha256) return undefined
  const name = `zig-${os}-${cpu}-${ZIG_VERSION}`
  const extension = os === 'windows' ? 'zip' : 'tar.xz'
  return { name, url: `https://ziglang.org/download/${ZIG_VERSION}/${name}.${extension}`, sha256 }
}

/**
 * Download a pinned release and check its SHA256; only what matches is used. A failed
 * download says how to skip it (`skip`: what to put on PATH instead).
 */
async function downloadVerified(tool: string, version: string, archive: { url: string; sha256: string }, skip: string): Promise<string> {
  core.info(`Downloading ${tool} ${version} from ${archive.url}`)
  let downloaded: string
  try {
    downloaded = await tc.downloadTool(archive.url)
  } catch (error) {
    throw new ActionError(`Could not download ${tool} ${version} from ${archive.url}: ${errorMessage(error)}. ${skip}`)
  }
  const actual = await sha256Of(downloaded)
  if (actual !== archive.sha256) throw new ActionError(`${tool} ${version} from ${archive.url} has SHA256 ${actual}, expected ${archive.sha256}; refusing to use it.`)
  return downloaded
}

/** The zig executable: from PATH when present, else the pinned release, verified. */
export async function ensureZig(): Promise<string> {
  const onPath = await which('zig')
  if (onPath) {
    core.info(`zig is on PATH: ${onPath}`)
    return onPath
  }
  const cached = tc.find('zig', ZIG_VERSION)
  if (cached) return path.join(cached, process.platform === 'win32' ? 'zig.exe' : 'zig')
  const archive = zigArchive(process.platform, process.arch)
  if (!archive) throw new ActionError(`No zig release is pinned for ${process.platform}/${process.arch}; put zig on PATH before this step.`)
  const downloaded = await downloadVerified('zig', ZIG_VERSION, archive, 'Put zig on PATH before this step to skip the download.')
  const extracted = archive.url.endsWith('.zip') ? await tc.extractZip(downloaded) : await tc.extractTar(downloaded, undefined, 'xJ')
  const dir = await tc.cacheDir(path.join(extracted, archive.name), 'zig', ZIG_VERSION)
  return path.join(dir, process.platform === 'win32' ? 'zig.exe' : 'zig')
}

export interface ProtocSetup {
  /** Variables for cargo: PROTOC, and PROTOC_INCLUDE for a downloaded release */
  env: Record<string, string>
  description: string
}

/** A host protoc: from PATH when new enough, else the pinned release, its SHA256 verified. */
export async function ensureProtoc(wanted: string): Promise<ProtocSetup> {
  const onPath = await which('protoc')
  let found: string | undefined
  if (onPath) {
    const result = await run(onPath, ['--version'], { allowFailure: true })
    found = parseProtocVersion(result.stdout)
    if (found && protocSatisfies(found, wanted)) return { env: { PROTOC: onPath }, description: `${onPath} (${result.stdout.trim()})` }
    core.info(`${onPath} is ${result.stdout.trim() || 'unreadable'}${found ? ` (${found})` : ''}; protoc ${wanted} is required.`)
  }
  const onPathNote = onPath ? `the protoc on PATH is ${found ?? 'of unknown version'}` : 'there is no protoc on PATH'
  if (!protocSatisfies(PROTOC_VERSION, wanted)) {
    throw new ActionError(`protoc ${wanted} is required, ${onPathNote}, and the release this action can download is ${PROTOC_VERSION}. Install protoc ${wanted} or newer on PATH before this step.`)
  }
  const archive = protocArchive(process.platform, process.arch)
  if (!archive) {
    throw new ActionError(
      `protoc ${wanted} is required and ${onPathNote}; no protoc release with a verified checksum is pinned for ${process.platform}/${process.arch}. Install protoc before this step.`,
    )
  }
  let dir = tc.find('protoc', PROTOC_VERSION)
  if (!dir) {
    const downloaded = await downloadVerified('protoc', PROTOC_VERSION, archive, `Install protoc ${wanted === 'any' ? '' : `${wanted} or newer `}on PATH before this step.`)
    dir = await tc.cacheDir(await tc.extractZip(downloaded), 'protoc', PROTOC_VERSION)
  }
  const protoc = path.join(dir, 'bin', 'protoc')
  return { env: { PROTOC: protoc, PROTOC_INCLUDE: path.join(dir, 'include') }, description: `${protoc} (downloaded ${PROTOC_VERSION})` }
}
