// Start-up time of the bundled action: spawns `node <entry>` as a runner would and times
// it to its first line of output (the first log group), then stops it. Medians of N runs,
// alternating entries. Usage: node scripts/startup.mjs [runs] [dist folder ...]
// (default: 15 runs of dist/). Needs npm run package first.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import process from 'node:process'

const runs = Number(process.argv[2] ?? 15)
const dists = (process.argv.slice(3).length ? process.argv.slice(3) : ['dist']).map((dist) => path.resolve(dist))
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'startup-'))
fs.writeFileSync(path.join(scratch, 'output'), '')

function firstLine(entry) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [entry], {
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        INPUT_TARGET: 'aarch64-unknown-linux-gnu',
        GITHUB_OUTPUT: path.join(scratch, 'output'),
        GITHUB_WORKSPACE: scratch,
        RUNNER_TEMP: scratch,
      },
    })
    let seen = false
    const done = (chunk) => {
      if (seen) return
      seen = true
      const ms = performance.now() - started
      child.kill('SIGKILL')
      const line = String(chunk ?? '').split('\n')[0]
      // The action's first line is a log command (::group::); anything else is a failure to start.
      if (!line.startsWith('::')) reject(new Error(`${entry} did not start: ${line || 'no output'}`))
      else resolve(ms)
    }
    child.stdout.once('data', done)
    child.stderr.once('data', done)
    child.once('error', reject)
    child.once('exit', () => done())
  })
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const times = Object.fromEntries(dists.flatMap((dist) => ['index.js', 'merge/index.js'].map((entry) => [path.join(dist, entry), []])))
for (let i = 0; i < runs; i++) for (const entry of Object.keys(times)) times[entry].push(await firstLine(entry))
for (const [entry, values] of Object.entries(times))
  process.stdout.write(`${entry}: median ${median(values).toFixed(0)} ms to the first line (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}, ${runs} runs)\n`)
fs.rmSync(scratch, { recursive: true, force: true })
