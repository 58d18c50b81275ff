/**
 * A throwaway registry for the image tests: Debian's docker-registry on 127.0.0.1 only,
 * on a free port, optionally behind htpasswd. The caller stops it (afterAll); it is also
 * killed when the test process exits. Plus what the tests read back from images: a file
 * out of a gzip'd layer, upload counts from the registry's access log.
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import zlib from 'node:zlib'
import tar from 'tar-stream'

export interface RegistryServer {
  host: string
  log: () => string
  stop: () => Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export async function startRegistry(root: string, auth?: { username: string; password: string }): Promise<RegistryServer> {
  fs.rmSync(root, { recursive: true, force: true })
  fs.mkdirSync(path.join(root, 'storage'), { recursive: true })
  let authBlock = ''
  if (auth) {
    const line = execFileSync('htpasswd', ['-Bbn', auth.username, auth.password], { encoding: 'utf8' }).trim()
    fs.writeFileSync(path.join(root, 'htpasswd'), `${line}\n`)
    authBlock = `auth:\n  htpasswd:\n    realm: test-registry\n    path: ${path.join(root, 'htpasswd')}\n`
  }
  const port = await freePort()
  const config = [
    'version: 0.1',
    'log: {level: info, accesslog: {disabled: false}}',
    `storage: {filesystem: {rootdirectory: ${path.join(root, 'storage')}}}`,
    `http: {addr: "127.0.0.1:${port}", secret: test-secret}`,
    authBlock,
  ].join('\n')
  fs.writeFileSync(path.join(root, 'config.yml'), config)
  const logFile = path.join(root, 'registry.log')
  const out = fs.openSync(logFile, 'w')
  const child = spawn('docker-registry', ['serve', path.join(root, 'config.yml')], { stdio: ['ignore', out, out] })
  fs.closeSync(out)
  let exited = false
  child.on('exit', () => (exited = true))
  const kill = () => child.kill('SIGKILL')
  process.on('exit', kill)
  const stop = async () => {
    process.off('exit', kill)
    if (exited) return
    child.kill('SIGTERM')
    const deadline = Date.now() + 5000
    while (!exited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    if (!exited) kill()
  }
  const host = `127.0.0.1:${port}`
  const deadline = Date.now() + 15000
  for (;;) {
    if (exited) throw new Error(`docker-registry exited at start:\n${fs.readFileSync(logFile, 'utf8')}`)
    const status = await fetch(`http://${host}/v2/`).then(
      (response) => response.status,
      () => 0,
    )
    if (status === 200 || status === 401) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`docker-registry did not answer on ${host} within 15 s`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { host, log: () => fs.readFileSync(logFile, 'utf8'), stop }
}

/** Blob upload sessions in the access log (a POST with ?mount= is a cross-repository mount, not an upload). */
export function blobUploads(server: RegistryServer): number {
  return server
    .log()
    .split('\n')
    .filter((line) => /"POST \/v2\/\S*\/blobs\/uploads\//.test(line) && !/mount=/.test(line)).length
}

/** One file of a gzip'd tar layer, with its header and every entry name. */
export async function fileFromLayer(gz: Buffer, wanted: string): Promise<{ data: Buffer; header: tar.Header; names: string[] }> {
  const extractor = tar.extract()
  const names: string[] = []
  let found: { data: Buffer; header: tar.Header } | undefined
  extractor.on('entry', (header, stream, next) => {
    names.push(header.name)
    const chunks: Buffer[] = []
    stream.on('data', (chunk) => chunks.push(chunk as Buffer))
    stream.on('end', () => {
      if (header.name === wanted) found = { data: Buffer.concat(chunks), header }
      next()
    })
  })
  const done = new Promise<void>((resolve, reject) => extractor.on('finish', resolve).on('error', reject))
  extractor.end(zlib.gunzipSync(gz))
  await done
  if (!found) throw new Error(`${wanted} is not in the layer (${names.join(', ')})`)
  return { ...found, names }
}

/** Static hello programs for the three platforms, from the distribution's cross gcc. */
export function staticHellos(dir: string): Record<string, string> {
  fs.mkdirSync(dir, { recursive: true })
  const source = path.join(dir, 'hello.c')
  fs.writeFileSync(
    source,
    `#include <stdio.h>
int main(void) {
#if defined(__x86_64__)
  puts("hello from x86_64");
#elif defined(__aarch64__)
  puts("hello from aarch64");
#elif defined(__arm__)
  puts("hello from armv7");
#endif
  return 0;
}
`,
  )
  const compilers: Record<string, string> = { 'linux/amd64': 'gcc', 'linux/arm64': 'aarch64-linux-gnu-gcc', 'linux/arm/v7': 'arm-linux-gnueabihf-gcc' }
  const out: Record<string, string> = {}
  for (const [platform, cc] of Object.entries(compilers)) {
    const binary = path.join(dir, platform.replace(/\//g, '-'), 'hello')
    fs.mkdirSync(path.dirname(binary), { recursive: true })
    execFileSync(cc, ['-static', '-O2', '-s', '-o', binary, source])
    out[platform] = binary
  }
  return out
}

/** How to run a binary of a platform on this x86_64 machine. */
export const RUN_WITH: Record<string, string[]> = { 'linux/amd64': [], 'linux/arm64': ['qemu-aarch64'], 'linux/arm/v7': ['qemu-arm'] }
