/**
 * The local GitHub server in a process of its own, for tests that run dist/ with
 * spawnSync (which blocks this process's event loop): prints its URL as the first line;
 * on SIGTERM writes the requests it saw, its releases and the problems it found (requests
 * and replies that GitHub's OpenAPI description does not allow) to GITHUB_SERVER_STATE as JSON.
 */
import fs from 'node:fs'
import { githubServer } from './github-server.js'
import { prepare } from './github-server-openapi.js'

const server = await githubServer()
process.on('SIGTERM', () => {
  fs.writeFileSync(process.env.GITHUB_SERVER_STATE ?? '/dev/null', JSON.stringify({ seen: server.seen, releases: server.releases, problems: server.problems }))
  server.close()
  process.exit(0)
})
process.stdout.write(`${server.url}\n`)
// The description is read and compiled while the action builds, before its first request;
// if it cannot be, each request reports why.
try {
  prepare()
} catch (cause) {
  process.stderr.write(`${String(cause)}\n`)
}
