/**
 * rustup's install path for real: the runner user's rustup (scripts/setup-debian.sh) installs
 * toolchains from a local channel repackaged from Debian's Rust (scripts/rustup-dist.sh),
 * into a fresh RUSTUP_HOME per case. Once installed, nothing goes to the network (a dead dist
 * server proves it); a target the channel lacks gets the build-std advice; rust-toolchain.toml
 * is honoured; another cargo, rustc or rustdoc earlier on PATH is never run.
 */
import { afterAll, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { errors, fixture, giveToRunner, ROOT, runAction, RUNNER_HOME, rustupPath, sh, type ActionRun } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'

const RUNNER_BIN = path.join(RUNNER_HOME, '.cargo', 'bin')
const TOOLCHAIN = '1.96.0'
const HOST = 'x86_64-unknown-linux-gnu'
const DEAD = { RUSTUP_DIST_SERVER: 'http://127.0.0.1:9', RUSTUP_UPDATE_ROOT: 'http://127.0.0.1:9/rustup' }

/** The local channel, built once per machine (reused when complete); why not, when it cannot be. */
function distServer(): { dir?: string; missing?: string } {
  if (!fs.existsSync(path.join(RUNNER_BIN, 'rustup'))) return { missing: `rustup for the user runner (${RUNNER_BIN}/rustup, scripts/setup-debian.sh)` }
  try {
    const started = Date.now()
    const dir = execFileSync('bash', [path.join(ROOT, 'scripts', 'rustup-dist.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .at(-1)
    console.log(`scripts/rustup-dist.sh: ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return { dir }
  } catch (error) {
    return { missing: `the local rustup channel (scripts/rustup-dist.sh failed: ${String(error)})` }
  }
}
const dist = distServer()

/** Folders of the runner user's (the action runs as runner when the tests run as root); a toolchain is 600 MB, so they go at the end. */
const folders: string[] = []
function runnerFolder(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rust-xbuild-${name}-`))
  giveToRunner(dir)
  folders.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true })
})

/** A hosted runner's PATH (rustup's proxies first, Debian's cargo and rustc later in /usr/bin), a fresh rustup and cargo home per case, toolchains from the local channel. */
function rustupEnv(): Record<string, string> {
  return { PATH: rustupPath(), RUSTUP_HOME: runnerFolder('rustup-home'), CARGO_HOME: runnerFolder('cargo-home'), RUSTUP_DIST_SERVER: `file://${dist.dir ?? ''}` }
}

/** The components rustup installed into a toolchain (lib/rustlib/components). */
function components(env: Record<string, string>): string[] {
  return fs
    .readFileSync(path.join(env.RUSTUP_HOME ?? '', 'toolchains', `${TOOLCHAIN}-${HOST}`, 'lib', 'rustlib', 'components'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .sort()
}

/** The rustup commands that changed the installation, with their times, as the action logs them. */
function rustupSteps(run: ActionRun): { command: string; seconds: number }[] {
  return [...run.stdout.matchAll(/^rustup (.+): (\d+\.\d) s$/gm)].map((match) => ({ command: match[1] ?? '', seconds: Number(match[2]) }))
}

function assertQuick(run: ActionRun): void {
  for (const step of rustupSteps(run)) {
    console.log(`rustup ${step.command}: ${step.seconds} s`)
    assert.ok(step.seconds < 60, `rustup ${step.command} took ${step.seconds} s: an install from the local channel takes seconds`)
  }
}

function stagedBinary(run: ActionRun): string {
  assert.equal(run.code, 0, run.log)
  const binary = (JSON.parse(run.outputs.binaries ?? '[]') as string[])[0]
  assert.ok(binary, run.outputs.binaries)
  return binary
}

requires(dist.missing)('rustup installs from a local channel', () => {
  test('toolchain 1.96.0 for aarch64: the minimal profile and the target installed, the binary runs under qemu; a second run with the server gone needs nothing', () => {
    const env = rustupEnv()
    const workspace = fixture('hello')
    const first = runAction({ target: 'aarch64-unknown-linux-gnu', toolchain: TOOLCHAIN }, { workspace, debian: false, env })
    const binary = stagedBinary(first)
    assertQuick(first)
    assert.deepEqual(
      rustupSteps(first).map((step) => step.command),
      [`toolchain install ${TOOLCHAIN} --profile minimal --no-self-update`, `target add --toolchain ${TOOLCHAIN} aarch64-unknown-linux-gnu`],
    )
    assert.deepEqual(components(env), [`cargo-${HOST}`, 'rust-std-aarch64-unknown-linux-gnu', `rust-std-${HOST}`, `rustc-${HOST}`])
    const toolchainBin = path.join(env.RUSTUP_HOME ?? '', 'toolchains', `${TOOLCHAIN}-${HOST}`, 'bin')
    assert.match(first.log, new RegExp(`cargo and rustc of ${TOOLCHAIN}: ${toolchainBin}\\n`))
    assert.match(first.log, /rustc 1\.96\.0 /)
    // The repackaged rustc finds its driver beside it (RUNPATH $ORIGIN/../lib), so its sysroot is the toolchain's folder.
    assert.equal(sh(path.join(toolchainBin, 'rustc'), ['--print', 'sysroot']).trim(), path.dirname(toolchainBin))
    assert.equal(sh('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', binary]).trim(), 'hello from aarch64')
    assert.deepEqual(errors(first), [])

    const second = runAction({ target: 'aarch64-unknown-linux-gnu', toolchain: TOOLCHAIN }, { workspace: fixture('hello'), debian: false, env: { ...env, ...DEAD } })
    assert.equal(sh('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', stagedBinary(second)]).trim(), 'hello from aarch64')
    assert.match(second.log, /1\.96\.0 is installed\./)
    assert.match(second.log, /The standard library for aarch64-unknown-linux-gnu is installed\./)
    assert.deepEqual(rustupSteps(second), [])
  })

  test('a target the channel does not offer: one error with the build-std advice', () => {
    const run = runAction({ target: 'armv7-unknown-linux-gnueabihf', toolchain: TOOLCHAIN }, { workspace: fixture('hello'), debian: false, env: rustupEnv() })
    assert.notEqual(run.code, 0, run.log)
    assertQuick(run)
    const found = errors(run)
    assert.equal(found.length, 1, found.join('\n'))
    assert.match(found[0] ?? '', /armv7-unknown-linux-gnueabihf has no prebuilt standard library in rustc 1\.96\.0 .*\(rustup offers none for it\)\. Set build-std: true to build it from source\./)
  })

  test('rust-toolchain.toml: the toolchain input wins over it; without the input, its components and targets are added to the installed toolchain, or installed with it', () => {
    const file = `[toolchain]\nchannel = "${TOOLCHAIN}"\ncomponents = ["rust-src"]\ntargets = ["aarch64-unknown-linux-gnu"]\nprofile = "minimal"\n`
    const project = (): string => {
      const workspace = fixture('hello')
      fs.writeFileSync(path.join(workspace, 'rust-toolchain.toml'), file)
      return workspace
    }
    const minimal = [`cargo-${HOST}`, `rust-std-${HOST}`, `rustc-${HOST}`]
    const asked = ['rust-src', 'rust-std-aarch64-unknown-linux-gnu', ...minimal].sort()

    const env = rustupEnv()
    const byInput = runAction({ target: HOST, toolchain: TOOLCHAIN }, { workspace: project(), debian: false, env })
    assert.match(sh(stagedBinary(byInput), []), /^hello from x86_64/)
    assert.match(byInput.log, /Toolchain 1\.96\.0 \(toolchain input\)/)
    assert.deepEqual(components(env), minimal)

    const workspace = project()
    const byFile = runAction({ target: HOST }, { workspace, debian: false, env })
    assert.match(sh(stagedBinary(byFile), []), /^hello from x86_64/)
    assert.match(byFile.log, new RegExp(`Toolchain 1\\.96\\.0 \\(${workspace}/rust-toolchain\\.toml\\)`))
    assert.match(byFile.log, /1\.96\.0 is installed\./)
    assertQuick(byFile)
    assert.deepEqual(
      rustupSteps(byFile).map((step) => step.command),
      [`component add --toolchain ${TOOLCHAIN} rust-src`, `target add --toolchain ${TOOLCHAIN} aarch64-unknown-linux-gnu`],
    )
    assert.deepEqual(components(env), asked)
    // Everything the file asks for is there: the next run needs no server.
    const offline = runAction({ target: HOST }, { workspace: project(), debian: false, env: { ...env, ...DEAD } })
    assert.match(sh(stagedBinary(offline), []), /^hello from x86_64/)
    assert.deepEqual(rustupSteps(offline), [])

    const fresh = rustupEnv()
    const installed = runAction({ target: HOST }, { workspace: project(), debian: false, env: fresh })
    assert.match(sh(stagedBinary(installed), []), /^hello from x86_64/)
    assertQuick(installed)
    assert.deepEqual(
      rustupSteps(installed).map((step) => step.command),
      [`toolchain install ${TOOLCHAIN} --profile minimal --component rust-src --target aarch64-unknown-linux-gnu --no-self-update`],
    )
    assert.deepEqual(components(fresh), asked)
    assert.ok(fs.existsSync(path.join(fresh.RUSTUP_HOME ?? '', 'toolchains', `${TOOLCHAIN}-${HOST}`, 'lib', 'rustlib', 'src', 'rust', 'library', 'std', 'Cargo.toml')))
  })

  test("a cargo, rustc and rustdoc earlier on PATH are never run: the action and cargo run the toolchain's own", () => {
    const fakes = runnerFolder('fake-bin')
    for (const tool of ['cargo', 'rustc', 'rustdoc']) {
      fs.writeFileSync(path.join(fakes, tool), `#!/bin/sh\necho "FAKE ${tool} was run: $*" >&2\nexit 97\n`, { mode: 0o755 })
    }
    const env = rustupEnv()
    const run = runAction({ target: HOST, toolchain: TOOLCHAIN }, { workspace: fixture('hello'), debian: false, env: { ...env, PATH: `${fakes}:${env.PATH}` } })
    assert.match(sh(stagedBinary(run), []), /^hello from x86_64/)
    assertQuick(run)
    assert.doesNotMatch(run.log, /FAKE/)
    assert.match(run.log, new RegExp(`cargo and rustc of ${TOOLCHAIN}: ${path.join(env.RUSTUP_HOME ?? '', 'toolchains', `${TOOLCHAIN}-${HOST}`, 'bin')}\\n`))
  })
})
