/**
 * The results service in a process of its own (tests that run dist/ with spawnSync block
 * their own event loop). Prints one JSON line, `{ url, blobUrl, control }`, then serves; the
 * control port (never given to the action) answers GET /state, POST /fail and POST /artifact
 * for results-server.ts. Ends on SIGTERM or when its standard input closes (the test process
 * is gone).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { resultsServer, type Faults } from './results-server-app.js'

const server = await resultsServer()

const control = http.createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    // No keep-alive: the test process's event loop may be blocked (spawnSync) past any idle timeout, and would then reuse a closed socket.
    const reply = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(body))
    try {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {}
      if (req.method === 'GET' && req.url === '/state') return reply(200, server.state())
      if (req.method === 'POST' && req.url === '/fail') {
        server.fail(body as Faults)
        return reply(200, {})
      }
      if (req.method === 'POST' && req.url === '/artifact') {
        const { run, job, name, zip } = body as { run: string; job: string; name: string; zip: string }
        return reply(200, server.putArtifact(run, job, name, Buffer.from(zip, 'base64')))
      }
      reply(404, { error: `no control route ${req.method} ${req.url}` })
    } catch (error) {
      reply(400, { error: String(error) })
    }
  })
})
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve))

const stop = async (): Promise<void> => {
  control.closeAllConnections()
  control.close()
  await server.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.stdin.on('end', () => void stop())
process.stdin.resume()
process.stdout.write(`${JSON.stringify({ url: server.url, blobUrl: server.blobUrl, control: `http://127.0.0.1:${(control.address() as AddressInfo).port}` })}\n`)
