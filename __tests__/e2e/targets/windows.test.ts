/**
 * Windows from Linux: Debian's ring 0.16 (C and assembly) built for x86_64-pc-windows-gnu
 * with the distribution's mingw-w64 and std built from source, its test run under wine as
 * cargo's runner (`command: both`), the staged .exe checked as PE x86-64, smoke-tested
 * under wine, and zipped.
 */
import { test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { errors, fixture, runAction, sh } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'

/** The PE header's machine field: the u32 at 0x3c points at "PE\0\0", the u16 after it. */
function peMachine(file: string): number {
  const bytes = fs.readFileSync(file)
  const header = bytes.readUInt32LE(0x3c)
  assert.equal(bytes.toString('latin1', header, header + 4), 'PE\0\0')
  return bytes.readUInt16LE(header + 4)
}

const missing = [
  ['/usr/bin/x86_64-w64-mingw32-gcc-win32', 'gcc-mingw-w64-x86-64-win32'],
  ['/usr/lib/wine/wine64', 'wine64'],
  ['/usr/lib/rustlib/src/rust/library/std', 'rust-web-src'],
]
  .filter(([file]) => !fs.existsSync(file ?? ''))
  .map(([, pkg]) => pkg)
// Wine 8.0 (Debian 12) has no bcryptprimitives.dll: then the action must build the stand-in.
const wineLacksProcessPrng = !fs.existsSync('/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/bcryptprimitives.dll')

requires(missing.length > 0 && `needs ${missing.join(', ')} (scripts/setup-debian.sh)`)('x86_64-pc-windows-gnu on a Linux runner', () => {
  test('ring-hello: built with mingw-w64, tested and smoke-tested under wine, PE x86-64, zipped', () => {
    const workspace = fixture('ring-hello')
    const started = Date.now()
    const run = runAction({ target: 'x86_64-pc-windows-gnu', toolchain: 'system', 'build-std': 'true', locked: 'true', command: 'both', 'smoke-test': 'x', 'target-cpu': 'x86-64-v2' }, { workspace })
    console.log(`x86_64-pc-windows-gnu ring-hello (build-std, build + test under wine): ${((Date.now() - started) / 1000).toFixed(1)} s`)
    assert.equal(run.code, 0, run.log)
    assert.deepEqual(errors(run), [])
    assert.match(run.log, /Linker: x86_64-w64-mingw32-gcc-win32/)
    if (wineLacksProcessPrng) assert.match(run.log, /This wine has no bcryptprimitives\.dll \(ProcessPrng\).*built a stand-in with x86_64-w64-mingw32-gcc-win32 .* WINEPATH/)

    // command: both: the crate's own test ran under wine as cargo's runner
    assert.match(run.log, /Running unittests src\/main\.rs \(.*x86_64-pc-windows-gnu\/release\/deps\/ring_hello-[0-9a-f]+\.exe\)/)
    assert.match(run.log, /test tests::digest_is_sha256 \.\.\. ok/)
    assert.match(run.log, /test result: ok\. 1 passed/)

    const binaries = JSON.parse(run.outputs.binaries ?? '[]') as string[]
    assert.equal(binaries.length, 1)
    const exe = binaries[0] ?? ''
    assert.equal(path.basename(exe), 'ring-hello.exe')
    assert.equal(peMachine(exe), 0x8664)
    // the C code got the baseline too (the wrapper adds it), and the smoke test ran the .exe
    assert.match(run.log, /ring-hello\.exe: smoke test passed \(wine64\): sha256\(rust-xbuild\)=af9b395b4ecaff16d4f410dd5fb5505e53ba401f598c8aa681004e15b8512c7b arch=x86_64/)
    assert.match(run.summary, /\| `ring-hello\.exe` \| x86_64 \(PE 64-bit\) \| n\/a \| — \| ✅ passed \(wine64\) \| ✅ \|/)

    // zip by default for Windows targets, with the .exe inside, and sums that verify
    const archives = JSON.parse(run.outputs.archives ?? '[]') as string[]
    assert.equal(archives.length, 1)
    assert.match(archives[0] ?? '', /\.zip$/)
    assert.match(sh('unzip', ['-Z1', archives[0] ?? '']), /^ring-hello\.exe$/m)
    assert.match(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.dirname(exe) }), /ring-hello\.exe: OK/)
  })
})

requires(missing.length > 0 && `needs ${missing.join(', ')} (scripts/setup-debian.sh)`)('i686-pc-windows-gnu on a Linux runner', () => {
  test('tests are refused before anything is built: wine64 would exit 0 without running them', () => {
    const run = runAction({ target: 'i686-pc-windows-gnu', toolchain: 'system', 'build-std': 'true', command: 'test' }, { workspace: fixture('hello') })
    assert.equal(run.code, 1, run.log)
    assert.match(errors(run).join('\n'), /Input 'command' has the value 'test': tests of i686-pc-windows-gnu cannot run on this Linux runner: an i686 \.exe needs 32-bit wine/)
    assert.doesNotMatch(run.log, /Compiling/)
  })

  test('ring-hello: built with std from source and rsbegin.o/rsend.o, PE i386; the smoke test says why it is skipped', () => {
    const workspace = fixture('ring-hello')
    const started = Date.now()
    const run = runAction({ target: 'i686-pc-windows-gnu', toolchain: 'system', 'build-std': 'true', locked: 'true', 'smoke-test': 'x' }, { workspace })
    console.log(`i686-pc-windows-gnu ring-hello (build-std): ${((Date.now() - started) / 1000).toFixed(1)} s`)
    assert.equal(run.code, 0, run.log)
    assert.match(run.log, /Built rsbegin\.o and rsend\.o for i686-pc-windows-gnu from std's source/)
    const exe = (JSON.parse(run.outputs.binaries ?? '[]') as string[])[0] ?? ''
    assert.equal(path.basename(exe), 'ring-hello.exe')
    assert.equal(peMachine(exe), 0x014c)
    assert.match(run.summary, /\| `ring-hello\.exe` \| x86 \(PE 32-bit\) \| n\/a \| — \| skipped: an i686 \.exe needs 32-bit wine .* \| ✅ \|/)
    assert.doesNotMatch(run.log, /wineboot/, 'no wine prefix for an .exe that wine64 cannot run')
  })
})
