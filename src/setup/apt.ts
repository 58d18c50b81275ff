/**
 * Distribution packages with apt, only when missing: the commands a plan requires, and the
 * target's C libraries through multiarch (via sudo when not root, bounded retries).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { multiarchLibcPath } from '../common/emulator.js'
import type { Requirement, TargetFacts } from '../common/target.js'
import { ActionError } from '../errors.js'
import { exec, which } from '../exec.js'
import { needsPorts, osReleaseId, rewriteDeb822, rewriteSourcesList, type SystemPackagesPlan } from './system-packages.js'

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
    const result = await exec(program, [...prefix, ...args], { env, allowFailure: true })
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
  await (isRoot() ? exec(program, args) : exec('sudo', ['-n', program, ...args]))
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
  const result = await exec('dpkg-query', ['-W', '-f=${Status}', pkg], { allowFailure: true })
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
  const hostArch = (await exec('dpkg', ['--print-architecture'])).stdout.trim()
  if (plan.arch !== hostArch) {
    const foreign = (await exec('dpkg', ['--print-foreign-architectures'])).stdout.split(/\s+/)
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

/**
 * Whether the target's multiarch C library (libc6:<arch>) is installed. Asked at setup (the
 * test runner) and again when verifying (the smoke test): system-packages may install it in between.
 */
export function multiarchLibcInstalled(facts: Pick<TargetFacts, 'gnuTriple'>): boolean {
  const libcPath = multiarchLibcPath(facts)
  return libcPath !== undefined && fs.existsSync(libcPath)
}
