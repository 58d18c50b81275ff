/**
 * The folders the action gives bindgen, against the real zig and clang (libclang's driver):
 * the registry fixture's bindgen header parses for ARM musl only with them, and with them
 * clang's idea of the struct's layout is the target's.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { targetFacts } from '../../../src/common/target.js'
import { bindgenEnv, zigIncludeDirs } from '../../../src/setup/bindgen.js'
import { FIXTURES, ZIG_DIR } from '../../support/harness.js'

const HEADER = path.join(FIXTURES, 'registry', 'crates', 'bindgen-sys', 'native', 'point.h')

function clangArgs(triple: string, zigTarget: string): string[] {
  const probe = spawnSync(path.join(ZIG_DIR, 'zig'), ['cc', '-target', zigTarget, '-E', '-v', '-x', 'c', '/dev/null', '-o', '/dev/null'], { encoding: 'utf8' })
  const facts = targetFacts(triple)
  const value = bindgenEnv(facts, zigIncludeDirs(probe.stderr), [])[`BINDGEN_EXTRA_CLANG_ARGS_${facts.underscored}`]
  assert.ok(value, probe.stderr)
  // zig's folders here have no characters that need quoting, so the words are the arguments.
  assert.doesNotMatch(value, /'/)
  return value.split(' ')
}

/** clang --target=<triple> on the header, with the given arguments; the layout asked of it with _Static_assert. */
function parse(triple: string, args: string[], pointerSize: number): { status: number | null; stderr: string } {
  const size = `_Static_assert(sizeof(xb_point) == ${pointerSize === 4 ? 24 : 32}, "layout");`
  return spawnSync('clang', [`--target=${triple}`, ...args, '-fsyntax-only', '-include', HEADER, '-x', 'c', '-'], { input: size, encoding: 'utf8' })
}

describe("bindgen's libclang with zig's headers for the target", () => {
  test('armv7 musl: without them the host has no ARM headers; with them it parses, 32-bit layout', () => {
    const bare = parse('armv7-unknown-linux-musleabihf', [], 4)
    assert.notEqual(bare.status, 0)
    assert.match(bare.stderr, /'bits\/libc-header-start\.h' file not found/)
    const given = parse('armv7-unknown-linux-musleabihf', clangArgs('armv7-unknown-linux-musleabihf', 'arm-linux-musleabihf'), 4)
    assert.equal(given.status, 0, given.stderr)
  })
  test("aarch64 musl: musl's own headers, not the host's glibc, 64-bit layout", () => {
    const args = clangArgs('aarch64-unknown-linux-musl', 'aarch64-linux-musl')
    assert.ok(!args.some((arg) => arg.startsWith('/usr/include')))
    assert.equal(parse('aarch64-unknown-linux-musl', args, 8).status, 0)
    // The preprocessor's line markers name the headers it read.
    const expanded = spawnSync('clang', ['--target=aarch64-unknown-linux-musl', ...args, '-E', HEADER], { encoding: 'utf8' })
    assert.match(expanded.stdout, /^# \d+ "[^"]*\/generic-musl\/stdint\.h"/m)
    assert.doesNotMatch(expanded.stdout, /^# \d+ "\/usr\/include\//m)
  })
})
