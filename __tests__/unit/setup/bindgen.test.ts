import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { targetFacts } from '../../../src/common/target.js'
import { bindgenEnv, zigIncludeDirs } from '../../../src/setup/bindgen.js'

// What zig 0.13.0 prints on stderr for `zig cc -target arm-linux-musleabihf -E -v -x c /dev/null`.
const ZIG = '/opt/zig'
const VERBOSE = [
  'clang version 18.1.6 (https://github.com/ziglang/zig-bootstrap 98bc6bf4fc4009888d33941daf6b600d20a42a56)',
  '#include "..." search starts here:',
  '#include <...> search starts here:',
  ` ${ZIG}/lib/include`,
  ` ${ZIG}/lib/libc/include/arm-linux-musl`,
  ` ${ZIG}/lib/libc/include/generic-musl`,
  ` ${ZIG}/lib/libc/include/arm-linux-any`,
  ` ${ZIG}/lib/libc/include/any-linux-any`,
  'End of search list.',
].join('\n')
const MUSL_DIRS = ['arm-linux-musl', 'generic-musl', 'arm-linux-any', 'any-linux-any'].map((dir) => `${ZIG}/lib/libc/include/${dir}`)

describe("bindgen gets zig's headers for the target's libc", () => {
  test("zig's search list without its clang resource folder", () => assert.deepEqual(zigIncludeDirs(VERBOSE), MUSL_DIRS))
  test('no search list: nothing', () => assert.deepEqual(zigIncludeDirs('error: unable to find zig installation directory'), []))
  const facts = targetFacts('armv7-unknown-linux-musleabihf')
  const cases: [string, readonly string[], readonly string[], Record<string, string>][] = [
    [
      'the target-specific variable, no system folders',
      MUSL_DIRS,
      [],
      { BINDGEN_EXTRA_CLANG_ARGS_armv7_unknown_linux_musleabihf: `-nostdlibinc ${MUSL_DIRS.map((dir) => `-isystem ${dir}`).join(' ')}` },
    ],
    [
      'a folder with a space is quoted for shlex',
      ['/home/me/my zig/lib/libc/include/generic-musl'],
      [],
      { BINDGEN_EXTRA_CLANG_ARGS_armv7_unknown_linux_musleabihf: "-nostdlibinc -isystem '/home/me/my zig/lib/libc/include/generic-musl'" },
    ],
    ["the project's own BINDGEN_EXTRA_CLANG_ARGS wins", MUSL_DIRS, ['BINDGEN_EXTRA_CLANG_ARGS'], {}],
    ["the project's own target-specific one too", MUSL_DIRS, ['BINDGEN_EXTRA_CLANG_ARGS_armv7-unknown-linux-musleabihf'], {}],
    ['no folders from zig: nothing', [], [], {}],
  ]
  for (const [name, dirs, user, expected] of cases) test(name, () => assert.deepEqual(bindgenEnv(facts, dirs, user), expected))
})
