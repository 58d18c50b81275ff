/**
 * Hostile artifacts for the merge (issue 20): a valid staging folder as the build action
 * writes it, and the ways an attacker who controls a build job can change it. Each case is
 * the valid folder with one change, so a refusal is the merge's doing, not a broken fixture.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export const TARGET = 'x86_64-unknown-linux-gnu'
export const ARCHIVE = `app-1.0-${TARGET}.tar.gz`

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')

interface ListedFile {
  name: string
  kind: string
  size: number
  sha256: string
}

interface Manifest {
  target: unknown
  files: ListedFile[]
  [key: string]: unknown
}

const entry = (name: string, kind: string, data: Buffer | string): ListedFile => ({ name, kind, size: Buffer.byteLength(data), sha256: sha256(data) })

/** A staging folder as the build action leaves it: a binary, an archive, their sums, manifest.json. */
export function writeStaging(dir: string): void {
  fs.mkdirSync(dir, { recursive: true })
  const app = '\x7fELF not really, but bytes with a checksum\n'
  const archive = 'a tarball, as far as the merge is concerned\n'
  fs.writeFileSync(path.join(dir, 'app'), app, { mode: 0o755 })
  fs.writeFileSync(path.join(dir, ARCHIVE), archive)
  const files = [entry('app', 'binary', app), entry(ARCHIVE, 'archive', archive)]
  fs.writeFileSync(path.join(dir, 'SHA256SUMS'), files.map((f) => `${f.sha256}  ${f.name}\n`).join(''))
  writeManifest(dir, { target: TARGET, toolchain: 'system', rustflags: [], files, sums: ['SHA256SUMS'], docker: [] })
}

function readManifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest
}

function writeManifest(dir: string, manifest: Manifest): void {
  fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
}

function edit(dir: string, change: (manifest: Manifest) => void): void {
  const manifest = readManifest(dir)
  change(manifest)
  writeManifest(dir, manifest)
}

/** Replace the listed file `name` with a file of another kind, keeping (or setting) its entry. */
function replaceFile(dir: string, name: string, make: (file: string) => void, listed?: Partial<ListedFile>): void {
  fs.rmSync(path.join(dir, name), { force: true, recursive: true })
  make(path.join(dir, name))
  if (listed) edit(dir, (m) => (m.files = m.files.map((f) => (f.name === name ? { ...f, ...listed } : f))))
}

/** An archive of the staging folder named `name` (as a malicious name template would make it), listed in the manifest. */
function addArchive(dir: string, name: string): void {
  const data = `pretends to be ${name}\n`
  fs.writeFileSync(path.join(dir, name), data)
  edit(dir, (m) => m.files.push(entry(name, 'archive', data)))
}

export interface CraftContext {
  /** A folder outside the workspace the attacker points at */
  outside: string
}

export interface HostileCase {
  name: string
  /** Change a valid staging folder into the hostile one */
  craft: (dir: string, context: CraftContext) => void
  /** The one ::error:: the merge must give */
  error: RegExp
  /** Files outside the workspace that the attacker's folder points at, there before the merge runs */
  outside?: (outside: string) => void
  /** Only as a downloaded artifact: its name is the attack, matched by this pattern */
  artifactName?: string
  pattern?: string
  /** Needs root (a device node) */
  root?: boolean
  /**
   * Through the artifact service the folder travels as a zip (archiver, as the artifact
   * client writes it; unzip-stream extracts it): a link arrives as a plain file holding its
   * target, so the refusal differs; FIFOs, devices and hard links cannot travel at all.
   */
  zip?: { error: RegExp } | 'not carried'
}

export const HOSTILE_CASES: HostileCase[] = [
  {
    name: 'a target that climbs out of the merged folder',
    craft: (dir) => edit(dir, (m) => (m.target = '../../../escaped')),
    error: /has a bad manifest\.json: the target "\.\.\/\.\.\/\.\.\/escaped" is not a Rust target triple/,
  },
  {
    name: 'a target with a folder in it',
    craft: (dir) => edit(dir, (m) => (m.target = `${TARGET}/../../../escaped`)),
    error: /the target "x86_64-unknown-linux-gnu\/\.\.\/\.\.\/\.\.\/escaped" is not a Rust target triple/,
  },
  {
    name: 'an absolute target',
    craft: (dir, { outside }) => edit(dir, (m) => (m.target = outside)),
    error: /has a bad manifest\.json: the target "\/.*" is not a Rust target triple/,
  },
  {
    name: 'a CPU baseline that climbs out of its target folder',
    craft: (dir) => edit(dir, (m) => (m.baseline = { targetCpu: '../../../escaped', targetFeatures: [] })),
    error: /has a bad manifest\.json: the baseline's targetCpu "\.\.\/\.\.\/\.\.\/escaped" is not a CPU name/,
  },
  {
    name: 'an absolute CPU baseline',
    craft: (dir, { outside }) => edit(dir, (m) => (m.baseline = { targetCpu: outside, targetFeatures: [] })),
    error: /has a bad manifest\.json: the baseline's targetCpu "\/.*" is not a CPU name/,
  },
  {
    name: 'the binary is a symbolic link to /etc/passwd (with its sha256)',
    craft: (dir) => replaceFile(dir, 'app', (file) => fs.symlinkSync('/etc/passwd', file), { size: fs.statSync('/etc/passwd').size, sha256: sha256(fs.readFileSync('/etc/passwd')) }),
    error: /: app is a symbolic link \(to \/etc\/passwd\); the merge takes only regular files and never follows links\./,
    zip: { error: /: app does not match its checksum in manifest\.json: it has \d+ bytes, manifest\.json says \d+\./ },
  },
  {
    name: 'the binary is a hard link to a file outside',
    outside: (outside) => fs.writeFileSync(path.join(outside, 'secret'), 'the runner’s secret\n'),
    craft: (dir, { outside }) => {
      const secret = path.join(outside, 'secret')
      replaceFile(dir, 'app', (file) => fs.linkSync(secret, file), { size: fs.statSync(secret).size, sha256: sha256(fs.readFileSync(secret)) })
    },
    error: /: app is a hard link \(the same file has another name elsewhere\)/,
    zip: 'not carried',
  },
  {
    name: 'the binary is a FIFO (reading it would hang)',
    craft: (dir) => replaceFile(dir, 'app', (file) => execFileSync('mkfifo', [file])),
    error: /: app is a FIFO; the merge takes only regular files/,
    zip: 'not carried',
  },
  {
    name: 'the binary is a device',
    craft: (dir) => replaceFile(dir, 'app', (file) => execFileSync('mknod', [file, 'c', '1', '3'])),
    error: /: app is a device; the merge takes only regular files/,
    root: true,
    zip: 'not carried',
  },
  {
    name: 'a folder where a file is listed',
    craft: (dir) => replaceFile(dir, 'app', (file) => fs.mkdirSync(file)),
    error: /: app is a folder; the merge takes only regular files/,
  },
  {
    name: 'manifest.json is a symbolic link',
    // A valid manifest, elsewhere: the link is what is refused.
    outside: (outside) => {
      writeStaging(path.join(outside, 'staged'))
      fs.renameSync(path.join(outside, 'staged', 'manifest.json'), path.join(outside, 'manifest.json'))
    },
    craft: (dir, { outside }) => {
      fs.rmSync(path.join(dir, 'manifest.json'))
      fs.symlinkSync(path.join(outside, 'manifest.json'), path.join(dir, 'manifest.json'))
    },
    error: /has a bad manifest\.json: it is a symbolic link \(to .*manifest\.json\); the merge reads only regular files/,
    zip: { error: /has a bad manifest\.json: not JSON/ },
  },
  {
    name: 'manifest.json is a FIFO',
    craft: (dir) => {
      fs.rmSync(path.join(dir, 'manifest.json'))
      execFileSync('mkfifo', [path.join(dir, 'manifest.json')])
    },
    error: /has a bad manifest\.json: it is a FIFO/,
    zip: 'not carried',
  },
  {
    name: 'an archive named SHA256SUMS',
    craft: (dir) => addArchive(dir, 'SHA256SUMS'),
    error: /: the archive "SHA256SUMS" cannot be merged: it is the name of the merge's own checksum list/,
  },
  {
    name: 'an archive named manifest.json',
    // The staging folder's manifest.json lists itself as an archive (its checksum cannot match, which is a second problem).
    craft: (dir) => edit(dir, (m) => m.files.push({ name: 'manifest.json', kind: 'archive', size: 2, sha256: '0'.repeat(64) })),
    error: /: the archive "manifest\.json" cannot be merged: it is the name of the merge's own manifest/,
  },
  {
    name: 'an archive named like a checksum file',
    craft: (dir) => addArchive(dir, `${ARCHIVE}.sha256`),
    error: /: the archive "app-1\.0-x86_64-unknown-linux-gnu\.tar\.gz\.sha256" cannot be merged: names ending in \.sha256 or \.sha512 are checksum files/,
  },
  {
    name: 'an archive named like the folder of the binaries',
    craft: (dir) => addArchive(dir, TARGET),
    error: /: the archive "x86_64-unknown-linux-gnu" cannot be merged: it is the folder of the x86_64-unknown-linux-gnu binaries/,
  },
  {
    name: 'a name with a line break that forges a SHA256SUMS line',
    craft: (dir) => edit(dir, (m) => m.files.push({ name: `x\n${'0'.repeat(64)}  evil`, kind: 'archive', size: 1, sha256: '0'.repeat(64) })),
    error: /has a bad manifest\.json: the file name "x\\n0{64} {2}evil" is not a plain file name/,
  },
  {
    name: 'a name listed twice',
    craft: (dir) => edit(dir, (m) => m.files.push({ ...(m.files[0] as ListedFile) })),
    error: /has a bad manifest\.json: app is listed twice/,
  },
  {
    name: 'a size that disagrees with the file',
    craft: (dir) => edit(dir, (m) => (m.files = m.files.map((f) => (f.name === 'app' ? { ...f, size: f.size + 1 } : f)))),
    error: /: app does not match its checksum in manifest\.json: it has \d+ bytes, manifest\.json says \d+\./,
  },
  {
    name: 'a manifest over 1 MiB',
    craft: (dir) => edit(dir, (m) => (m.padding = 'x'.repeat(1024 * 1024))),
    error: /has a bad manifest\.json: 10\d{5} bytes, more than the 1048576 a manifest may have/,
  },
  {
    name: 'a manifest listing 10,001 files',
    // Written compactly, so the count and not the size is what is over.
    craft: (dir) =>
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ target: TARGET, files: Array.from({ length: 10_001 }, (_, i) => ({ name: `${i}`, size: 1, sha256: '0'.repeat(64) })) })),
    error: /has a bad manifest\.json: it lists 10001 files, more than the 10000 a build stages/,
  },
  {
    name: 'a manifest nested a million deep',
    craft: (dir) => fs.writeFileSync(path.join(dir, 'manifest.json'), '['.repeat(1_000_000)),
    error: /has a bad manifest\.json: not JSON/,
  },
  {
    name: 'an artifact named ..',
    craft: () => undefined,
    error: /The artifact name "\.\." cannot be a folder name/,
    artifactName: '..',
    pattern: '.*',
  },
]

/** Every entry below `root` except the `skip` folders (relative), links as links: fs.readdirSync's recursive mode would follow them. */
export function treeListing(root: string, skip: readonly string[] = [], prefix = ''): string[] {
  const entries: string[] = []
  for (const name of fs.readdirSync(path.join(root, prefix)).sort()) {
    const relative = prefix ? `${prefix}/${name}` : name
    if (skip.includes(relative)) continue
    const stat = fs.lstatSync(path.join(root, relative))
    if (stat.isSymbolicLink()) entries.push(`${relative} -> ${fs.readlinkSync(path.join(root, relative))}`)
    else if (stat.isDirectory()) entries.push(`${relative}/`, ...treeListing(root, skip, relative))
    else entries.push(`${relative} ${stat.size} ${stat.mtimeMs}`)
  }
  return entries
}
