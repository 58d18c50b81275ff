/**
 * Benchmark: the action against the same build done by hand with an ideal cargo setup
 * (cross gcc as linker and CC, nothing else), alternating runs on a warm machine.
 * Reports medians and ratios for a cold build (empty target directory) and a no-op
 * rebuild. Usage: node --import tsx scripts/benchmark.ts [runs]   (default 5)
 * Needs scripts/setup-debian.sh and npm run package first.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { debianPath, fixture, offlineCargoHome, runAction } from '../__tests__/support/harness.js'

const TARGET = 'aarch64-unknown-linux-gnu'
const runs = Number(process.argv[2] ?? 5)

const byHandEnv = {
  PATH: debianPath(),
  HOME: process.env.HOME ?? '/root',
  CARGO_HOME: offlineCargoHome(),
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: 'aarch64-linux-gnu-gcc',
  CC_aarch64_unknown_linux_gnu: 'aarch64-linux-gnu-gcc',
  CXX_aarch64_unknown_linux_gnu: 'aarch64-linux-gnu-g++',
  AR_aarch64_unknown_linux_gnu: 'aarch64-linux-gnu-ar',
}

function seconds(body: () => void): number {
  const started = performance.now()
  body()
  return (performance.now() - started) / 1000
}

function byHand(workspace: string): void {
  const result = spawnSync('cargo', ['build', '--release', '--locked', '--target', TARGET], { cwd: workspace, env: byHandEnv, stdio: 'pipe' })
  if (result.status !== 0) throw new Error(`cargo build failed:\n${result.stderr}`)
}

// One RUNNER_TEMP for all runs, as steps of one job share it.
const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-runner-temp-'))

function action(workspace: string): void {
  const run = runAction({ target: TARGET, toolchain: 'system', locked: 'true' }, { workspace, runnerTemp })
  if (run.code !== 0) throw new Error(`the action failed:\n${run.log}`)
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

const handDir = fixture('ring-hello')
const actionDir = fixture('ring-hello')
const clean = (dir: string): void => fs.rmSync(path.join(dir, 'target'), { recursive: true, force: true })

// Warm-up: page cache, zig/apt checks, cargo's registry unpacking.
byHand(handDir)
action(actionDir)

const times = { coldHand: [] as number[], coldAction: [] as number[], noopHand: [] as number[], noopAction: [] as number[] }
for (let i = 0; i < runs; i++) {
  clean(handDir)
  times.coldHand.push(seconds(() => byHand(handDir)))
  clean(actionDir)
  times.coldAction.push(seconds(() => action(actionDir)))
  times.noopHand.push(seconds(() => byHand(handDir)))
  times.noopAction.push(seconds(() => action(actionDir)))
  console.log(
    `run ${i + 1}/${runs}: cold ${times.coldHand.at(-1)?.toFixed(2)}s by hand, ${times.coldAction.at(-1)?.toFixed(2)}s action; no-op ${times.noopHand.at(-1)?.toFixed(2)}s, ${times.noopAction.at(-1)?.toFixed(2)}s`,
  )
}

const report = (name: string, hand: number[], act: number[]): void => {
  const h = median(hand)
  const a = median(act)
  console.log(`${name.padEnd(16)} by hand ${h.toFixed(2)}s  action ${a.toFixed(2)}s  ratio ${(a / h).toFixed(3)}  added ${(a - h).toFixed(2)}s`)
}
console.log(`\n${TARGET}, ring-hello, ${runs} alternating runs, medians:`)
report('cold build', times.coldHand, times.coldAction)
report('no-op rebuild', times.noopHand, times.noopAction)
