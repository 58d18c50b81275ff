/**
 * Bad input through the bundled action: one clear ::error:: naming the input and the
 * value, exit code 1, no stack trace, nothing of the project changed.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { errors, fixture, runAction } from '../../support/harness.js'

function listing(dir: string): string[] {
  return Array.from(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })).sort()
}

describe('bad input is refused clearly', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['misspelt triple, with suggestions', { target: 'aarch64-unknown-linux-gnux' }, /Input 'target' has the value 'aarch64-unknown-linux-gnux': .*Did you mean aarch64-unknown-linux-gnu/],
    ['unknown triple shape', { target: 'arm64' }, /Input 'target' has the value 'arm64': not a Rust target triple/],
    ['libc other than gnu/musl', { target: 'linux/arm64', libc: 'uclibc' }, /Input 'libc' has the value 'uclibc': expected one of gnu, musl/],
    ['target-cpu native for a cross target', { target: 'aarch64-unknown-linux-gnu', 'target-cpu': 'native' }, /Input 'target-cpu' has the value 'native': .*not a baseline for the cross target/],
    ['unknown target-cpu', { target: 'x86_64-unknown-linux-gnu', 'target-cpu': 'x86-64-v5' }, /Input 'target-cpu' has the value 'x86-64-v5': .*Did you mean .*x86-64-v/],
    ['unknown feature', { target: 'x86_64-unknown-linux-gnu', 'target-features': '+avx1024' }, /Input 'target-features' has the value '\+avx1024'/],
    ['unknown linker', { target: 'x86_64-unknown-linux-gnu', linker: 'mold' }, /Input 'linker' has the value 'mold'/],
    ['unknown command', { target: 'x86_64-unknown-linux-gnu', command: 'run' }, /Input 'command' has the value 'run'/],
    ['malformed glibc', { target: 'x86_64-unknown-linux-gnu', glibc: '2' }, /Input 'glibc' has the value '2'/],
    ['glibc with musl', { target: 'x86_64-unknown-linux-musl', glibc: '2.17' }, /Input 'glibc' has the value '2.17': a glibc floor does not apply to the musl target/],
    ['non-boolean boolean', { target: 'x86_64-unknown-linux-gnu', 'all-features': 'sometimes' }, /Input 'all-features' has the value 'sometimes': expected true or false/],
    ['missing working-directory', { target: 'x86_64-unknown-linux-gnu', 'working-directory': 'nope' }, /Input 'working-directory' has the value 'nope': no such directory/],
    ['working-directory without Cargo.toml', { target: 'x86_64-unknown-linux-gnu', 'working-directory': 'src' }, /Input 'working-directory' has the value 'src': .* has no Cargo.toml/],
    ['misspelt bin, with the closest', { target: 'x86_64-unknown-linux-gnu', bin: 'helo' }, /Input 'bin' has the value 'helo': the project has no binary of that name\. Did you mean hello\?/],
    [
      'misspelt package, with the closest',
      { target: 'x86_64-unknown-linux-gnu', package: 'hell' },
      /Input 'package' has the value 'hell': the project has no such package, nor a dependency of that name .*Did you mean hello\?/,
    ],
    ['a feature the project lacks', { target: 'x86_64-unknown-linux-gnu', features: 'nope' }, /Input 'features' has the value 'nope': the selected packages have no such feature/],
    // Release material is checked with the project, before cargo resolves or builds anything.
    [
      'a misspelt include file',
      { target: 'x86_64-unknown-linux-gnu', include: 'src/main.rs\nLICENCE' },
      /Input 'include' has the value 'LICENCE': there is no such file in .*include paths are relative/,
    ],
    ['an unknown placeholder in name', { target: 'x86_64-unknown-linux-gnu', name: '{bin}-{arch}' }, /Input 'name' has the value '\{bin\}-\{arch\}': unknown placeholder \{arch\}/],
  ]
  for (const [name, inputs, message] of cases) {
    test(name, () => {
      const workspace = fixture('hello')
      // Cargo would write a new Cargo.lock while resolving; a refused input must not get that far.
      fs.rmSync(path.join(workspace, 'Cargo.lock'))
      const before = listing(workspace)
      const run = runAction({ toolchain: 'system', ...inputs }, { workspace })
      assert.equal(run.code, 1, run.log)
      assert.ok(errors(run).length >= 1, run.log)
      assert.match(errors(run).join('\n'), message)
      assert.doesNotMatch(run.log, /^\s+at .*\.(js|ts):\d+/m, 'no stack trace')
      assert.deepEqual(
        listing(workspace).filter((entry) => !entry.startsWith('target')),
        before,
      )
      // The job summary of a failed step: the phases that ran and the error as the diagnosis.
      assert.match(run.summary, /## rust-xbuild: failed[\s\S]*\*\*failed\*\*[\s\S]*### Diagnosis\n\n> Input '/)
      assert.equal(fs.existsSync(path.join(workspace, '.cargo')), false)
    })
  }
})
