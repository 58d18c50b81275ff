/**
 * How a binary of the target runs on this runner: natively, or under qemu-user with a CPU
 * model for the baseline and the target's C library. Used for cargo's test runner and for
 * the smoke test, and to know which packages those need. Pure.
 */
import type { Host, Requirement, TargetFacts } from './target.js'
import { runsUnderWine, wineRequirement, wineCannotRun, wineSmokePlan, wineTestRunner } from './wine.js'

/** The emulator runner for tests of a foreign architecture. */
export function testRunner(command: 'build' | 'test' | 'both', facts: TargetFacts, host: Host): { runner?: string[]; requirements: Requirement[] } {
  if (command !== 'build' && runsUnderWine(facts, host)) return wineTestRunner(facts)
  if (command === 'build' || facts.family === host.family || !facts.qemu || host.os !== 'linux') return { requirements: [] }
  const requirements: Requirement[] = [{ command: facts.qemu, packages: ['qemu-user'] }]
  const runner = [facts.qemu]
  if (facts.libc === 'gnu' && facts.gnuTriple) {
    runner.push('-L', `/usr/${facts.gnuTriple}`)
    // The target's shared libraries for the emulator (-L); the cross gcc brings them, zig does not.
    requirements.push({ path: `/usr/${facts.gnuTriple}/lib`, packages: [`libc6-${facts.debianArch}-cross`] })
  }
  return { runner, requirements }
}

export type SmokePlan = { command: string[]; how: string } | { skip: string }

/** qemu-x86_64 models per rustc CPU name. AVX-512 CPUs are missing: qemu's TCG cannot emulate AVX-512. */
const X86_QEMU_CPUS: Record<string, string> = {
  'x86-64': 'qemu64',
  generic: 'qemu64',
  'x86-64-v2': 'Nehalem',
  'x86-64-v3': 'Haswell',
  core2: 'core2duo',
  penryn: 'Penryn',
  nehalem: 'Nehalem',
  westmere: 'Westmere',
  sandybridge: 'SandyBridge',
  ivybridge: 'IvyBridge',
  haswell: 'Haswell',
  broadwell: 'Broadwell',
  skylake: 'Skylake-Client',
  znver1: 'EPYC',
  znver2: 'EPYC-Rome',
  znver3: 'EPYC-Milan',
}
const AARCH64_QEMU_CPUS = new Set(['cortex-a35', 'cortex-a53', 'cortex-a57', 'cortex-a72', 'cortex-a76', 'neoverse-n1', 'a64fx'])

/**
 * How to run a binary of this target on this runner, on the declared CPU. `cpu` is the
 * baseline from the effective rustflags; `native` is not a baseline, so the binary is
 * held to the target's default CPU.
 */
export function smokePlan(binary: string, args: readonly string[], facts: TargetFacts, host: Host, cpu: string | undefined): SmokePlan {
  const baseline = cpu === 'native' ? undefined : cpu
  const same = facts.family === host.family && facts.os === host.os
  if (runsUnderWine(facts, host)) return wineSmokePlan(binary, args, facts)
  if (facts.os !== 'linux' || host.os !== 'linux') {
    return same ? { command: [binary, ...args], how: 'natively' } : { skip: `a ${facts.os} binary for ${facts.family} cannot run on this ${host.os} ${host.family} runner` }
  }
  const libPath = facts.libc === 'gnu' && facts.gnuTriple && !same ? ['-L', `/usr/${facts.gnuTriple}`] : []
  if (facts.family === 'x86_64') {
    const model = X86_QEMU_CPUS[baseline ?? 'x86-64']
    if (!model) {
      return same ? { command: [binary, ...args], how: `natively (qemu has no model for ${baseline})` } : { skip: `qemu cannot emulate the CPU ${baseline}` }
    }
    return {
      command: ['qemu-x86_64', '-cpu', model, ...libPath, binary, ...args],
      how: `qemu-x86_64 -cpu ${model} (${baseline ?? 'x86-64'}${cpu === 'native' ? ', as target-cpu=native is not a baseline' : ''})`,
    }
  }
  if (facts.family === 'aarch64') {
    const generic = !baseline || baseline === 'generic'
    if (same && generic) return { command: [binary, ...args], how: 'natively' }
    const model = generic ? 'cortex-a53' : AARCH64_QEMU_CPUS.has(baseline) ? baseline : 'max'
    return { command: ['qemu-aarch64', '-cpu', model, ...libPath, binary, ...args], how: `qemu-aarch64 -cpu ${model}` }
  }
  if (same) return { command: [binary, ...args], how: 'natively' }
  if (!facts.qemu) return { skip: `no qemu-user emulator is known for ${facts.triple}` }
  return { command: [facts.qemu, ...libPath, binary, ...args], how: facts.qemu }
}

/** What the smoke tests need installed on a Linux runner. */
export function smokeRequirements(facts: TargetFacts, host: Host): Requirement[] {
  if (runsUnderWine(facts, host)) return wineCannotRun(facts) ? [] : [wineRequirement]
  if (host.os !== 'linux' || facts.os !== 'linux') return []
  const needsQemu = facts.family !== host.family || facts.family === 'x86_64'
  if (!needsQemu || !facts.qemu) return []
  const requirements: Requirement[] = [{ command: facts.qemu, packages: ['qemu-user'] }]
  if (facts.family !== host.family && facts.libc === 'gnu' && facts.gnuTriple && facts.debianArch) {
    // Only the package's files matter (/usr/<triple>/lib); its gcc is a convenient probe.
    requirements.push({ command: `${facts.gnuTriple}-gcc`, packages: [`libc6-${facts.debianArch}-cross`] })
  }
  return requirements
}
