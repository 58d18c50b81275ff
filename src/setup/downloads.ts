/**
 * Host tools from PATH when present, else a pinned release (pinned.ts) whose SHA256 is
 * checked before anything is extracted: zig for linking, protoc for build scripts. What was
 * installed once is found again in the runner's tool cache (RUNNER_TOOL_CACHE).
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import * as tc from '@actions/tool-cache'
import { sha256Of } from '../common/checksum.js'
import { ActionError, errorMessage } from '../errors.js'
import { exec, which } from '../exec.js'
import { PROTOC_VERSION, ZIG_VERSION, protocArchive, toolCacheVersion, zigArchive, type PinnedArchive } from './pinned.js'
import { parseProtocVersion, protocSatisfies } from './protoc.js'
import { runnerMachine } from '../common/runner.js'

/** A pinned release to install: where it comes from, what it must hash to, what it holds. */
export interface PinnedRelease {
  tool: string
  version: string
  archive: PinnedArchive
  /** The program, relative to the archive's folder (`zig`, `bin/protoc`) */
  executable: string
  /** What to do instead when the download fails: put the tool on PATH */
  skip: string
}

/**
 * Download a pinned archive and check its SHA256; returns the verified file. A file that
 * does not match is deleted and refused, so nothing of it is ever extracted or cached.
 */
export async function downloadVerified(release: Omit<PinnedRelease, 'executable'>): Promise<string> {
  const { tool, version, archive, skip } = release
  core.info(`Downloading ${tool} ${version} from ${archive.url}`)
  let downloaded: string
  try {
    downloaded = await tc.downloadTool(archive.url)
  } catch (error) {
    throw new ActionError(`Could not download ${tool} ${version} from ${archive.url}: ${errorMessage(error)}. ${skip}`)
  }
  const actual = await sha256Of(downloaded)
  if (actual !== archive.sha256) {
    await fs.promises.rm(downloaded, { force: true })
    throw new ActionError(`${tool} ${version} from ${archive.url} has SHA256 ${actual}, expected ${archive.sha256}; refusing to use it. ${skip}`)
  }
  return downloaded
}

/** The cached folder of a pinned release, when an earlier step or job put it there. */
function findCached(tool: string, version: string): string | undefined {
  const dir = tc.find(tool, toolCacheVersion(version))
  if (dir) core.info(`${tool} ${version} from the tool cache: ${dir}`)
  return dir || undefined
}

/**
 * Download, verify, extract and add to the tool cache; returns the cached folder. The
 * archive's own folder (`zig-linux-x86_64-0.13.0/`) becomes the cached folder, so a tool
 * that finds its files beside itself (zig's lib/) works from there.
 */
export async function installPinned(release: PinnedRelease): Promise<string> {
  const { tool, version, archive, executable } = release
  const downloaded = await downloadVerified(release)
  let extracted: string | undefined
  try {
    extracted = archive.url.endsWith('.zip') ? await tc.extractZip(downloaded) : await tc.extractTar(downloaded, undefined, 'xJ')
    const root = path.join(extracted, archive.name ?? '')
    if (!fs.existsSync(path.join(root, executable))) {
      throw new ActionError(`${tool} ${version} from ${archive.url} has no ${path.posix.join(archive.name ?? '', executable)}; the release's layout changed. ${release.skip}`)
    }
    const cached = await tc.cacheDir(root, tool, toolCacheVersion(version))
    core.info(`${tool} ${version} verified (SHA256 ${archive.sha256}) and cached in ${cached}`)
    return cached
  } finally {
    // The tool cache holds its own copy; the download and the extracted tree are not needed again.
    await Promise.all([fs.promises.rm(downloaded, { force: true }), extracted ? fs.promises.rm(extracted, { recursive: true, force: true }) : undefined])
  }
}

const ZIG_EXECUTABLE = runnerMachine().os === 'win32' ? 'zig.exe' : 'zig'

/** The zig executable: from PATH when present, else the pinned release from the tool cache or downloaded, verified. */
export async function ensureZig(): Promise<string> {
  const onPath = await which('zig')
  if (onPath) {
    core.info(`zig is on PATH: ${onPath}`)
    return onPath
  }
  const cached = findCached('zig', ZIG_VERSION)
  if (cached) return path.join(cached, ZIG_EXECUTABLE)
  const archive = zigArchive(runnerMachine().os, runnerMachine().arch)
  if (!archive) throw new ActionError(`No zig release is pinned for ${runnerMachine().os}/${runnerMachine().arch}; put zig on PATH before this step.`)
  const skip = 'Put zig on PATH before this step to skip the download.'
  return path.join(await installPinned({ tool: 'zig', version: ZIG_VERSION, archive, executable: ZIG_EXECUTABLE, skip }), ZIG_EXECUTABLE)
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
    const result = await exec(onPath, ['--version'], { allowFailure: true })
    found = parseProtocVersion(result.stdout)
    if (found && protocSatisfies(found, wanted)) return { env: { PROTOC: onPath }, description: `${onPath} (${result.stdout.trim()})` }
    core.info(`${onPath} is ${result.stdout.trim() || 'unreadable'}${found ? ` (${found})` : ''}; protoc ${wanted} is required.`)
  }
  const onPathNote = onPath ? `the protoc on PATH is ${found ?? 'of unknown version'}` : 'there is no protoc on PATH'
  if (!protocSatisfies(PROTOC_VERSION, wanted)) {
    throw new ActionError(`protoc ${wanted} is required, ${onPathNote}, and the release this action can download is ${PROTOC_VERSION}. Install protoc ${wanted} or newer on PATH before this step.`)
  }
  const archive = protocArchive(runnerMachine().os, runnerMachine().arch)
  if (!archive) {
    throw new ActionError(
      `protoc ${wanted} is required and ${onPathNote}; no protoc release with a verified checksum is pinned for ${runnerMachine().os}/${runnerMachine().arch}. Install protoc before this step.`,
    )
  }
  let dir = findCached('protoc', PROTOC_VERSION)
  if (!dir) {
    const skip = `Install protoc ${wanted === 'any' ? '' : `${wanted} or newer `}on PATH before this step.`
    dir = await installPinned({ tool: 'protoc', version: PROTOC_VERSION, archive, executable: path.join('bin', 'protoc'), skip })
  }
  const protoc = path.join(dir, 'bin', 'protoc')
  return { env: { PROTOC: protoc, PROTOC_INCLUDE: path.join(dir, 'include') }, description: `${protoc} (downloaded ${PROTOC_VERSION})` }
}
