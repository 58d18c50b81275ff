/**
 * SBOMs from cargo's real resolution of ring-hello (ring 0.16: C and assembly, winapi on
 * Windows only), validated against the CycloneDX 1.6 JSON schema.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import * as Spec from '@cyclonedx/cyclonedx-library/Spec'
import * as Validation from '@cyclonedx/cyclonedx-library/Validation'
import { debianPath, fixture, offlineCargoHome, sh } from '../../support/harness.js'
import { writeSboms } from '../../../src/package/provenance.js'

const LINUX = ['libc', 'once_cell', 'ring', 'spin', 'untrusted']

describe('an SBOM per target, of the crates compiled for it', () => {
  const workDir = fixture('ring-hello')
  const env = { PATH: debianPath(), CARGO_HOME: offlineCargoHome() }
  const packageId = (JSON.parse(sh('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: workDir, env })) as { workspace_members: string[] }).workspace_members[0] ?? ''
  const cases: [string, string[], string[]][] = [
    ['x86_64-unknown-linux-gnu', LINUX, ['winapi']],
    ['aarch64-unknown-linux-gnu', LINUX, ['winapi']],
    ['x86_64-pc-windows-gnu', ['ring', 'spin', 'untrusted', 'winapi', 'winapi-x86_64-pc-windows-gnu'], ['libc', 'once_cell']],
  ]
  for (const [triple, crates, absent] of cases) {
    test(`${triple}: ${crates.join(', ')}; no ${absent.join(', ')} and nothing of the build scripts (cc)`, async () => {
      const stageDir = fs.mkdtempSync(path.join(workDir, 'stage-'))
      const written = await writeSboms({ workDir, stageDir, triple, packageIds: [packageId], cargoArgs: ['--locked'], env, sourceDateEpoch: 1_700_000_000 })
      assert.deepEqual(
        written.map((file) => file.name),
        [`ring-hello-${triple}.cdx.json`],
      )
      const json = fs.readFileSync(path.join(stageDir, `ring-hello-${triple}.cdx.json`), 'utf8')
      assert.equal(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json), null)
      const doc = JSON.parse(json)
      assert.equal(doc.metadata.component.purl, 'pkg:cargo/ring-hello@0.1.0')
      const names = doc.components.map((c: { name: string }) => c.name).sort()
      assert.deepEqual(names, crates)
      for (const name of [...absent, 'cc']) assert.ok(!names.includes(name), `${name} is not compiled into a ${triple} binary`)
      const ring = doc.components.find((c: { name: string }) => c.name === 'ring')
      assert.equal(ring.purl, 'pkg:cargo/ring@0.16.20')
      assert.deepEqual(ring.licenses, [{ license: { name: 'LicenseRef-file-LICENSE' } }])
      const dependsOn = (ref: string): string[] => doc.dependencies.find((d: { ref: string }) => d.ref === ref)?.dependsOn ?? []
      assert.deepEqual(dependsOn('pkg:cargo/ring-hello@0.1.0'), ['pkg:cargo/ring@0.16.20'])
      assert.ok(dependsOn('pkg:cargo/ring@0.16.20').includes('pkg:cargo/untrusted@0.7.1'))
      assert.doesNotMatch(json, new RegExp(workDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no path of the checkout')
    })
  }
})
