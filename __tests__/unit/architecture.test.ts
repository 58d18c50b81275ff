import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src')
/** The pipeline's order (docs/architecture.md): a folder may import only those before it. */
const ORDER = ['common', 'inputs', 'setup', 'plan', 'cache', 'build', 'stage', 'verify', 'package', 'publish', 'summary', 'image', 'merge']
const SHARED_ROOT = ['errors.ts', 'exec.ts']
const ENTRIES = ['index.ts', 'post.ts', 'merge.ts', 'main.ts']

function sourceFiles(dir: string): string[] {
  // Array.from: an array of this realm, so deepEqual compares contents (jest runs tests in a VM context).
  return Array.from(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })).filter((name) => name.endsWith('.ts'))
}

/** Every function with a body in a file, with its name (or what holds it) and its lines, as the TypeScript compiler parses it. */
function functionLengths(file: string): { name: string; lines: number }[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(SRC, file), 'utf8'), ts.ScriptTarget.Latest, true)
  const found: { name: string; lines: number }[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line
      const holder = node.name ?? (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent) ? node.parent.name : undefined)
      found.push({ name: `${file}:${first + 1} ${holder ? holder.getText(source) : '(anonymous)'}`, lines: last - first + 1 })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** Functions still over the limit (issue 16): deb/rpm code that came with the packages merge, not yet split. */
function relativeImports(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8')
  return [...text.matchAll(/(?:from|import\(?)\s*'(\.[^']+)'/g)].map((m) => path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), (m[1] ?? '').replace(/\.js$/, '.ts'))))
}

describe('src/ layout (docs/architecture.md)', () => {
  const files = sourceFiles(SRC)
  test('the root holds the three entries, main and at most two shared modules', () => {
    const root = files.filter((file) => !file.includes('/')).sort()
    assert.deepEqual(root, [...ENTRIES, ...SHARED_ROOT].sort())
  })
  test('every folder is a stage of the pipeline, documented', () => {
    const doc = fs.readFileSync(path.join(SRC, '../docs/architecture.md'), 'utf8')
    const folders = [...new Set(files.filter((file) => file.includes('/')).map((file) => file.split('/')[0] ?? ''))].sort()
    assert.deepEqual(folders, [...ORDER].sort())
    for (const folder of folders) assert.match(doc, new RegExp(`^## ${folder}/$`, 'm'), `docs/architecture.md has no section for ${folder}/`)
  })
  test('imports go one way: earlier stages, common/, errors and exec; never an entry', () => {
    const wrong: string[] = []
    for (const file of files.filter((name) => name.includes('/'))) {
      const from = ORDER.indexOf(file.split('/')[0] ?? '')
      for (const target of relativeImports(file)) {
        const folder = target.includes('/') ? (target.split('/')[0] ?? '') : undefined
        const allowed = folder === undefined ? SHARED_ROOT.includes(target) : ORDER.indexOf(folder) <= from && (folder !== 'merge' || from === ORDER.indexOf('merge'))
        if (!allowed) wrong.push(`${file} imports ${target}`)
      }
    }
    assert.deepEqual(wrong, [])
  })
  test('no module over 350 lines; main.ts under 120', () => {
    const long = files.map((file) => ({ file, lines: fs.readFileSync(path.join(SRC, file), 'utf8').split('\n').length })).filter(({ file, lines }) => lines > (file === 'main.ts' ? 120 : 350))
    assert.deepEqual(long, [])
  })
  test('no function over 60 lines (counted by the TypeScript parser)', () => {
    const long = files
      .flatMap(functionLengths)
      .filter(({ lines }) => lines > 60)
      .map(({ name, lines }) => `${name}: ${lines} lines`)
    assert.deepEqual(long, [])
  })
  test('the whole environment (runner.ts environment()) reaches only exec.ts, which hands it to programs; others read named variables', () => {
    const users = files.filter((file) => file !== 'common/runner.ts' && /\benvironment\(\)/.test(fs.readFileSync(path.join(SRC, file), 'utf8')))
    assert.deepEqual(users, ['exec.ts'])
  })
  test('only common/runner.ts reads process.env', () => {
    const readers = files.filter((file) => file !== 'common/runner.ts' && /process\.env/.test(fs.readFileSync(path.join(SRC, file), 'utf8')))
    assert.deepEqual(readers, [])
  })
  test('every document a comment in src/ cites exists (docs/…, merge/README.md, …)', () => {
    const cited = files.flatMap((file) => [...fs.readFileSync(path.join(SRC, file), 'utf8').matchAll(/\b((?:[\w.-]+\/)*[\w.-]+\.md)\b/g)].map((match) => ({ file, doc: match[1] ?? '' })))
    const missing = cited.filter(({ doc }) => !fs.existsSync(path.join(SRC, '..', doc))).map(({ file, doc }) => `${file} cites ${doc}`)
    assert.ok(cited.length > 0, 'the pattern finds the documents src/ cites')
    assert.deepEqual(missing, [])
  })
  test('one notion of the host: only common/runner.ts (runnerMachine) asks node which machine this is', () => {
    const askers = files.filter((file) => file !== 'common/runner.ts' && /process\.(platform|arch)\b|os\.(platform|arch)\(\)|RUNNER_(OS|ARCH)/.test(fs.readFileSync(path.join(SRC, file), 'utf8')))
    assert.deepEqual(askers, [])
  })
})
