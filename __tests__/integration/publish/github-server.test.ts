/**
 * The local GitHub server is held to GitHub's OpenAPI description (@octokit/openapi):
 * requests and replies that break it are reported, naming the operation and the schema
 * error. Here they are broken on purpose, to show that the checks can fail.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { octokitReleaseClient } from '../../../src/publish/release-client.js'
import { assertHonest, githubServer, type GithubServer } from '../../support/github-server.js'
import { checkReply, match } from '../../support/github-server-openapi.js'

const CREATE = 'repos/create-release (POST /repos/{owner}/{repo}/releases)'
const UPLOAD = 'repos/upload-release-asset (POST uploads:/repos/{owner}/{repo}/releases/{release_id}/assets)'

async function withServer(body: (gh: GithubServer) => Promise<void>): Promise<void> {
  const gh = await githubServer()
  try {
    await body(gh)
  } finally {
    gh.close()
  }
}

const send = (gh: GithubServer, method: string, path: string, contentType?: string, body?: string) =>
  fetch(`${gh.url}${path}`, { method, headers: contentType ? { 'content-type': contentType } : {}, body })

describe('requests that break the description are reported', () => {
  test('a body of the wrong types: the request, and the release made of it', () =>
    withServer(async (gh) => {
      const res = await send(gh, 'POST', '/repos/o/r/releases', 'application/json', JSON.stringify({ tag_name: 1, draft: 'yes' }))
      assert.equal(res.status, 201)
      assert.deepEqual(gh.problems, [
        `POST /repos/o/r/releases: ${CREATE}: request body: /tag_name must be string; /draft must be boolean`,
        `POST /repos/o/r/releases: ${CREATE}: reply 201 body: /tag_name must be string; /draft must be boolean`,
      ])
    }))

  test('a body that is not JSON, and a missing body', () =>
    withServer(async (gh) => {
      assert.equal((await send(gh, 'POST', '/repos/o/r/releases', 'application/json', '{tag_name')).status, 400)
      await send(gh, 'POST', '/repos/o/r/releases')
      assert.deepEqual(gh.problems, [
        `POST /repos/o/r/releases: ${CREATE}: request body is not JSON: {tag_name`,
        `POST /repos/o/r/releases: ${CREATE}: the request has no body; the operation requires one`,
      ])
    }))

  test('a query parameter of the wrong type, and one the operation does not have', () =>
    withServer(async (gh) => {
      await send(gh, 'GET', '/repos/o/r/releases?per_page=ten&sort=asc')
      assert.deepEqual(gh.problems, [
        'GET /repos/o/r/releases?per_page=ten&sort=asc: repos/list-releases (GET /repos/{owner}/{repo}/releases): query: / must NOT have additional properties (sort); /per_page must be integer',
      ])
    }))

  test('a path parameter of the wrong type', () =>
    withServer(async (gh) => {
      await send(gh, 'DELETE', '/repos/o/r/releases/latest')
      assert.deepEqual(gh.problems, ['DELETE /repos/o/r/releases/latest: repos/delete-release (DELETE /repos/{owner}/{repo}/releases/{release_id}): path: /release_id must be integer'])
    }))

  test('uploads: without a name, as JSON, and to the API host instead of the uploads host', () =>
    withServer(async (gh) => {
      gh.releases.push({ id: 1, tag_name: 'v1', draft: true, assets: [] })
      await send(gh, 'POST', '/uploads/repos/o/r/releases/1/assets', 'application/octet-stream', 'bytes')
      await send(gh, 'POST', '/uploads/repos/o/r/releases/1/assets?name=a.json', 'application/json', '{}')
      await send(gh, 'POST', '/repos/o/r/releases/1/assets?name=a', 'application/octet-stream', 'bytes')
      assert.deepEqual(gh.problems, [
        `POST /uploads/repos/o/r/releases/1/assets: ${UPLOAD}: query: / must have required property 'name'`,
        `POST /uploads/repos/o/r/releases/1/assets?name=a.json: ${UPLOAD}: request body has the media type 'application/json'; the description has application/octet-stream`,
        'POST /repos/o/r/releases/1/assets?name=a: no operation this server answers matches it (repos/list-releases, repos/create-release, repos/delete-release, repos/list-release-assets, repos/delete-release-asset, repos/upload-release-asset; uploads under /uploads/)',
      ])
    }))
})

describe('replies that break the description are reported', () => {
  test('a 201 without the release the operation returns, to the real client', () =>
    withServer(async (gh) => {
      gh.fail.push({ route: 'POST /repos/o/r/releases', status: 201, message: 'Created' })
      await octokitReleaseClient({ token: 't', repository: 'o/r', apiUrl: gh.url }).createDraft('v1')
      assert.equal(gh.problems.length, 1)
      assert.match(
        gh.problems[0] ?? '',
        /^POST \/repos\/o\/r\/releases: repos\/create-release \(POST \/repos\/\{owner\}\/\{repo\}\/releases\): reply 201 body: \/ must have required property 'assets_url'; \/ must have required property 'upload_url'; .*; and \d+ more$/,
      )
    }))

  test('a status the operation does not have', () =>
    withServer(async (gh) => {
      gh.releases.push({ id: 7, tag_name: 'v1', draft: true, assets: [] })
      gh.fail.push({ route: 'DELETE /repos/o/r/releases/7', status: 200, message: 'OK' })
      await send(gh, 'DELETE', '/repos/o/r/releases/7')
      assert.deepEqual(gh.problems, [
        'DELETE /repos/o/r/releases/7: repos/delete-release (DELETE /repos/{owner}/{repo}/releases/{release_id}): status 200 is not a response of the operation (it has 204, 404)',
      ])
    }))

  test('a stored release whose id is not an integer, when listed', () =>
    withServer(async (gh) => {
      gh.releases.push({ id: 1.5, tag_name: 'v1', draft: false, assets: [] })
      await send(gh, 'GET', '/repos/o/r/releases')
      assert.deepEqual(gh.problems, ['GET /repos/o/r/releases: repos/list-releases (GET /repos/{owner}/{repo}/releases): reply 200 body: /0/id must be integer'])
    }))

  test("the server's former replies (id, tag_name, draft, upload_url only) lack what GitHub sends", () => {
    const created = match('POST', 'api', '/repos/o/r/releases')
    const uploaded = match('POST', 'uploads', '/repos/o/r/releases/100/assets')
    assert.ok(created && uploaded)
    const json = (body: unknown) => ({ status: 201, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) })
    const [release] = checkReply(created.operation, json({ id: 100, tag_name: 'v1', draft: true, upload_url: 'http://127.0.0.1/uploads/repos/o/r/releases/100/assets{?name,label}' }))
    assert.match(release ?? '', /^repos\/create-release .*: reply 201 body: \/ must have required property 'assets_url'; .*'node_id'.*; and \d+ more$/)
    const [asset] = checkReply(uploaded.operation, json({ id: 101, name: 'a' }))
    assert.match(
      asset ?? '',
      /^repos\/upload-release-asset .*: reply 201 body: \/ must have required property 'content_type'; \/ must have required property 'size'; \/ must have required property 'digest'; /,
    )
  })
})

describe('what the tests assert at their end', () => {
  test('assertHonest fails with every problem, and passes on none', () => {
    assert.throws(() => assertHonest(['one', 'two']), /OpenAPI description does not allow:\none\ntwo$/)
    assertHonest([])
  })
})
