import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { diagnose, failedCrates, flaggedFailure, type DiagnosisContext } from '../../../src/build/diagnostics.js'
import { preflightReport, type PreflightReport } from '../../../src/build/preflight.js'
import { targetFacts } from '../../../src/common/target.js'
import { preflightContext } from '../../support/hosts.js'

const context = (triple = 'aarch64-unknown-linux-gnu', over: Partial<DiagnosisContext> = {}): DiagnosisContext => ({
  facts: targetFacts(triple),
  linker: 'aarch64-linux-gnu-gcc',
  systemPackages: [],
  protoc: false,
  ...over,
})

describe('known failures give one actionable message', () => {
  const table: { name: string; stderr: string; context?: DiagnosisContext; expected: RegExp | undefined }[] = [
    {
      name: 'lance AVX-512 kernel',
      stderr:
        "  = note: /usr/bin/ld: liblance_linalg.rlib(x.o): in function `dist':\n          undefined reference to `sum_4bit_dist_table_32bytes_batch_avx512'\n          collect2: error: ld returned 1 exit status",
      context: context('x86_64-unknown-linux-gnu'),
      expected: /^The link failed on the AVX-512 kernel sum_4bit_dist_table_32bytes_batch_avx512: .*Set target-features: -avx512 with your target-cpu/,
    },
    {
      name: 'prost-build without protoc',
      stderr: '  --- stderr\n  Error: Custom { kind: NotFound, error: "Could not find `protoc` installation and this build crate cannot proceed without\\n    this rustcTarget." }',
      expected: /^A build script needs protoc .*set the input protoc: true/,
    },
    {
      name: 'prost-build with a PROTOC that does not exist',
      stderr: '  Error: Custom { kind: NotFound, error: "failed to invoke protoc (hint: https://docs.rs/prost-build/#sourcing-protoc): (path: \\"/nope\\"): No such file or directory (os error 2)" }',
      expected: /^A build script needs protoc/,
    },
    {
      name: 'pkg-config refusing to cross-compile (upstream pkg-config crate)',
      stderr:
        "  --- stderr\n  thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: pkg-config has not been configured to support cross-compilation.\n\n  Install a sysroot for the target platform and configure it via\n  PKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_PATH",
      expected: /^pkg-config refused to look up a library for the cross target aarch64-unknown-linux-gnu\. List the target's -dev packages in system-packages .* installs them for arm64/,
    },
    {
      name: 'pkg-config without the target .pc file',
      stderr: "  Package libzstd was not found in the pkg-config search path.\n  Perhaps you should add the directory containing `libzstd.pc'",
      expected: /^pkg-config found no libzstd for aarch64-unknown-linux-gnu: add libzstd-dev to system-packages \(installed for arm64\)/,
    },
    {
      name: 'pkg-config crate: could not find system library',
      stderr: "  error: could not find system library 'openssl' required by the 'openssl-sys' crate",
      expected: /^pkg-config found no openssl .*: add libssl-dev to system-packages/,
    },
    {
      name: 'cannot find -lssl (GNU ld)',
      stderr: '          /usr/lib/gcc-cross/aarch64-linux-gnu/12/../../../../aarch64-linux-gnu/bin/ld: cannot find -lssl: No such file or directory',
      expected: /^The linker found no libssl for aarch64-unknown-linux-gnu: add libssl-dev to system-packages/,
    },
    {
      name: 'unable to find library -lz (lld, zig)',
      stderr: '          ld.lld: error: unable to find library -lz',
      context: context('aarch64-unknown-linux-musl'),
      expected: /^The linker found no libz for aarch64-unknown-linux-musl: add zlib1g-dev to system-packages .*for musl, prefer the crate's vendored/,
    },
    {
      name: 'missing linker',
      stderr: 'error: linker `aarch64-linux-gnu-gcc` not found\n  |\n  = note: No such file or directory (os error 2)',
      expected: /^The linker aarch64-linux-gnu-gcc is not installed\. Use linker: auto/,
    },
    {
      name: 'cc crate: C compiler missing',
      stderr: '  error occurred: Failed to find tool. Is `aarch64-linux-musl-gcc` not installed?',
      context: context('aarch64-unknown-linux-musl'),
      expected: /^A build script's C compiler aarch64-linux-musl-gcc is not installed for aarch64-unknown-linux-musl\. With linker: auto the action sets CC_aarch64_unknown_linux_musl/,
    },
    { name: 'an ordinary compile error', stderr: 'error[E0308]: mismatched types\n --> src/main.rs:2:5', expected: undefined },
  ]
  for (const row of table) {
    test(row.name, () => {
      const message = diagnose(row.stderr.split('\n'), row.context ?? context())
      if (row.expected) assert.match(message ?? '(none)', row.expected)
      else assert.equal(message, undefined)
    })
  }
  test('colour codes are ignored', () => {
    assert.match(diagnose(['\x1b[1m\x1b[31merror\x1b[0m: linker `cc-x` not found'], context()) ?? '', /^The linker cc-x is not installed/)
  })
})

describe('a failure in a crate the preflight flagged names the crate and its remedy', () => {
  // Real stderr: Debian's ring 0.16.20 built for powerpc64le-unknown-linux-gnu (build-std, cargo 1.96).
  const ringStderr = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'stderr', 'ring-0.16-powerpc64le.txt'), 'utf8').split('\n')
  // Real stderr: a path dependency with a type error.
  const compileStderr = [
    '   Compiling broken-dep v0.2.0 (/tmp/cf/dep)',
    'error[E0308]: mismatched types',
    ' --> dep/src/lib.rs:1:21',
    'For more information about this error, try `rustc --explain E0308`.',
    'error: could not compile `broken-dep` (lib) due to 1 previous error',
  ]
  const ringFacts = preflightContext('powerpc64le-unknown-linux-gnu', { linker: 'powerpc64le-linux-gnu-gcc' })
  const ringReport = preflightReport([{ name: 'ring', version: '0.16.20', links: 'ring-asm', tools: ['cc'], features: [] }], ringFacts)

  test('cargo names the failed crates', () => {
    assert.deepEqual(failedCrates(ringStderr), [{ name: 'ring', version: '0.16.20' }])
    assert.deepEqual(failedCrates(compileStderr), [{ name: 'broken-dep' }])
    assert.deepEqual(failedCrates(['error: linking with `cc` failed: exit status: 1']), [])
  })

  const table: { name: string; stderr: string[]; report?: PreflightReport; expected: RegExp | undefined }[] = [
    {
      name: "ring 0.16 on powerpc64le: ring's panic becomes the preflight's remedy",
      stderr: ringStderr,
      report: ringReport,
      expected: /^the build failed in ring 0\.16\.20; the preflight's notes on it for this target: .*ring 0\.16\.20 has no support for powerpc64; ring 0\.17 added it: upgrade/,
    },
    { name: 'no preflight report', stderr: ringStderr, expected: undefined },
    { name: 'another version of the crate than the one flagged', stderr: ringStderr.map((line) => line.replace('v0.16.20', 'v0.16.19')), report: ringReport, expected: undefined },
    { name: 'a crate the preflight did not list', stderr: compileStderr, report: ringReport, expected: undefined },
    {
      name: 'a crate that failed to compile, flagged without a version in the message',
      stderr: compileStderr,
      report: { crates: [{ name: 'broken-dep', version: '0.2.0', notes: ['needs cmake on the build host.'] }], markdown: '' },
      expected: /^the build failed in broken-dep 0\.2\.0; the preflight's notes on it for this target: needs cmake on the build host\.$/,
    },
    { name: 'a listed crate with no notes', stderr: compileStderr, report: { crates: [{ name: 'broken-dep', version: '0.2.0', notes: [] }], markdown: '' }, expected: undefined },
  ]
  for (const row of table) {
    test(row.name, () => {
      const message = flaggedFailure(row.stderr, row.report)
      if (row.expected) assert.match(message ?? '', row.expected)
      else assert.equal(message, undefined)
    })
  }
})
