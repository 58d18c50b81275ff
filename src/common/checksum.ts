/** File digests, streamed: one reader for staging, packaging, the merge and verified downloads. */
import crypto from 'node:crypto'
import fs from 'node:fs'

export type ChecksumAlgorithm = 'sha256' | 'sha512'

export type Hashes = Partial<Record<ChecksumAlgorithm, string>> & { sha256: string }

/** SHA-256 always, plus the other algorithms asked for, in one pass over the file (a path, or a descriptor opened by the caller, which is closed). */
export async function hashFile(file: string | number, algorithms: readonly ChecksumAlgorithm[]): Promise<Hashes> {
  const hashes = new Map(['sha256', ...algorithms].map((algorithm) => [algorithm, crypto.createHash(algorithm)]))
  const stream = typeof file === 'number' ? fs.createReadStream('', { fd: file, start: 0 }) : fs.createReadStream(file)
  for await (const chunk of stream) for (const hash of hashes.values()) hash.update(chunk as Buffer)
  return Object.fromEntries([...hashes].map(([algorithm, hash]) => [algorithm, hash.digest('hex')])) as Hashes
}

export async function sha256Of(file: string): Promise<string> {
  return (await hashFile(file, [])).sha256
}
