import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { parseCargoMetadata } from '../../../src/setup/metadata.js'
import { checkSelection, workspaceMembers, type Selection } from '../../../src/setup/project.js'

// The shape of `cargo metadata --no-deps --format-version 1` for a workspace of two members.
const metadata = JSON.stringify({
  packages: [
    {
      name: 'server',
      features: { default: ['tls'], tls: [], metrics: ['dep:prometheus'], prometheus: ['dep:prometheus'] },
      targets: [
        { name: 'server', kind: ['bin'] },
        { name: 'server-admin', kind: ['bin'] },
        { name: 'build-script-build', kind: ['custom-build'] },
      ],
      dependencies: [
        { name: 'tokio', rename: null },
        { name: 'prometheus', rename: null },
        { name: 'serde_json', rename: 'json' },
      ],
    },
    { name: 'client-lib', features: { blocking: [] }, targets: [{ name: 'client_lib', kind: ['lib'] }], dependencies: [] },
  ],
})
const members = workspaceMembers(parseCargoMetadata(metadata))

describe('package, bin and features are checked against the manifests', () => {
  test('members, bins, features and dependencies are read', () => {
    assert.deepEqual(members[0], {
      name: 'server',
      bins: ['server', 'server-admin'],
      features: ['default', 'tls', 'metrics', 'prometheus'],
      dependencies: ['tokio', 'prometheus', 'json'],
    })
    assert.deepEqual(members[1]?.bins, [])
  })

  const none: Selection = { packages: [], bins: [], features: [] }
  const table: { name: string; selection: Partial<Selection>; error?: RegExp }[] = [
    { name: 'nothing selected', selection: {} },
    { name: 'a package, its bin and feature', selection: { packages: ['server'], bins: ['server-admin'], features: ['metrics'] } },
    { name: 'a bin of any member when no package is named', selection: { bins: ['server'] } },
    { name: "a member's feature as member/feature", selection: { features: ['client-lib/blocking'] } },
    { name: "a dependency's feature is cargo's to check", selection: { packages: ['server'], features: ['tokio/rt', 'json/preserve_order', 'tokio?/macros'] } },
    {
      name: 'misspelt package',
      selection: { packages: ['sever'] },
      error: /^Input 'package' has the value 'sever': the project has no such package, nor a dependency of that name .* Did you mean server\?$/,
    },
    { name: 'a package spec with a version', selection: { packages: ['server@0.1.0'], bins: ['server'] } },
    { name: "a dependency as the package: its bins are cargo's to check", selection: { packages: ['tokio'], bins: ['tokio-console'] } },
    { name: 'a misspelt bin with a versioned spec', selection: { packages: ['server:0.1.0'], bins: ['sever'] }, error: /^Input 'bin' has the value 'sever': package server:0\.1\.0 has no binary/ },
    { name: 'misspelt bin', selection: { bins: ['server-admn'] }, error: /^Input 'bin' has the value 'server-admn': the project has no binary of that name\. Did you mean server-admin\?$/ },
    {
      name: 'a bin of another package than the one named',
      selection: { packages: ['client-lib'], bins: ['server'] },
      error: /^Input 'bin' has the value 'server': package client-lib has no binary of that name\.$/,
    },
    { name: 'nothing close: the list instead', selection: { bins: ['zzzzzzzzzzzzzzzzzzzz'] }, error: /The binaries are: server, server-admin\.$/ },
    { name: 'misspelt feature', selection: { features: ['metrcs'] }, error: /^Input 'features' has the value 'metrcs': the selected packages have no such feature\. Did you mean metrics\?$/ },
    { name: 'feature of another package than the one named', selection: { packages: ['client-lib'], features: ['tls'] }, error: /^Input 'features' has the value 'tls'/ },
    {
      name: "misspelt member's feature",
      selection: { features: ['client-lib/blockng'] },
      error: /^Input 'features' has the value 'client-lib\/blockng': package client-lib has no feature blockng\. Did you mean blocking\?$/,
    },
    { name: 'misspelt dependency name', selection: { features: ['toko/rt'] }, error: /toko is neither a package of the project nor a dependency of the selected packages\. Did you mean tokio\?$/ },
  ]
  for (const row of table) {
    test(row.name, () => {
      const check = (): void => checkSelection(members, { ...none, ...row.selection })
      if (row.error) assert.throws(check, (error: Error) => error.name === 'InputError' && (row.error?.test(error.message) ?? false))
      else assert.doesNotThrow(check)
    })
  }
})
