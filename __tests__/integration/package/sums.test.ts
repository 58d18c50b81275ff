import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sha256Of } from '../../../src/common/checksum.js'
import { renderPackageManifest } from '../../../src/package/pack.js'
import { renderSums } from '../../../src/package/plan.js'

describe('SHA256SUMS', () => {
  test('GNU format that sha256sum -c verifies', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sums-'))
    fs.writeFileSync(path.join(dir, 'b'), 'bravo')
    fs.writeFileSync(path.join(dir, 'a'), 'alpha')
    const files = [
      { name: 'b', hash: await sha256Of(path.join(dir, 'b')) },
      { name: 'a', hash: await sha256Of(path.join(dir, 'a')) },
    ]
    const sums = renderSums(files)
    assert.match(sums, /^[0-9a-f]{64} {2}a\n[0-9a-f]{64} {2}b\n$/)
    fs.writeFileSync(path.join(dir, 'SHA256SUMS'), sums)
    assert.match(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' }), /a: OK\nb: OK/)
    fs.writeFileSync(path.join(dir, 'a'), 'tampered')
    assert.throws(() => execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, stdio: 'pipe' }))
  })
  test('the JSON manifest records the build', () => {
    const manifest = JSON.parse(
      renderPackageManifest(
        { target: 't', toolchain: 'stable', rustc: 'rustc 1.95.0', rustflags: ['-Ctarget-cpu=x86-64-v2'], targetCpu: 'x86-64-v2', targetFeatures: [], linker: 'cc', sourceDateEpoch: 1_700_000_000 },
        [{ name: 'app', path: '/x/app', kind: 'binary', size: 3, hashes: { sha256: 'ab' }, stripped: true }],
        ['SHA256SUMS'],
        [],
      ),
    )
    assert.deepEqual(manifest.files, [{ name: 'app', kind: 'binary', size: 3, sha256: 'ab', stripped: true }])
    assert.equal(manifest.baseline.targetCpu, 'x86-64-v2')
    assert.equal(manifest.rustc, 'rustc 1.95.0')
    assert.equal(manifest.sourceDateEpoch, 1_700_000_000)
  })
})
