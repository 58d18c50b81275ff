/**
 * The full target × crate grid of the registry fixture (__tests__/fixtures/registry), built
 * by the bundled action through the e2e harness: per target, one action run per package
 * (one target directory per target, so std, zig's libc and shared crates build once), each
 * binary run here with its expected output, musl binaries checked static, cc's C and C++
 * macros checked against the baseline. Prints a Markdown table and writes it to
 * <RUNNER_TEMP>/grid.md as it goes. The e2e test (__tests__/e2e/targets/registry.test.ts)
 * runs a slice of it.
 *
 * Usage: node --import tsx scripts/registry-grid.ts [triple|package ...]   (default: all)
 * Needs scripts/setup-debian.sh, npm run package first, and cargo's registry (crates.io).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildCrates, checkBinary, PACKAGES, TARGETS, type BinaryResult, type CratesPackage } from '../__tests__/support/crates-fixture.js'

const wanted = process.argv.slice(2)
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

for (const target of targets) {
  for (const name of packages) {
    const started = performance.now()
    const run = buildCrates(target, [name], runnerTemp)
    const seconds = (performance.now() - started) / 1000
    const built = run.code === 0
    const result = built ? checkBinary(run.outputs.dir ?? '', name, target) : undefined
    const note = result ? result.output.replace(/\|/g, '\\|').slice(0, 200) : firstError(run.log)
    if (!built) fs.writeFileSync(path.join(runnerTemp, `${target.triple}-${name}.log`), run.log)
    rows.push(row(target.triple, name, seconds, built, result, note))
    console.error(rows[rows.length - 1])
    print()
  }
}
console.log(`(logs of failed builds and grid.md in ${runnerTemp})`)
