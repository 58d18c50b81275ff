/**
 * Reproducible by default: the same commit checked out in two folders of different
 * depths, built with different CARGO_HOMEs and RUNNER_TEMPs, stages byte-identical
 * files (binaries, archives, checksum files, SBOM, manifest) — once with the crates
 * vendored inside the workspace, once from cargo's (offline, directory-source) registry.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { debianPath, errors, FIXTURES, offlineCargoHome, ROOT, runAction, sh } from '../../support/harness.js'

const COMMIT_TIME = 1_700_000_000
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'reproducible-'))

/** ring-hello committed at a fixed time into `relative` (folders of different depths). */
function checkout(relative: string): string {
  const dir = path.join(base, relative)
  fs.mkdirSync(path.dirname(dir), { recursive: true })
  fs.cpSync(path.join(FIXTURES, 'ring-hello'), dir, { recursive: true, filter: (src) => path.basename(src) !== 'target' })
  const date = `@${COMMIT_TIME} +0000`
  const env = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' }
  sh('git', ['init', '-q'], { cwd: dir })
  sh('git', ['add', '-A'], { cwd: dir })
  sh('git', ['commit', '-q', '-m', 'ring-hello'], { cwd: dir, env })
  return dir
}

/** A second offline CARGO_HOME at another path (the harness's one is the first). */
function cargoHome(relative: string): string {
  return execFileSync('bash', [path.join(ROOT, 'scripts', 'offline-cargo-home.sh'), path.join(base, relative)], { encoding: 'utf8' }).trim()
}

/** Every file of the staging folder, name → bytes. */
function staged(dir: string): Map<string, Buffer> {
  const names = Array.from(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })).filter((name) => fs.statSync(path.join(dir, name)).isFile())
  return new Map(names.sort().map((name) => [name, fs.readFileSync(path.join(dir, name))]))
}

/** Two checkouts whose crates are real copies inside the workspace (`cargo vendor`, as a project commits them). */
function vendoredPair(first: string, second: string): [string, string] {
  const a = checkout(first)
  sh('cargo', ['vendor', '--locked', '--respect-source-config', '-q', 'vendor'], { cwd: a, env: { PATH: debianPath(), CARGO_HOME: offlineCargoHome() } })
  fs.mkdirSync(path.join(a, '.cargo'))
  fs.writeFileSync(path.join(a, '.cargo', 'config.toml'), '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"\n')
  assert.ok(fs.existsSync(path.join(a, 'vendor', 'ring', 'src', 'digest.rs')), 'real copies inside the workspace')
  const b = checkout(second)
  fs.cpSync(path.join(a, 'vendor'), path.join(b, 'vendor'), { recursive: true })
  fs.cpSync(path.join(a, '.cargo'), path.join(b, '.cargo'), { recursive: true })
  return [a, b]
}

function build(workspace: string, home: string, target: string, inputs: Record<string, string> = {}): Map<string, Buffer> {
  const run = runAction({ target, toolchain: 'system', locked: 'true', upload: 'none', ...inputs }, { workspace, env: { CARGO_HOME: home } })
  assert.equal(run.code, 0, run.log)
  assert.deepEqual(errors(run), [])
  return staged(run.outputs.dir ?? '')
}

function assertIdentical(a: Map<string, Buffer>, b: Map<string, Buffer>, sbom: string, archive: string): void {
  assert.deepEqual([...b.keys()], [...a.keys()])
  for (const name of [sbom, archive, 'ring-hello', 'SHA256SUMS', 'manifest.json']) assert.ok(a.has(name), `${name} is staged`)
  const differing = [...a].filter(([name, bytes]) => !bytes.equals(b.get(name) ?? Buffer.alloc(0))).map(([name]) => name)
  // A differing text file is shown line by line; binaries by name.
  const lines = (name: string, files: Map<string, Buffer>): string[] => (name.endsWith('.json') || name.endsWith('SUMS') ? (files.get(name)?.toString().split('\n') ?? []) : [])
  const shown = differing.flatMap((name) => {
    const other = lines(name, b)
    return lines(name, a).flatMap((line, i) => (line === other[i] ? [] : [`${name}:${i + 1}: ${line} ≠ ${other[i]}`]))
  })
  assert.deepEqual(differing, [], `every staged file has the same bytes\n${shown.join('\n')}`)
}

/** `<sha256>  <name>`, one line per file the manifest lists, nothing else: what attest-build-provenance's subject-checksums reads. */
function assertSumsFormat(files: Map<string, Buffer>): void {
  const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '{}') as { files: { name: string; sha256: string }[] }
  const text = files.get('SHA256SUMS')?.toString() ?? ''
  assert.ok(text.endsWith('\n') && !text.includes('\r'))
  const lines = text.slice(0, -1).split('\n')
  for (const line of lines) assert.match(line, /^[0-9a-f]{64} {2}[^\s/]+$/)
  assert.deepEqual(lines.sort(), manifest.files.map((file) => `${file.sha256}  ${file.name}`).sort())
}

describe('two checkouts, two CARGO_HOMEs, two RUNNER_TEMPs: the same bytes', () => {
  test('crates vendored inside the workspace (x86_64)', () => {
    const [a, b] = vendoredPair('a/some/where/deeper/ring-hello', 'b/rh')
    // Empty CARGO_HOMEs: the vendored sources are all cargo needs.
    const first = build(a, fs.mkdtempSync(path.join(base, 'home-a-')), 'x86_64-unknown-linux-gnu')
    const second = build(b, fs.mkdtempSync(path.join(base, 'h-')), 'x86_64-unknown-linux-gnu')
    assertIdentical(first, second, 'ring-hello-x86_64-unknown-linux-gnu.cdx.json', 'ring-hello-0.1.0-x86_64-unknown-linux-gnu.tar.gz')
    assertSumsFormat(first)
    const manifest = JSON.parse(first.get('manifest.json')?.toString() ?? '{}')
    assert.equal(manifest.sourceDateEpoch, COMMIT_TIME)
    assert.deepEqual(
      manifest.rustflags.filter((flag: string) => flag.startsWith('--remap-path-prefix')),
      ['--remap-path-prefix=<cargo>=/cargo', '--remap-path-prefix=<ws>=/ws'],
    )
    const archive = path.join(base, 'first.tar.gz')
    fs.writeFileSync(archive, first.get('ring-hello-0.1.0-x86_64-unknown-linux-gnu.tar.gz') ?? '')
    assert.match(sh('tar', ['--utc', '-tvzf', archive]), /^-rwxr-xr-x 0\/0 +\d+ 2023-11-14 22:13 ring-hello\n$/)
  })

  test("cargo's registry (aarch64, cross-compiled with C and assembly)", () => {
    const a = checkout('x/y/z/ring-hello')
    const b = checkout('q/ring-hello')
    const first = build(a, offlineCargoHome(), 'aarch64-unknown-linux-gnu')
    const second = build(b, cargoHome('other/place/for/cargo-home'), 'aarch64-unknown-linux-gnu')
    assertIdentical(first, second, 'ring-hello-aarch64-unknown-linux-gnu.cdx.json', 'ring-hello-0.1.0-aarch64-unknown-linux-gnu.tar.gz')
    assertSumsFormat(first)
    // No path of either build machine in the binary.
    const binary = first.get('ring-hello')?.toString('latin1') ?? ''
    for (const leak of [base, offlineCargoHome()]) assert.ok(!binary.includes(leak), `${leak} is not in the binary`)
    assert.match(binary, /\/cargo\/vendor\/ring-0\.16\.20\/src\//)
  })

  test('with full debug info (profile dev, unstripped): Rust and C debug info name /ws, not the checkout', () => {
    // ring's C and assembly objects record the folder they were compiled in: only -ffile-prefix-map makes them agree.
    const [a, b] = vendoredPair('deb/u/g/ring-hello', 'dbg')
    const first = build(a, fs.mkdtempSync(path.join(base, 'home-a-')), 'x86_64-unknown-linux-gnu', { profile: 'dev', strip: 'false' })
    const second = build(b, fs.mkdtempSync(path.join(base, 'h-')), 'x86_64-unknown-linux-gnu', { profile: 'dev', strip: 'false' })
    assertIdentical(first, second, 'ring-hello-x86_64-unknown-linux-gnu.cdx.json', 'ring-hello-0.1.0-x86_64-unknown-linux-gnu.tar.gz')
    const binary = first.get('ring-hello')?.toString('latin1') ?? ''
    assert.ok(!binary.includes(base), 'no path of the checkouts')
    // The assembly's file names come from the C compiler (through the wrapper), the crate's from rustc.
    assert.match(binary, /\/ws\/vendor\/ring\/pregenerated\/[a-z0-9_-]+-elf\.S/)
    assert.match(binary, /\/ws\/vendor\/ring\/src\//)
  })
})
