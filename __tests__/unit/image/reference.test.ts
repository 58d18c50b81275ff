import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { InputError } from '../../../src/errors.js'
import { parsePushReference, parseReference, withDigest, type ImageReference } from '../../../src/image/reference.js'

const DIGEST = `sha256:${'a'.repeat(64)}`

describe('image references, as Docker reads them', () => {
  const cases: [string, Partial<ImageReference>][] = [
    ['ghcr.io/owner/app:1.2.3', { registry: 'ghcr.io', repository: 'owner/app', tag: '1.2.3', loopback: false, canonical: 'ghcr.io/owner/app:1.2.3' }],
    ['127.0.0.1:5000/app:latest', { registry: '127.0.0.1:5000', repository: 'app', tag: 'latest', loopback: true }],
    ['localhost:5000/a/b', { registry: 'localhost:5000', repository: 'a/b', tag: undefined, loopback: true }],
    ['[::1]:5000/app:x', { registry: '[::1]:5000', loopback: true }],
    [`app@${DIGEST}`, { registry: 'docker.io', repository: 'library/app', digest: DIGEST, tag: undefined }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20', canonical: 'docker.io/library/alpine:3.20' }],
    ['gcr.io/distroless/cc-debian12', { registry: 'gcr.io', repository: 'distroless/cc-debian12', tag: undefined }],
    ['index.docker.io/user/app:1', { registry: 'docker.io', repository: 'user/app' }],
    ['user/app', { registry: 'docker.io', repository: 'user/app' }],
    ['128.0.0.1:5000/app', { loopback: false }],
    ['localhost/app', { registry: 'localhost', loopback: true }],
  ]
  for (const [text, expected] of cases) {
    test(text, () => {
      const parsed = parseReference(text, 'image')
      assert.deepEqual(Object.fromEntries(Object.keys(expected).map((key) => [key, parsed[key as keyof ImageReference]])), expected)
    })
  }

  const bad: [string, RegExp][] = [
    ['ghcr.io/O/a', /repository part 'O'/],
    ['a b', /white space/],
    ['a@sha256:12', /64 hex digits/],
    ['a:', /tag '' is not valid/],
    ['https://ghcr.io/a', /without a transport/],
    ['docker://ghcr.io/a', /without a transport/],
    ['ghcr.io//a', /empty path component/],
    ['a:-x', /tag '-x'/],
    ['ex_ample.com/a', /host 'ex_ample.com'/],
    [`a@sha256:${'A'.repeat(64)}`, /lower-case hex/],
    ['ghcr.io:99999/a', /port 99999/],
    ['', /empty/],
  ]
  for (const [text, why] of bad) {
    test(`refused: '${text}'`, () =>
      assert.throws(
        () => parseReference(text, 'image-base'),
        (error: unknown) => error instanceof InputError && error.input === 'image-base' && error.value === text && why.test(error.message),
      ))
  }

  test('a push goes to a tag: latest by default, never a digest', () => {
    assert.equal(parsePushReference('ghcr.io/o/a', 'image').canonical, 'ghcr.io/o/a:latest')
    assert.equal(parsePushReference('ghcr.io/o/a:v1', 'image').tag, 'v1')
    assert.throws(
      () => parsePushReference(`ghcr.io/o/a@${DIGEST}`, 'image'),
      (error: unknown) => error instanceof InputError && /pushed to a tag/.test(error.message),
    )
  })

  test('one exact manifest of a reference', () => {
    const exact = withDigest(parseReference('127.0.0.1:5000/base:1', 'image-base'), DIGEST)
    assert.equal(exact.canonical, `127.0.0.1:5000/base@${DIGEST}`)
    assert.equal(exact.tag, undefined)
    assert.equal(exact.loopback, true)
  })
})
