import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { parseInputs } from '../../../src/inputs/parse.js'
import { planLinker } from '../../../src/setup/linker.js'
import { makePlan } from '../../../src/plan/build-plan.js'
import { configTargetDir, directorySources, pathRemaps, portableFlags, rustRemapFlags, type RemapRequest } from '../../../src/plan/remap.js'
import { targetFacts, type Host } from '../../../src/common/target.js'

const BASE: RemapRequest = { workspace: '/home/runner/work/app/app', workDir: '/home/runner/work/app/app/cli', cargoHome: '/home/runner/.cargo', directorySources: {} }

describe('which folders are mapped, least specific first (the last matching map wins)', () => {
  const cases: [string, Partial<RemapRequest>, [string, string][]][] = [
    [
      'checkout and CARGO_HOME',
      {},
      [
        ['/home/runner/.cargo', '/cargo'],
        ['/home/runner/work/app/app', '/ws'],
      ],
    ],
    [
      'a CARGO_HOME inside the checkout still gets its own name (longer, so later)',
      { cargoHome: '/w/.cargo-home', workspace: '/w', workDir: '/w' },
      [
        ['/w', '/ws'],
        ['/w/.cargo-home', '/cargo'],
      ],
    ],
    [
      'a working directory outside the checkout',
      { workDir: '/srv/project' },
      [
        ['/srv/project', '/wd'],
        ['/home/runner/.cargo', '/cargo'],
        ['/home/runner/work/app/app', '/ws'],
      ],
    ],
    [
      'directory sources: only those outside the checkout and CARGO_HOME',
      { directorySources: { 'in-ws': '/home/runner/work/app/app/vendor', 'in-home': '/home/runner/.cargo/vendor', debian: '/usr/share/cargo/registry' } },
      [
        ['/home/runner/.cargo', '/cargo'],
        ['/home/runner/work/app/app', '/ws'],
        ['/usr/share/cargo/registry', '/source/debian'],
      ],
    ],
    [
      'target dir and rust-src (build-std)',
      { targetDir: '/tmp/t', rustSrc: '/home/runner/.rustup/toolchains/nightly-x86_64-unknown-linux-gnu/lib/rustlib/src/rust' },
      [
        ['/tmp/t', '/target'],
        ['/home/runner/.cargo', '/cargo'],
        ['/home/runner/work/app/app', '/ws'],
        ['/home/runner/.rustup/toolchains/nightly-x86_64-unknown-linux-gnu/lib/rustlib/src/rust', '/rustc-src'],
      ],
    ],
  ]
  for (const [name, change, expected] of cases) {
    test(name, () => {
      assert.deepEqual(
        pathRemaps({ ...BASE, ...change }).map((map) => [map.from, map.to]),
        expected,
      )
    })
  }
})

describe('the recorded flags do not carry the runner paths', () => {
  test('two checkouts record the same flags; the user’s own maps stay', () => {
    const a = pathRemaps(BASE)
    // Other lengths: here the checkout's path is the shorter one, so the real order differs.
    const b = pathRemaps({ ...BASE, workspace: '/x/y', workDir: '/x/y', cargoHome: '/z/longer/cargo/home' })
    const user = '--remap-path-prefix=/src=/mine'
    assert.notDeepEqual(rustRemapFlags(a), rustRemapFlags(b))
    assert.deepEqual(portableFlags([...rustRemapFlags(a), '-Ctarget-cpu=x86-64-v2', user], a), portableFlags([...rustRemapFlags(b), '-Ctarget-cpu=x86-64-v2', user], b))
    assert.deepEqual(portableFlags([...rustRemapFlags(a), user], a), ['--remap-path-prefix=<cargo>=/cargo', '--remap-path-prefix=<ws>=/ws', user])
  })
})

describe('folders named in the cargo config', () => {
  test('directory sources and build.target-dir, relative to the folder holding .cargo', () => {
    const configs = [
      { path: '/home/u/.cargo/config.toml', data: { source: { 'crates-io': { 'replace-with': 'v' }, v: { directory: '/opt/vendor' } } } },
      { path: '/w/.cargo/config.toml', data: { source: { local: { directory: 'vendor' } }, build: { 'target-dir': '../out' } } },
    ]
    assert.deepEqual(directorySources(configs), { v: '/opt/vendor', local: '/w/vendor' })
    assert.equal(configTargetDir(configs), '/out')
    assert.equal(configTargetDir([]), undefined)
  })
})

describe('the plan puts the maps where they work', () => {
  const HOST: Host = { triple: 'x86_64-unknown-linux-gnu', family: 'x86_64', os: 'linux' }
  test('rustflags: maps first, so the project’s and the input’s own maps win; C wrappers: -ffile-prefix-map after the baseline', () => {
    const inputs = parseInputs((name) => ({ target: 'aarch64-unknown-linux-gnu', 'target-cpu': 'neoverse-n1', rustflags: '--remap-path-prefix=/a=/b' })[name] ?? '')
    const facts = targetFacts(inputs.triple)
    const remaps = pathRemaps(BASE)
    const plan = makePlan({
      inputs,
      facts,
      host: HOST,
      linker: planLinker(inputs.linker, facts, HOST, inputs.glibc, inputs.buildStd),
      baseline: { cpu: inputs.targetCpu, features: [] },
      project: { flags: ['-Cforce-frame-pointers=yes'], source: 'RUSTFLAGS' },
      toolchain: { nightly: false },
      programPaths: { 'aarch64-linux-gnu-gcc': '/usr/bin/aarch64-linux-gnu-gcc' },
      tempDir: '/tmp/rt/rust-xbuild/t',
      remaps,
    })
    assert.deepEqual(plan.rustflags.slice(0, 3), ['--remap-path-prefix=/home/runner/.cargo=/cargo', '--remap-path-prefix=/home/runner/work/app/app=/ws', '-Cforce-frame-pointers=yes'])
    assert.equal(plan.rustflags.at(-1), '--remap-path-prefix=/a=/b')
    assert.equal(plan.portableRustflags[0], '--remap-path-prefix=<cargo>=/cargo')
    const cc = plan.wrappers.find((wrapper) => wrapper.path.endsWith('/cc'))?.content ?? ''
    assert.match(cc, /exec '\/usr\/bin\/aarch64-linux-gnu-gcc' '-mcpu=neoverse-n1' '-ffile-prefix-map=\/home\/runner\/.cargo=\/cargo' '-ffile-prefix-map=\/home\/runner\/work\/app\/app=\/ws' "\$@"/)
    const ar = plan.wrappers.find((wrapper) => wrapper.path.endsWith('/ar'))?.content ?? ''
    assert.doesNotMatch(ar, /file-prefix-map/)
  })
})
