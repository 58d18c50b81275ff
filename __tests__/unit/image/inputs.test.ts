import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { ActionError, InputError } from '../../../src/errors.js'
import { credentialsFor, parseImageInputs, refuseDynamicOnScratch, workflowLabels } from '../../../src/image/inputs.js'
import { runnerReader } from '../../support/action-inputs.js'
import { parseReference } from '../../../src/image/reference.js'
import type { BinaryInfo } from '../../../src/verify/elf.js'

// As on a runner: every input merge/action.yml declares is set, to its default unless given.
const read = (values: Record<string, string>): ((name: string) => string) => runnerReader('merge/action.yml', values)

describe('image inputs', () => {
  test('no image and no archive: no image step', () => assert.equal(parseImageInputs(read({ 'image-base': 'alpine:3.20' })), undefined))
  test('references, base, entrypoint, archive', () => {
    const inputs = parseImageInputs(read({ image: 'ghcr.io/o/app:1.2.3\nghcr.io/o/app', 'image-base': 'alpine:3.20', 'image-entrypoint': 'app', 'image-archive': './out/image.tar' }))
    assert.deepEqual(
      inputs?.references.map((r) => r.canonical),
      ['ghcr.io/o/app:1.2.3', 'ghcr.io/o/app:latest'],
    )
    assert.equal(inputs?.base?.canonical, 'docker.io/library/alpine:3.20')
    assert.equal(inputs?.entrypoint, 'app')
    assert.equal(inputs?.archive, 'out/image.tar')
    assert.equal(inputs?.credentials, undefined)
  })
  test('scratch is no base; an archive alone is enough', () => {
    const inputs = parseImageInputs(read({ 'image-archive': 'image.tar', 'image-base': 'scratch' }))
    assert.equal(inputs?.base, undefined)
    assert.deepEqual(inputs?.references, [])
  })
  const bad: [Record<string, string>, string, RegExp][] = [
    [{ image: 'ghcr.io/o/App:1' }, 'image', /repository part 'App'/],
    [{ image: 'ghcr.io/o/app@sha256:' + 'a'.repeat(64) }, 'image', /pushed to a tag/],
    [{ image: 'ghcr.io/o/app', 'image-base': 'https://alpine' }, 'image-base', /transport/],
    [{ 'image-archive': '../image.tar' }, 'image-archive', /inside the workspace/],
    [{ 'image-archive': '/tmp/image.tar' }, 'image-archive', /inside the workspace/],
    [{ image: 'a/b', 'image-entrypoint': 'bin/app' }, 'image-entrypoint', /absolute path/],
    [{ image: 'a/b', 'registry-username': 'u' }, 'registry-password', /go together/],
    [{ image: 'a/b', 'registry-password': 'p' }, 'registry-username', /go together/],
    [{ image: 'a/b', 'registry-username': 'u:x', 'registry-password': 'p' }, 'registry-username', /cannot contain ":"/],
    [{ image: 'ghcr.io/o/a, quay.io/o/a', 'registry-username': 'u', 'registry-password': 'p' }, 'image', /several registries/],
  ]
  for (const [values, input, advice] of bad) {
    test(`refused: ${JSON.stringify(values)}`, () =>
      assert.throws(
        () => parseImageInputs(read(values)),
        (error: unknown) => error instanceof InputError && error.input === input && advice.test(error.message),
      ))
  }
})

describe('registry credentials', () => {
  const workflow = { actor: 'octocat', token: 'ghs_x' }
  test('ghcr.io: the workflow token as github.actor by default', () => {
    const inputs = parseImageInputs(read({ image: 'ghcr.io/o/app:1' }))
    assert.ok(inputs)
    assert.deepEqual(credentialsFor('ghcr.io', inputs, workflow), { username: 'octocat', password: 'ghs_x' })
    assert.equal(credentialsFor('docker.io', inputs, workflow), undefined)
    assert.equal(credentialsFor('ghcr.io', inputs, {}), undefined)
  })
  test('given credentials serve the push registry, not a base elsewhere', () => {
    const inputs = parseImageInputs(read({ image: 'quay.io/o/app:1', 'registry-username': 'u', 'registry-password': 'p', 'image-base': 'alpine:3.20' }))
    assert.ok(inputs)
    assert.deepEqual(credentialsFor('quay.io', inputs, workflow), { username: 'u', password: 'p' })
    assert.equal(credentialsFor('docker.io', inputs, workflow), undefined)
  })
})

describe('workflow labels', () => {
  const refs = [parseReference('ghcr.io/o/app:latest', 'image'), parseReference('ghcr.io/o/app:1.2.3', 'image')]
  test('a tag run: the tag is the version', () =>
    assert.deepEqual(workflowLabels({ serverUrl: 'https://github.com/', repository: 'o/app', sha: 'abc', ref: 'refs/tags/v1.2.3' }, refs), {
      source: 'https://github.com/o/app',
      revision: 'abc',
      version: 'v1.2.3',
    }))
  test('a branch run: the first image tag other than latest', () => assert.deepEqual(workflowLabels({ serverUrl: 'https://github.com', ref: 'refs/heads/main' }, refs), { version: '1.2.3' }))
  test('nothing known: no labels', () => assert.deepEqual(workflowLabels({ serverUrl: 'https://github.com' }, [refs[0] ?? refs[1]!]), {}))
})

describe('scratch has no loader and no libc', () => {
  const info = (extra: Partial<BinaryInfo>): BinaryInfo => ({ format: 'elf', arch: 'x86_64', bits: 64, endian: 'little', needed: [], ...extra })
  test('static binaries pass', () => assert.doesNotThrow(() => refuseDynamicOnScratch([{ target: 'x86_64-unknown-linux-musl', name: 'app', info: info({}) }])))
  test('PT_INTERP or DT_NEEDED is refused, with the remedies', () =>
    assert.throws(
      () =>
        refuseDynamicOnScratch([
          { target: 'x86_64-unknown-linux-gnu', name: 'app', info: info({ interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'] }) },
          { target: 'aarch64-unknown-linux-gnu', name: 'app', info: info({ needed: ['libc.so.6'] }) },
        ]),
      (error: unknown) =>
        error instanceof ActionError &&
        /x86_64-unknown-linux-gnu\/app \(interpreter \/lib64\/ld-linux-x86-64.so.2\); aarch64-unknown-linux-gnu\/app \(needs libc.so.6\)/.test(error.message) &&
        /musl/.test(error.message) &&
        /\+crt-static/.test(error.message) &&
        /image-base/.test(error.message),
    ))
})
