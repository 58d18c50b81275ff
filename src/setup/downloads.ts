/**
 * Host tools from PATH when present, else a pinned release (pinned.ts) whose SHA256 is
 * checked before use: zig for linking, protoc for build scripts.
 */
import path from 'node:path'
import * as core from '@actions/core'
import * as tc from '@actions/tool-cache'
import { sha256Of } from '../common/checksum.js'
import { ActionError, errorMessage } from '../errors.js'
import { exec, which } from '../exec.js'
import { PROTOC_VERSION, ZIG_VERSION, protocArchive, zigArchive, type PinnedArchive } from './pinned.js'
import { parseProtocVersion, protocSatisfies } from './protoc.js'

/**
 * Download a pinned release and check its SHA256; only what matches is used. A failed
 * download says how to skip it (`skip`: what to put on PATH instead).
 */
async function downloadVerified(tool: string, version: string, archive: PinnedArchive, skip: string): Promise<string> {
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
  const dir = await tc.cacheDir(path.join(extracted, archive.name ?? ''), 'zig', ZIG_VERSION)
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
    const result = await exec(onPath, ['--version'], { allowFailure: true })
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
