/**
 * The local api.github.com of github-server-main.ts in a process of its own: the e2e tests
 * run the bundled action with runEntry, which blocks this process, so the server cannot live
 * in it. stop() ends the server and returns what it saw.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from './harness.js'
import type { Seen } from './github-server.js'

export interface GithubServerState {
  seen: Seen[]
  releases: { tag_name: string; draft: boolean; target_commitish?: string; assets: { name: string; data: string }[] }[]
  /** What the action sent and the server answered that GitHub's OpenAPI description does not allow */
  problems: string[]
}

export async function startGithubServerProcess(): Promise<{ url: string; stop: () => Promise<GithubServerState> }> {
  const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gh-state-')), 'state.json')
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, '__tests__', 'support', 'github-server-main.ts')], {
    cwd: ROOT,
    env: { ...process.env, GITHUB_SERVER_STATE: stateFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))
    child.once('exit', (code) => reject(new Error(`the GitHub server process ended (${code})`)))
  })
  const stop = async (): Promise<GithubServerState> => {
    const ended = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await ended
    return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as GithubServerState
  }
  return { url, stop }
}
