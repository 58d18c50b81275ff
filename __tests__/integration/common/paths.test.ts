/**
 * The one write guard (src/common/paths.ts) on a real tree with hostile names: links out of
 * the folder, links inside it, names that climb, a FIFO, and files swapped for links.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { copyFileInside, mkdirInside, notRegularFile, openRegularFile, readRegularFile, resolveInside, writeFileInside } from '../../../src/common/paths.js'

/** Every entry below `dir`, links as links with their targets (never entered: fs.readdirSync's recursive mode follows them). */
function listing(dir: string, prefix = ''): string[] {
  const entries: string[] = []
  for (const name of fs.readdirSync(path.join(dir, prefix)).sort()) {
    const relative = path.join(prefix, name)
    const stat = fs.lstatSync(path.join(dir, relative))
    if (stat.isSymbolicLink()) entries.push(`${relative} -> ${fs.readlinkSync(path.join(dir, relative))}`)
    else if (stat.isDirectory()) entries.push(`${relative}/`, ...listing(dir, relative))
    else entries.push(relative)
  }
  return entries
}

describe('resolveInside and the writers on a real tree', () => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'paths-'))
  const root = path.join(top, 'out')
  const outside = path.join(top, 'outside')
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true })
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(outside, 'secret'), 'secret\n')
  fs.symlinkSync(outside, path.join(root, 'link-out'))
  fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'link-in'))
  fs.symlinkSync(path.join(outside, 'secret'), path.join(root, 'file-link'))
  fs.symlinkSync(path.join(outside, 'nothing'), path.join(root, 'dangling'))
  fs.symlinkSync('..', path.join(root, 'sub', 'up'))

  const refused: [string, RegExp][] = [
    ['../outside/x', /not a path inside that folder/],
    ['sub/../../outside/x', /not a path inside that folder/],
    ['..', /not a path inside that folder/],
    ['', /not a path inside that folder/],
    ['.', /not a path inside that folder/],
    [`${outside}/x`, /not a path inside that folder/],
    ['link-out/x', /leads to .*outside\/x, outside .*out\./],
    ['link-out/new/deeper/x', /leads to .*outside\/new\/deeper\/x/],
    ['sub/up/link-out/x', /leads to .*outside\/x/],
    ['file-link', /it leads to .*outside\/secret, outside /],
    ['dangling', /it is a symbolic link \(to .*outside\/nothing\)/],
    ['a\0b', /NUL/],
  ]
  for (const [relative, why] of refused) {
    test(`refused: ${JSON.stringify(relative)}`, () => {
      const before = listing(top)
      assert.throws(() => resolveInside(root, relative), why)
      assert.throws(() => writeFileInside(root, relative, 'x'), why)
      assert.deepEqual(listing(top), before)
    })
  }

  const allowed: [string, string][] = [
    ['new-file', 'new-file'],
    ['sub/new', 'sub/new'],
    ['deep/er/file', 'deep/er/file'],
    ['link-in/through', 'link-in/through'],
    ['sub/../again', 'again'],
    ['a\\..\\..\\b', 'a\\..\\..\\b'],
  ]
  for (const [relative, name] of allowed) {
    test(`written: ${JSON.stringify(relative)}`, () => {
      const file = writeFileInside(root, relative, 'data', 0o640)
      assert.equal(file, path.join(root, name))
      assert.equal(fs.readFileSync(file, 'utf8'), 'data')
      assert.equal(fs.lstatSync(file).mode & 0o777, 0o640)
    })
  }

  test('a link to a folder inside: written below, never written as a file', () => {
    assert.equal(resolveInside(root, 'link-in'), path.join(root, 'link-in'))
    assert.throws(() => writeFileInside(root, 'link-in', 'x'), /link-in: it is a symbolic link; links are never written through/)
    assert.ok(fs.statSync(path.join(root, 'sub')).isDirectory())
  })

  test('a file already there is replaced, never written through', () => {
    writeFileInside(root, 'sums', 'one')
    writeFileInside(root, 'sums', 'two')
    assert.equal(fs.readFileSync(path.join(root, 'sums'), 'utf8'), 'two')
    assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'secret\n')
  })

  test('mkdirInside: folders inside, not through a link out', () => {
    assert.equal(mkdirInside(root, 'made/here'), path.join(root, 'made', 'here'))
    assert.ok(fs.statSync(path.join(root, 'made', 'here')).isDirectory())
    assert.throws(() => mkdirInside(root, 'link-out/made'), /leads to/)
    assert.ok(!fs.existsSync(path.join(outside, 'made')))
  })

  test('copyFileInside copies regular files only: a link, a folder or a FIFO as the source is refused', () => {
    fs.writeFileSync(path.join(top, 'plain'), 'plain\n')
    assert.equal(fs.readFileSync(copyFileInside(root, 'copied', path.join(top, 'plain'), 0o755), 'utf8'), 'plain\n')
    assert.equal(fs.statSync(path.join(root, 'copied')).mode & 0o777, 0o755)
    execFileSync('mkfifo', [path.join(top, 'fifo')])
    const sources: [string, RegExp][] = [
      [path.join(root, 'file-link'), /is a symbolic link; links are never followed/],
      [outside, /is a folder, not a regular file/],
      [path.join(top, 'fifo'), /is a FIFO, not a regular file/],
      ['/dev/null', /is a device, not a regular file/],
    ]
    for (const [source, why] of sources) {
      assert.throws(() => copyFileInside(root, 'copy-of-odd', source), why, source)
      assert.ok(!fs.existsSync(path.join(root, 'copy-of-odd')), source)
    }
  })

  test('notRegularFile names what a listed file really is; openRegularFile and readRegularFile refuse the same', () => {
    fs.writeFileSync(path.join(top, 'linked'), 'x')
    fs.linkSync(path.join(top, 'linked'), path.join(top, 'hard'))
    const kinds: [string, string | undefined, string | undefined][] = [
      [path.join(top, 'plain'), undefined, undefined],
      [path.join(root, 'file-link'), `a symbolic link (to ${path.join(outside, 'secret')})`, `a symbolic link (to ${path.join(outside, 'secret')})`],
      [outside, 'a folder', 'a folder'],
      [path.join(top, 'fifo'), 'a FIFO', 'a FIFO'],
      ['/dev/null', 'a device', 'a device'],
      [path.join(top, 'missing'), 'missing', 'missing'],
      [path.join(top, 'plain', 'below-a-file'), 'missing', 'missing'],
      [path.join(top, 'hard'), undefined, 'a hard link (the same file has another name elsewhere)'],
    ]
    for (const [file, kind, strict] of kinds) {
      assert.equal(notRegularFile(file), kind, file)
      assert.equal(notRegularFile(file, true), strict, file)
    }
    const opened = openRegularFile(path.join(top, 'plain'))
    assert.equal(opened.size, 6)
    fs.closeSync(opened.fd)
    assert.throws(() => readRegularFile(path.join(top, 'plain'), 5), /has 6 bytes, more than the 5 allowed/)
    assert.throws(() => readRegularFile(path.join(top, 'fifo'), 5), /is a FIFO/)
  })
})
