/**
 * Crates people build today, from cargo's registry at the committed Cargo.lock of
 * __tests__/fixtures/registry, built by the bundled action alone (toolchain: system,
 * build-std where Debian has no std): C++ on musl for the runner's own architecture and for
 * aarch64 (zig c++: musl-gcc has none, and linker: gcc says so); scripts/registry-grid.ts
 * builds every package for every target. Each binary runs here (qemu-user) with the expected output,
 * musl binaries are static, and the C and C++ macros name the target's baseline. These
 * rows took over the x86_64 and aarch64 musl rows of the target matrix, x86_64 musl through
 * zig with build-std of __tests__/e2e/build/cross.test.ts (static, RUSTC_BOOTSTRAP, the remaps),
 * and the x86_64 musl case of __tests__/e2e/package/linux-packages.test.ts (a .deb and an .rpm
 * of a static binary depend on no C library, and the packaged binary runs).
 */
import { test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { attempt, errors, fixture, readelf, registryCargoHome, runAction, sh, splitRemaps, ZIG_DIR } from '../../support/harness.js'
import { buildCrates, checkBinary, TARGETS, type CratesPackage } from '../../support/crates-fixture.js'
import { requires } from '../../support/prerequisites.js'

/**
 * What each target builds here: cc's C and C++ on musl for the runner's own architecture and
 * a foreign one (std from source, zig's libc, libc++ and libunwind are most of the time), and
 * AWS-LC on the foreign one; every package on every target: scripts/registry-grid.ts.
 */
const CASES: { triple: string; zigTarget: string; packages: CratesPackage[]; linuxPackages?: boolean }[] = [
  // With packages: deb, rpm from Cargo.toml alone (cc-cpp has no [package.metadata.deb]).
  { triple: 'x86_64-unknown-linux-musl', zigTarget: 'x86_64-linux-musl', packages: ['cc-cpp'], linuxPackages: true },
  // aws-lc: rustls' default crypto (aws-lc-sys 0.47 through cc), its aarch64 assembly run under qemu.
  { triple: 'aarch64-unknown-linux-musl', zigTarget: 'aarch64-linux-musl', packages: ['cc-cpp', 'aws-lc'] },
]

const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-xbuild-registry-'))

function missingTools(): string | false {
  const missing = ['qemu-aarch64', 'musl-gcc', 'dpkg-deb', 'rpm'].filter((tool) => attempt('sh', ['-c', 'command -v "$1"', 'sh', tool]).status !== 0)
  return missing.length > 0 && `the tools of scripts/setup-debian.sh (${missing.join(', ')})`
}

requires(missingTools())('crates from the registry, built by the action alone', () => {
  for (const { triple, zigTarget, packages, linuxPackages } of CASES) {
    const target = TARGETS.find((row) => row.triple === triple)
    if (!target) throw new Error(`${triple} is not in crates-fixture's TARGETS`)
    test(
      `${triple}: ${packages.join(', ')} run${target.runner ? ` under ${target.runner.join(' ')}` : ''}${linuxPackages ? '; its .deb and .rpm depend on no C library' : ''}`,
      () => {
        const started = Date.now()
        // std, zig's libc, libc++ and AWS-LC from cold take 8 to 15 minutes on two busy cores: the step gets 35.
        const run = buildCrates(target, packages, runnerTemp, { 'smoke-test': 'smoke', ...(linuxPackages ? { packages: 'deb, rpm' } : {}) }, 35)
        console.log(`registry ${triple} (${packages.join(', ')}): ${((Date.now() - started) / 1000).toFixed(0)} s`)
        assert.equal(run.code, 0, run.log.slice(-8000))
        assert.deepEqual(errors(run), [])
        assert.match(run.log, new RegExp(`Linker: zig cc -target ${zigTarget}\\n`))
        // std from source: RUSTC_BOOTSTRAP, the action's path remaps first (rust-src, cargo's home,
        // the workspace; shortest runner path first, so that a nested longer one wins), then its
        // own flag: zig brings musl's start files, not Rust's self-contained ones.
        assert.match(run.log, /RUSTC_BOOTSTRAP=1/)
        const { remapsTo, rest } = splitRemaps(run.outputs.rustflags ?? '')
        assert.deepEqual([...remapsTo].sort(), ['/cargo', '/rustc-src', '/ws'])
        assert.equal(rest, '-Clink-self-contained=no')
        const dir = run.outputs.dir ?? ''
        const built = (JSON.parse(run.outputs.binaries ?? '[]') as string[]).map((file) => path.basename(file)).sort()
        assert.deepEqual(built, [...packages].sort())
        const sums = sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir })
        for (const name of packages) {
          assert.match(sums, new RegExp(`^${name}: OK$`, 'm'))
          const result = checkBinary(dir, name, target)
          assert.ok(result.ran, `${name}: ${result.output}`)
          assert.equal(result.static, true, `${name} is static`)
          if (result.baseline !== undefined) assert.ok(result.baseline, `${name}: ${result.output}`)
        }
        // The C++ runtime is zig's: LLVM's libc++abi (its messages survive stripping), linked in statically.
        assert.ok(fs.readFileSync(path.join(dir, 'cc-cpp')).includes('libc++abi: '), 'cc-cpp carries libc++abi')
        // bindgen's libclang gets zig's headers for the target's libc (none of the host's).
        assert.match(run.log, new RegExp(`cargo gets BINDGEN_EXTRA_CLANG_ARGS_${triple.replace(/-/g, '_')}=-nostdlibinc -isystem \\S+/libc/include/${zigTarget} `))
        // zig's cache lives under the action's folder and is an entry of the build cache.
        assert.ok(fs.readdirSync(path.join(runnerTemp, 'rust-xbuild', triple, 'zig-cache')).length > 0)
        assert.match(run.summary, /\| zig \| `rust-xbuild-v1-zig-[^`]+`<br>zig `0\.13\.0` · zig target `[^`]+` · zig cpu `[^`]+` \| miss \|/)
        if (linuxPackages) checkStaticPackages(dir, sums)
      },
      40 * 60 * 1000,
    )
  }

  test('linker: gcc on x86_64 musl is musl-gcc, C only: the C++ build fails with one error that says so, and the project is unchanged', () => {
    const workspace = fixture('registry')
    const lock = fs.readFileSync(path.join(workspace, 'Cargo.lock'), 'utf8')
    const inputs = { target: 'x86_64-unknown-linux-musl', toolchain: 'system', locked: 'true', 'build-std': 'true', linker: 'gcc', package: 'cc-cpp' }
    const run = runAction(inputs, { workspace, env: { CARGO_HOME: registryCargoHome() } })
    assert.notEqual(run.code, 0)
    assert.match(run.log, /Linker: musl-gcc\n/)
    const messages = errors(run).filter((line) => line.includes('C++'))
    assert.equal(messages.length, 1, errors(run).join('\n'))
    assert.match(
      messages[0] ?? '',
      /compiles C\+\+ for x86_64-unknown-linux-musl, and musl-gcc has no C\+\+ compiler \(cc looked for x86_64-linux-musl-g\+\+, which no distribution ships\)\. Use linker: auto or zig/,
    )
    assert.equal(fs.readFileSync(path.join(workspace, 'Cargo.lock'), 'utf8'), lock)
    assert.deepEqual(Array.from(fs.readdirSync(workspace)).sort(), ['Cargo.lock', 'Cargo.toml', 'c', 'crates', 'target'])
  })

  test('a build script that runs cmake, on a runner without cmake: one error before cargo builds names the crate and the fix, and the project is unchanged', () => {
    const workspace = fixture('registry')
    const before = listing(workspace)
    const run = runAction(
      { target: 'aarch64-unknown-linux-gnu', toolchain: 'system', locked: 'true', package: 'zlib-ng' },
      { workspace, env: { PATH: pathWithout('cmake'), CARGO_HOME: registryCargoHome() } },
    )
    assert.notEqual(run.code, 0)
    assert.deepEqual(errors(run), [
      '::error::libz-ng-sys 1.1.33 runs cmake (the cmake crate) to build its C library, and cmake is not on this runner. Install it in a step before this one (Debian/Ubuntu: sudo apt-get install -y cmake).',
    ])
    // The preflight stopped it: cargo compiled nothing, and the summary names the phase.
    assert.doesNotMatch(run.log, /Compiling /)
    assert.match(run.summary, /Preflight: crates with native build steps/)
    assert.deepEqual(listing(workspace), before)
  })
})

/** cc-cpp's .deb and .rpm of a static binary: no C library among their dependencies, summed, and the packaged binary runs. */
function checkStaticPackages(dir: string, sums: string): void {
  const deb = path.join(dir, 'cc-cpp_0.1.0-1_amd64.deb')
  const rpm = path.join(dir, 'cc-cpp-0.1.0-1.x86_64.rpm')
  for (const file of [deb, rpm]) assert.match(sums, new RegExp(`^${path.basename(file)}: OK$`, 'm'))
  assert.match(sh('dpkg-deb', ['--field', deb, 'Package', 'Architecture']), /^Package: cc-cpp\nArchitecture: amd64\n$/)
  assert.equal(sh('dpkg-deb', ['--field', deb, 'Depends']).trim(), '')
  assert.match(sh('rpm', ['-qp', '--queryformat', '%{ARCH}', rpm]), /^x86_64$/)
  assert.doesNotMatch(sh('rpm', ['-qRp', rpm]), /libc\.so/)
  const extracted = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-deb-'))
  sh('dpkg-deb', ['-x', deb, extracted])
  const packaged = path.join(extracted, 'usr/bin/cc-cpp')
  assert.equal(readelf(packaged).interpreter, false, 'the packaged cc-cpp is static')
  assert.equal(sh(packaged, []).trim(), sh(path.join(dir, 'cc-cpp'), []).trim())
  fs.rmSync(extracted, { recursive: true, force: true })
}

/** Every file of a project with its content's hash, outside cargo's target folder: what "unchanged" is checked against. */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => !file.startsWith('target/') && fs.statSync(path.join(dir, file)).isFile())
    .map((file) => `${file} ${sh('sha256sum', [path.join(dir, file)]).split(' ')[0]}`)
    .sort()
}

/** A PATH of the runner's programs without `program`: a folder of links to /usr/bin's other entries, then zig. */
function pathWithout(program: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-xbuild-path-'))
  fs.chmodSync(dir, 0o755)
  for (const name of fs.readdirSync('/usr/bin')) if (name !== program) fs.symlinkSync(path.join('/usr/bin', name), path.join(dir, name))
  return [ZIG_DIR, dir].join(':')
}
