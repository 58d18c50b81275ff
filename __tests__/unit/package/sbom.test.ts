import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { buildSbom, lockChecksums, purlOf, runtimeGraph, sbomFileName, type SbomMetadata, type SbomPackage } from '../../../src/package/sbom.js'
import { chooseEpoch, FIXED_EPOCH } from '../../../src/package/provenance.js'

const CRATES_IO = 'registry+https://github.com/rust-lang/crates.io-index'
const GIT = 'git+https://github.com/o/gitdep?branch=main#0123abc'
const lib = (name: string, source: string | null, extra: Partial<SbomPackage> = {}): SbomPackage => ({
  id: `${name}-id`,
  name,
  version: '1.0.0',
  source,
  license: 'MIT',
  targets: [{ kind: ['lib'] }],
  ...extra,
})
const normal = [{ kind: null }]

/** app → lib1 → lib2, app → gitdep, app → macro (proc-macro) → syn, app =build=> cc, app =dev=> testy. */
const METADATA: SbomMetadata = {
  packages: [
    lib('app', null, { targets: [{ kind: ['bin'] }], license: 'MIT/Apache-2.0', repository: 'https://example.com/app' }),
    lib('lib1', CRATES_IO),
    lib('lib2', CRATES_IO, { license: null, license_file: '/home/u/.cargo/registry/src/lib2/LICENSE.txt' }),
    lib('gitdep', GIT),
    lib('macro', CRATES_IO, { targets: [{ kind: ['proc-macro'] }] }),
    lib('syn', CRATES_IO),
    lib('cc', CRATES_IO),
    lib('testy', CRATES_IO),
  ],
  resolve: {
    nodes: [
      {
        id: 'app-id',
        deps: [
          { pkg: 'lib1-id', dep_kinds: normal },
          { pkg: 'gitdep-id', dep_kinds: normal },
          { pkg: 'macro-id', dep_kinds: normal },
          { pkg: 'cc-id', dep_kinds: [{ kind: 'build' }] },
          { pkg: 'testy-id', dep_kinds: [{ kind: 'dev' }] },
        ],
      },
      { id: 'lib1-id', deps: [{ pkg: 'lib2-id', dep_kinds: normal }] },
      { id: 'lib2-id', deps: [] },
      { id: 'gitdep-id', deps: [] },
      { id: 'macro-id', deps: [{ pkg: 'syn-id', dep_kinds: normal }] },
      { id: 'syn-id', deps: [] },
      { id: 'cc-id', deps: [] },
      { id: 'testy-id', deps: [] },
    ],
  },
}
const SUM = 'a'.repeat(64)
const LOCK = `version = 3

[[package]]
name = "lib1"
version = "1.0.0"
source = "${CRATES_IO}"
checksum = "${SUM}"

[[package]]
name = "lib2"
version = "1.0.0"
source = "${CRATES_IO}"
checksum = "Could not get crate checksum"
`

describe('what is compiled into the binaries', () => {
  test('normal dependencies only: no proc-macro (and its deps), build- or dev-dependency', () => {
    assert.deepEqual([...runtimeGraph(METADATA, 'app-id').keys()].sort(), ['app-id', 'gitdep-id', 'lib1-id', 'lib2-id'])
  })
  test('an unknown root is an error', () => {
    assert.throws(() => runtimeGraph(METADATA, 'nope'), /not in cargo's resolve graph/)
  })
})

describe('purls and checksums', () => {
  const cases: [string, Pick<SbomPackage, 'name' | 'version' | 'source'>, string][] = [
    ['crates.io', { name: 'ring', version: '0.16.20', source: CRATES_IO }, 'pkg:cargo/ring@0.16.20'],
    ['sparse crates.io', { name: 'ring', version: '0.17.0', source: 'sparse+https://index.crates.io/' }, 'pkg:cargo/ring@0.17.0'],
    ['build metadata is escaped', { name: 'x', version: '1.0.0+abc', source: CRATES_IO }, 'pkg:cargo/x@1.0.0%2Babc'],
    ['a path package: no local path', { name: 'app', version: '0.1.0', source: null }, 'pkg:cargo/app@0.1.0'],
    ['another registry', { name: 'x', version: '1.0.0', source: 'sparse+https://r.example/index/' }, 'pkg:cargo/x@1.0.0?repository_url=https%3A%2F%2Fr.example%2Findex%2F'],
    ['git, at its revision', { name: 'g', version: '1.0.0', source: GIT }, 'pkg:cargo/g@1.0.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fo%2Fgitdep%400123abc'],
  ]
  for (const [name, pkg, purl] of cases) test(name, () => assert.equal(purlOf(pkg), purl))
  test('only real hex checksums are taken from Cargo.lock', () => {
    assert.deepEqual([...lockChecksums(LOCK)], [[`lib1 1.0.0 ${CRATES_IO}`, SUM]])
  })
})

describe('the CycloneDX document', () => {
  const request = { metadata: METADATA, lockfile: LOCK, packageId: 'app-id', triple: 'aarch64-unknown-linux-gnu', sourceDateEpoch: 1_700_000_000 }
  const sbom = buildSbom(request)
  const doc = JSON.parse(sbom.json)
  test('the built package is metadata.component; the others are components with licenses, hashes and purls', () => {
    assert.equal(doc.specVersion, '1.6')
    assert.equal(doc.metadata.component.name, 'app')
    assert.equal(doc.metadata.component.type, 'application')
    assert.deepEqual(doc.metadata.component.licenses, [{ expression: 'MIT OR Apache-2.0' }])
    assert.equal(doc.metadata.timestamp, '2023-11-14T22:13:20.000Z')
    assert.deepEqual(doc.metadata.properties, [{ name: 'rust-xbuild:target', value: 'aarch64-unknown-linux-gnu' }])
    assert.deepEqual(
      doc.components.map((c: { name: string }) => c.name),
      ['gitdep', 'lib1', 'lib2'],
    )
    const byName = Object.fromEntries(doc.components.map((c: { name: string }) => [c.name, c]))
    assert.deepEqual(byName.lib1.hashes, [{ alg: 'SHA-256', content: SUM }])
    assert.equal(byName.lib2.hashes, undefined)
    assert.deepEqual(byName.lib2.licenses, [{ license: { name: 'LicenseRef-file-LICENSE.txt' } }])
    assert.doesNotMatch(sbom.json, /\/home\/u/)
  })
  test('the dependency graph', () => {
    const deps = Object.fromEntries(doc.dependencies.map((d: { ref: string; dependsOn?: string[] }) => [d.ref, d.dependsOn ?? []]))
    assert.deepEqual(deps['pkg:cargo/app@1.0.0'], ['pkg:cargo/gitdep@1.0.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fo%2Fgitdep%400123abc', 'pkg:cargo/lib1@1.0.0'])
    assert.deepEqual(deps['pkg:cargo/lib1@1.0.0'], ['pkg:cargo/lib2@1.0.0'])
  })
  test('the same input gives the same bytes; another target another serial number', () => {
    assert.equal(buildSbom(request).json, sbom.json)
    assert.match(doc.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.notEqual(JSON.parse(buildSbom({ ...request, triple: 'x86_64-unknown-linux-gnu' }).json).serialNumber, doc.serialNumber)
  })
  test('named after the package and target', () => assert.equal(sbomFileName('app', 'aarch64-unknown-linux-gnu'), 'app-aarch64-unknown-linux-gnu.cdx.json'))
})

describe('the time of archive members and of the SBOM', () => {
  const cases: [string, number | undefined, string | undefined, ReturnType<typeof chooseEpoch>][] = [
    ['SOURCE_DATE_EPOCH first', 1_600_000_000, '1700000000\n', { epoch: 1_600_000_000, source: 'SOURCE_DATE_EPOCH' }],
    ["else HEAD's commit time", undefined, '1700000000\n', { epoch: 1_700_000_000, source: 'commit' }],
    ['else the fixed epoch (no repository)', undefined, undefined, { epoch: FIXED_EPOCH, source: 'fixed' }],
    ['else the fixed epoch (git printed nothing: no commit yet)', undefined, '', { epoch: FIXED_EPOCH, source: 'fixed' }],
  ]
  for (const [name, environment, commit, expected] of cases) test(name, () => assert.deepEqual(chooseEpoch(environment, commit), expected))
})
