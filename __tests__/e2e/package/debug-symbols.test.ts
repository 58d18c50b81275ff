/**
 * debug-symbols: a stripped aarch64-unknown-linux-gnu binary ships with its debug information
 * in hello.debug, which a debugger finds through the binary's .gnu_debuglink and matches by
 * the GNU build-id; hello.debug is packed as <name>-debug.tar.gz, listed in SHA256SUMS and in
 * manifest.json with kind debug, and the merge carries it (never as a binary of a platform).
 */
import { test } from '@jest/globals'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { attempt, errors, fixture, giveToRunner, runEntry, runAction, sh, type ActionRun } from '../../support/harness.js'
import { requires } from '../../support/prerequisites.js'

const TRIPLE = 'aarch64-unknown-linux-gnu'
const ARCHIVE = `hello-0.1.0-${TRIPLE}-debug.tar.gz`

const buildId = (file: string): string => /Build ID: ([0-9a-f]+)/.exec(sh('readelf', ['-n', file]))?.[1] ?? ''
const sections = (file: string): string[] => [...sh('readelf', ['-SW', file]).matchAll(/^\s*\[\s*\d+\]\s+(\S+)/gm)].map((m) => m[1] ?? '')

const missing = ['aarch64-linux-gnu-gcc', 'aarch64-linux-gnu-addr2line', 'gdb-multiarch'].filter((program) => !fs.existsSync(`/usr/bin/${program}`))

requires(missing.length > 0 && `needs ${missing.join(', ')} (scripts/setup-debian.sh)`)('debug-symbols: true', () => {
  const workspace = fixture('hello')
  let run: ActionRun
  let dir = ''

  test('aarch64: the stripped binary and its hello.debug share a build-id, and the binary links to it', () => {
    const started = Date.now()
    run = runAction({ target: TRIPLE, toolchain: 'system', 'debug-symbols': 'true', cache: 'false' }, { workspace })
    console.log(`debug-symbols ${TRIPLE} (hello): ${((Date.now() - started) / 1000).toFixed(1)} s`)
    assert.equal(run.code, 0, run.log)
    assert.deepEqual(errors(run), [])
    // The release profile has no debug information: the build sets it for cargo alone, and says so.
    assert.match(run.stdout, /::notice::debug-symbols: the release profile has debug = false, so this build sets CARGO_PROFILE_RELEASE_DEBUG=limited for cargo/)
    assert.match(run.outputs.rustflags ?? '', /-Clink-arg=-Wl,--build-id=sha1/)
    dir = run.outputs.dir ?? ''
    const binary = path.join(dir, 'hello')
    const debug = path.join(dir, 'hello.debug')
    const id = buildId(binary)
    console.log(`readelf -n hello: Build ID: ${id}\nreadelf -n hello.debug: Build ID: ${buildId(debug)}`)
    assert.match(id, /^[0-9a-f]{40}$/)
    assert.equal(buildId(debug), id)
    // Stripped: no symbols or DWARF left in the binary, a debuglink to hello.debug instead.
    assert.ok(!sections(binary).includes('.symtab') && !sections(binary).includes('.debug_info'), sections(binary).join(' '))
    assert.ok(sections(binary).includes('.gnu_debuglink'))
    assert.match(sh('readelf', ['--string-dump=.gnu_debuglink', binary]), /hello\.debug/)
    assert.ok(sections(debug).includes('.debug_info'))
  })

  test("hello.debug holds the crate's compile unit and resolves an address of the stripped binary to hello::main in src/main.rs", () => {
    const binary = path.join(dir, 'hello')
    const debug = path.join(dir, 'hello.debug')
    const units = sh('readelf', ['--debug-dump=info', '--dwarf-depth=1', debug]).split(/Compilation Unit @/)
    const unit = units.find((text) => /DW_AT_name\s*:.*src\/main\.rs/.test(text)) ?? ''
    console.log(
      `readelf --debug-dump=info hello.debug (the crate's unit):\n${unit
        .split('\n')
        .filter((line) => /DW_TAG_compile_unit|DW_AT_(producer|language|name|comp_dir)/.test(line))
        .slice(0, 6)
        .join('\n')}`,
    )
    assert.match(unit, /DW_TAG_compile_unit/)
    assert.match(unit, /DW_AT_producer\s*:.*rustc version/)
    // The address of hello::main, from the debug file's symbol table (the binary has none left)...
    const symbol = /^\s*\d+:\s+([0-9a-f]+)\s+\d+\s+FUNC\s+\S+\s+\S+\s+\S+\s+(_ZN5hello4main17h[0-9a-f]+E)$/m.exec(sh('readelf', ['-sW', debug]))
    assert.ok(symbol?.[1], 'hello::main in the symbol table of hello.debug')
    const address = `0x${symbol[1].replace(/^0+/, '')}`
    // ... lies in the stripped binary's own .text, at the same place the debug file describes.
    const text = /\s\.text\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(sh('readelf', ['-SW', binary]))
    const [start, size] = [parseInt(text?.[1] ?? '0', 16), parseInt(text?.[2] ?? '0', 16)]
    assert.ok(parseInt(address, 16) >= start && parseInt(address, 16) < start + size, `${address} in .text ${start.toString(16)}+${size.toString(16)}`)
    const resolved = sh('aarch64-linux-gnu-addr2line', ['-f', '-C', '-e', debug, address])
    console.log(`aarch64-linux-gnu-addr2line -f -C -e hello.debug ${address}:\n${resolved}`)
    assert.match(resolved, /^hello::main\n.*src\/main\.rs:\d+/)
    // gdb opens the stripped binary and finds hello.debug by itself: .gnu_debuglink, checked by CRC.
    const gdb = sh('gdb-multiarch', ['-batch', '-nx', '-ex', 'info line hello::main', '-ex', `info symbol ${address}`, binary], { cwd: dir })
    console.log(`gdb-multiarch -batch -ex 'info line hello::main' -ex 'info symbol ${address}' hello:\n${gdb}`)
    assert.match(gdb, /Line \d+ of "[^"]*src\/main\.rs" starts at address /)
    assert.match(gdb, /hello::main(::h[0-9a-f]+)? in section \.text of \S+\/hello\n/)
    // The same binary without hello.debug beside it: gdb knows nothing of it.
    const alone = fs.mkdtempSync(path.join(path.dirname(dir), 'alone-'))
    fs.copyFileSync(binary, path.join(alone, 'hello'))
    const blind = attempt('gdb-multiarch', ['-batch', '-nx', '-ex', 'info line hello::main', path.join(alone, 'hello')])
    assert.match(blind.stdout + blind.stderr, /No symbol table is loaded|not defined/)
  })

  test('the debug archive is summed, listed with kind debug, and carried by the merge at the top', () => {
    assert.match(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir }), new RegExp(`${ARCHIVE.replace(/\./g, '\\.')}: OK`))
    assert.deepEqual(
      sh('tar', ['tzf', path.join(dir, ARCHIVE)])
        .split('\n')
        .filter(Boolean),
      ['hello.debug'],
    )
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: { name: string; kind: string; contents?: string[] }[] }
    const listed = manifest.files.find((file) => file.name === ARCHIVE)
    console.log(`manifest.json: ${JSON.stringify(listed)}`)
    assert.deepEqual([listed?.kind, listed?.contents], ['debug', ['hello.debug']])
    assert.match(run.summary, new RegExp(`\\| \`${ARCHIVE.replace(/\./g, '\\.')}\` \\|`))

    giveToRunner(dir)
    const merged = runEntry('merge/index.js', { dirs: path.relative(workspace, dir), upload: 'none', path: 'merged' }, { workspace, env: { PATH: process.env.PATH ?? '' } })
    assert.equal(merged.code, 0, merged.log)
    const mergedDir = path.join(workspace, 'merged')
    const combined = JSON.parse(fs.readFileSync(path.join(mergedDir, 'manifest.json'), 'utf8')) as { files: { name: string; kind: string; target: string }[] }
    console.log(`merged manifest.json files: ${JSON.stringify(combined.files.map((file) => [file.name, file.kind]))}`)
    assert.deepEqual(
      combined.files.filter((file) => file.kind === 'debug').map((file) => [file.name, file.target]),
      [[ARCHIVE, TRIPLE]],
    )
    assert.match(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: mergedDir }), new RegExp(`${ARCHIVE.replace(/\./g, '\\.')}: OK`))
  })
})
