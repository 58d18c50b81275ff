import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { targetFacts } from '../../../src/common/target.js'
import { renderVerificationSummary, verifyBinaries } from '../../../src/verify/checks.js'
import { x64 } from '../../support/hosts.js'

describe('verifyBinaries on real files', () => {
  test('a static and a dynamic binary, a smoke test on qemu64, a file that is not an executable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-'))
    fs.writeFileSync(path.join(dir, 'm.c'), '#include <stdio.h>\nint main(int c, char **v) { printf("ok %s\\n", v[1]); return 0; }\n')
    execFileSync('musl-gcc', ['-static', '-O1', path.join(dir, 'm.c'), '-o', path.join(dir, 'static')])
    execFileSync('gcc', ['-O1', path.join(dir, 'm.c'), '-o', path.join(dir, 'dynamic')])
    fs.writeFileSync(path.join(dir, 'script'), '#!/bin/sh\n')
    const files = ['static', 'dynamic', 'script'].map((name) => ({ name, path: path.join(dir, name) }))
    const report = await verifyBinaries(files, { mode: 'error', facts: targetFacts('x86_64-unknown-linux-musl'), host: x64, rustflags: [], smokeTest: ['--version'] })
    const [stat, dyn, script] = report.binaries
    assert.deepEqual(stat?.problems, [])
    assert.deepEqual(stat?.smoke, { passed: true, how: 'qemu-x86_64 -cpu qemu64 (x86-64)', detail: 'ok --version' })
    assert.match(dyn?.problems.join(' ') ?? '', /dynamic has a program interpreter/)
    assert.match(script?.problems[0] ?? '', /script could not be read as an executable: not an ELF/)
    const markdown = renderVerificationSummary(report)
    assert.match(markdown, /\| `static` \| x86_64 \(ELF 64-bit\) \| static \| — \| ✅ passed \(qemu-x86_64 -cpu qemu64 \(x86-64\)\) \| ✅ \|/)
    const wasm = await verifyBinaries([files[2] as { name: string; path: string }], { mode: 'error', facts: targetFacts('wasm32-wasip1'), host: x64, rustflags: [] })
    assert.deepEqual(wasm.binaries[0]?.problems, [])
    assert.match(markdown, /\| `dynamic` \| x86_64 \(ELF 64-bit\) \| libc\.so\.6 \| 2\.\d+ \| .* \| ❌ dynamic has a program interpreter/)
  })
})
