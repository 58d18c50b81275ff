/**
 * The full target × crate grid of the registry fixture (__tests__/fixtures/registry), built
 * by the bundled action through the e2e harness: per target, one action run per package
 * (one target directory per target, so std, zig's libc and shared crates build once), each
 * binary run here with its expected output, musl binaries checked static, cc's C and C++
 * macros checked against the baseline. Prints a Markdown table and writes it to
 * <RUNNER_TEMP>/grid.md as it goes. The e2e test (__tests__/e2e/targets/registry.test.ts)
 * runs a slice of it.
 *
 * Usage: node --import tsx scripts/registry-grid.ts [--together] [triple|package ...]   (default: all)
 * Needs scripts/setup-debian.sh, npm run package first, and cargo's registry (crates.io).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { binaryFile, buildCrates, builtDir, checkBinary, PACKAGES, TARGETS, workspaceFor, type BinaryResult, type CratesPackage, type CratesTarget } from '../__tests__/support/crates-fixture.js'

const together = process.argv.includes('--together')
const wanted = process.argv.slice(2).filter((arg) => arg !== '--together')
const unknown = wanted.filter((arg) => !TARGETS.some((target) => target.triple === arg) && !(PACKAGES as readonly string[]).includes(arg))
if (unknown.length) throw new Error(`not a target or package of the registry fixture: ${unknown.join(', ')}`)
const targets = TARGETS.filter((target) => !wanted.some((arg) => TARGETS.some((t) => t.triple === arg)) || wanted.includes(target.triple))
const packages = PACKAGES.filter((name) => !wanted.some((arg) => (PACKAGES as readonly string[]).includes(arg)) || wanted.includes(name))
const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-grid-'))
const rows: string[] = []
const mark = (value: boolean | undefined): string => (value === undefined ? '—' : value ? 'yes' : '**no**')

function firstError(log: string): string {
  const line = log.split('\n').find((text) => text.startsWith('::error')) ?? log.split('\n').filter(Boolean).slice(-1)[0] ?? ''
  return line
    .replace(/^::error[^:]*::/, '')
    .replace(/\|/g, '\\|')
    .slice(0, 300)
}

function row(triple: string, name: CratesPackage, seconds: number, built: boolean, result: BinaryResult | undefined, note: string): string {
  return `| ${triple} | ${name} | ${mark(built)} | ${mark(result?.ran)} | ${mark(result?.static)} | ${mark(result?.baseline)} | ${seconds.toFixed(0)} s | ${note} |`
}

function print(): void {
  const table = ['| target | crate | built | ran | static | baseline | time | output or error |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n')
  fs.writeFileSync(path.join(runnerTemp, 'grid.md'), table + '\n')
  console.log(table)
}

/** One action run per package: a cell's time is that package's build (the first one's includes std). */
function onePerPackage(target: CratesTarget): void {
  for (const name of packages) {
    const started = performance.now()
    const run = buildCrates(target, [name], runnerTemp, {}, 60)
    const seconds = (performance.now() - started) / 1000
    const built = run.code === 0
    const result = built ? checkBinary(run.outputs.dir ?? '', name, target, runnerTemp) : undefined
    const note = result ? result.output.replace(/\|/g, '\\|').slice(0, 200) : firstError(run.log)
    if (!built) fs.writeFileSync(path.join(runnerTemp, `${target.triple}-${name}.log`), run.log)
    rows.push(row(target.triple, name, seconds, built, result, note))
    console.error(rows[rows.length - 1])
    print()
  }
}

/**
 * One action run for all packages (`--together`): cargo builds them side by side, and
 * `--keep-going` builds every package it can when one fails. Then a failed step staged
 * nothing, and the binaries are read from cargo's target folder. Each cell's time is the run's.
 */
function allAtOnce(target: CratesTarget): void {
  const started = performance.now()
  const run = buildCrates(target, packages, runnerTemp, { args: '--keep-going' }, 120)
  const seconds = (performance.now() - started) / 1000
  if (run.code !== 0) fs.writeFileSync(path.join(runnerTemp, `${target.triple}.log`), run.log)
  const dir = builtDir(run, workspaceFor(target.triple), target.triple)
  for (const name of packages) {
    const built = fs.existsSync(path.join(dir, binaryFile(name, target)))
    const result = built ? checkBinary(dir, name, target, runnerTemp) : undefined
    const note = result ? result.output.replace(/\|/g, '\\|').slice(0, 200) : firstError(run.log)
    rows.push(row(target.triple, name, seconds, built, result, note))
    console.error(rows[rows.length - 1])
  }
  print()
}

for (const target of targets) (together ? allAtOnce : onePerPackage)(target)
console.log(`(logs of failed builds and grid.md in ${runnerTemp})`)
