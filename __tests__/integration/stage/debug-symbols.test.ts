/**
 * debug-symbols in the Stage phase with the real binutils: a windows-gnu .exe built with
 * mingw-w64's gcc -g is split by mingw's objcopy into app.debug beside app.exe (the .exe
 * stripped, with a .gnu_debuglink to it), and the debug file resolves a function of the .exe to
 * its source line; an ELF the same way with the target's objcopy. Cheap: C programs, no cargo.
 */
import { test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { targetFacts } from '../../../src/common/target.js'
import { resolveDebugSplit } from '../../../src/setup/debug-symbols.js'
import { stageBinaries, stripCandidates } from '../../../src/stage/stage.js'
import { requires } from '../../support/prerequisites.js'

const run = (program: string, args: string[]): string => execFileSync(program, args, { encoding: 'utf8' })
const sectionNames = (objdump: string, file: string): string[] => [...run(objdump, ['-h', file]).matchAll(/^\s*\d+\s+(\S+)/gm)].map((m) => m[1] ?? '')

const cases = [
  { triple: 'x86_64-pc-windows-gnu', gcc: 'x86_64-w64-mingw32-gcc', binutils: 'x86_64-w64-mingw32', exe: 'app.exe' },
  { triple: 'aarch64-unknown-linux-gnu', gcc: 'aarch64-linux-gnu-gcc', binutils: 'aarch64-linux-gnu', exe: 'app' },
]

for (const { triple, gcc, binutils, exe } of cases) {
  requires(!fs.existsSync(`/usr/bin/${gcc}`) && `needs ${gcc} (scripts/setup-debian.sh)`)(`debug-symbols for ${triple}`, () => {
    test(`${exe} is stripped beside app.debug, linked to it, and app.debug resolves answer() to app.c:2`, async () => {
      const top = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-debug-'))
      const source = path.join(top, 'app.c')
      fs.writeFileSync(source, '#include <stdio.h>\nint answer(void) { return 42; }\nint main(void) {\n  printf("%d\\n", answer());\n  return 0;\n}\n')
      const built = path.join(top, 'release', exe)
      fs.mkdirSync(path.dirname(built))
      run(gcc, ['-g', '-O1', '-o', built, source])
      const facts = targetFacts(triple)
      const split = await resolveDebugSplit(facts, 'x86_64')
      assert.deepEqual(split, { format: 'objcopy', tool: [`${binutils}-objcopy`] })

      const stageDir = path.join(top, 'stage')
      const artifact = { name: 'app', executable: built, packageId: 'path+file:///p#app@0.1.0', test: false, fresh: false }
      const result = await stageBinaries([artifact], stageDir, true, stripCandidates(facts, 'x86_64'), triple, split)
      const [file] = result.files
      assert.equal(file?.stripped, true)
      assert.equal(file?.debug, path.join(stageDir, 'app.debug'))
      assert.deepEqual(Array.from(fs.readdirSync(stageDir)).sort(), [exe, 'app.debug'].sort())

      const objdump = `${binutils}-objdump`
      const staged = sectionNames(objdump, path.join(stageDir, exe))
      assert.ok(staged.includes('.gnu_debuglink'), staged.join(' '))
      assert.ok(!staged.includes('.debug_info'), staged.join(' '))
      assert.ok(sectionNames(objdump, path.join(stageDir, 'app.debug')).includes('.debug_info'))
      // The address of answer() from the unstripped build; the debug file names it and its line.
      const symbol = new RegExp(`^([0-9a-f]+) .*\\s_?answer$`, 'm').exec(run(`${binutils}-nm`, ['-a', built]))
      assert.ok(symbol?.[1], 'answer in the unstripped build')
      const resolved = run(`${binutils}-addr2line`, ['-f', '-e', path.join(stageDir, 'app.debug'), `0x${symbol[1]}`])
      console.log(`${triple}: ${binutils}-addr2line -f -e app.debug 0x${symbol[1]}:\n${resolved}`)
      assert.match(resolved, /^answer\n.*app\.c:2\n$/)
    })
  })
}
