import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { zigCpu } from '../../../src/common/cpu.js'
import { targetFacts, type Host } from '../../../src/common/target.js'
import { wrapArgs } from '../../../src/plan/wrappers.js'
import { planLinker } from '../../../src/setup/linker.js'

const x64: Host = { triple: 'x86_64-unknown-linux-gnu', family: 'x86_64', os: 'linux' }

/** What zig runs for arguments the cc crate or rustc passed, with the zig plan's rules. */
function zigArgs(triple: string, args: string[], cpu?: string): { argv: string[]; replaced: string[] } {
  const facts = targetFacts(triple)
  const linker = planLinker('zig', facts, x64)
  const mcpu = zigCpu(facts, { cpu, features: [] })
  return wrapArgs({ command: ['zig', 'cc'], baselineFlags: [], dropArgs: linker.dropArgs, renameArgs: linker.renameArgs, trailingFlags: mcpu ? [`-mcpu=${mcpu}`] : [] }, args)
}

// The arguments are those logged from cc 1.0.73 and rustc 1.96 (docs/offline-testing.md).
describe('zig cc: what the cc crate, build scripts and rustc pass, as zig accepts it', () => {
  const table: { name: string; triple: string; cpu?: string; args: string[]; argv: string[] }[] = [
    {
      name: 'armv7 eabihf: -march=armv7-a is no zig CPU; Rust’s +v7,+vfp3d16,+thumb2,-neon is',
      triple: 'armv7-unknown-linux-musleabihf',
      args: ['-O2', '-ffunction-sections', '-march=armv7-a', '-mfpu=vfpv3-d16', '-c', 'a.c'],
      argv: ['zig', 'cc', '-O2', '-ffunction-sections', '-mfpu=vfpv3-d16', '-c', 'a.c', '-mcpu=cortex_a8-neon-d32'],
    },
    {
      name: 'ARMv6 eabihf: -march=armv6 becomes the ARM1176',
      triple: 'arm-unknown-linux-gnueabihf',
      args: ['-march=armv6', '-marm', '-mfpu=vfp', '-c', 'a.S'],
      argv: ['zig', 'cc', '-marm', '-mfpu=vfp', '-c', 'a.S', '-mcpu=arm1176jzf_s'],
    },
    {
      name: 'ARMv6 soft float keeps -mfloat-abi',
      triple: 'arm-unknown-linux-musleabi',
      args: ['-march=armv6', '-marm', '-mfloat-abi=soft', '-c', 'a.c'],
      argv: ['zig', 'cc', '-marm', '-mfloat-abi=soft', '-c', 'a.c', '-mcpu=arm1176jzf_s'],
    },
    {
      name: 'i686 musl: -march=i686 has no SSE2 in zig, and -Wl,-melf_i386 comes on compile lines too',
      triple: 'i686-unknown-linux-musl',
      args: ['-m32', '-march=i686', '-Wl,-melf_i386', '-c', 'a.c'],
      argv: ['zig', 'cc', '-m32', '-c', 'a.c', '-mcpu=pentium4'],
    },
    {
      name: 'i686 musl link line from rustc: the emulation dropped, libgcc’s unwinder renamed',
      triple: 'i686-unknown-linux-musl',
      args: ['-m32', '-Wl,-melf_i386', '-Wl,--as-needed', '-lgcc_s', '-static', '-no-pie', '-o', 'app', '-nodefaultlibs'],
      argv: ['zig', 'cc', '-m32', '-Wl,--as-needed', '-lunwind', '-static', '-no-pie', '-o', 'app', '-nodefaultlibs', '-mcpu=pentium4'],
    },
    {
      name: 'riscv64: rv64gc is zig’s baseline_rv64 (its generic_rv64 lacks M/A/F/D/C)',
      triple: 'riscv64gc-unknown-linux-gnu',
      args: ['-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '-c', 'a.c'],
      argv: ['zig', 'cc', '-mabi=lp64d', '-mcmodel=medany', '-c', 'a.c', '-mcpu=baseline_rv64'],
    },
    {
      name: 'a trailing -mtune would change the CPU: every CPU flag goes, one -mcpu comes last',
      triple: 'armv7-unknown-linux-gnueabihf',
      args: ['-mcpu=cortex-a53', '-c', 'a.c', '-mtune=generic'],
      argv: ['zig', 'cc', '-c', 'a.c', '-mcpu=cortex_a8-neon-d32'],
    },
    {
      name: 'the user’s target-cpu wins over the build script’s',
      triple: 'x86_64-unknown-linux-musl',
      cpu: 'x86-64-v3',
      args: ['-march=x86-64', '--target=x86_64-unknown-linux-musl', '-Wl,-melf_x86_64', '-c', 'a.c'],
      argv: ['zig', 'cc', '-c', 'a.c', '-mcpu=x86_64_v3'],
    },
    {
      name: 'armv7 musl link line with openssl-sys: zig has no libatomic, and 32/64-bit atomics need none',
      triple: 'armv7-unknown-linux-musleabihf',
      args: ['-Wl,-Bstatic', '-lssl', '-lcrypto', '-latomic', '-Wl,-Bdynamic', '-lunwind', '-o', 'app'],
      argv: ['zig', 'cc', '-Wl,-Bstatic', '-lssl', '-lcrypto', '-Wl,-Bdynamic', '-lunwind', '-o', 'app', '-mcpu=cortex_a8-neon-d32'],
    },
    {
      name: 'linker arguments that only look alike stay',
      triple: 'aarch64-unknown-linux-musl',
      args: ['-Wl,-mllvm,-x', '-Wl,--gc-sections', '-Wl,-z,relro,-z,now', '-m64', '-o', 'out'],
      argv: ['zig', 'cc', '-Wl,-mllvm,-x', '-Wl,--gc-sections', '-Wl,-z,relro,-z,now', '-m64', '-o', 'out', '-mcpu=baseline'],
    },
  ]
  for (const row of table) {
    test(row.name, () => assert.deepEqual(zigArgs(row.triple, row.args, row.cpu).argv, row.argv))
  }
  test('native flags are counted as replaced, other CPU flags silently dropped', () => {
    const result = zigArgs('x86_64-unknown-linux-musl', ['-march=native', '-mtune=native', '-march=x86-64', 'a.c'], 'x86-64-v2')
    assert.deepEqual(result.replaced, ['-march=native', '-mtune=native'])
    assert.deepEqual(result.argv, ['zig', 'cc', 'a.c', '-mcpu=x86_64_v2'])
  })
  test('gcc wrappers keep the baseline first and the build script’s -march', () => {
    const result = wrapArgs({ command: ['gcc'], baselineFlags: ['-march=x86-64-v2'], dropArgs: [], renameArgs: {} }, ['-march=native', '-march=armv7-a', 'a.c'])
    assert.deepEqual(result.argv, ['gcc', '-march=x86-64-v2', '-march=armv7-a', 'a.c'])
  })
})
