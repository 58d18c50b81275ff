/**
 * A static file server on 127.0.0.1 in a process of its own (a test that also runs dist/
 * with spawnSync would block an in-process server): serves FILE_SERVER_ROOT, prints its URL
 * as the first line, and answers GET /__requests with the paths it served or refused.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'

const root = path.resolve(process.env.FILE_SERVER_ROOT ?? '.')
const requests: { method: string; path: string; status: number }[] = []

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  if (url.pathname === '/__requests') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requests))
    return
  }
  const file = path.join(root, decodeURIComponent(url.pathname))
  const inside = file.startsWith(root + path.sep)
  const status = inside && fs.statSync(file, { throwIfNoEntry: false })?.isFile() ? 200 : 404
  requests.push({ method: req.method ?? '', path: url.pathname, status })
  if (status !== 200) {
    res.writeHead(404).end('not found')
    return
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': fs.statSync(file).size })
  fs.createReadStream(file).pipe(res)
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address && typeof address === 'object') process.stdout.write(`http://127.0.0.1:${address.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
