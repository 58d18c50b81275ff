/**
 * How a binary of the target runs on this runner: natively, or under qemu-user with a CPU
 * model for the baseline and the target's C library. Used for cargo's test runner and for
 * the smoke test, and to know which packages those need. Pure.
 */
import type { Host, Requirement, TargetFacts } from './target.js'
import { runsUnderWine, wineRequirement, wineCannotRun, wineSmokePlan, wineTestRunner } from './wine.js'

/** Debian's multiarch directory for the target (/lib/<this>): i686's is i386-linux-gnu. */
export function multiarchTriple(facts: Pick<TargetFacts, 'gnuTriple'>): string | undefined {
  return facts.gnuTriple?.replace(/^i[3-6]86-/, 'i386-')
}

/** The file whose presence says the target's multiarch C library (libc6:<arch>) is installed. */
export function multiarchLibcPath(facts: Pick<TargetFacts, 'gnuTriple'>): string | undefined {
  const triple = multiarchTriple(facts)
  return triple ? `/lib/${triple}/libc.so.6` : undefined
}

/**
 * qemu's library arguments for a dynamically linked gnu binary: one loader and the libc that
 * belongs to it. The cross sysroot's loader would otherwise find the multiarch libc.so.6 on
 * its built-in path (a different build), and threaded programs hang. With the multiarch libc
 * installed, its root is used whole (`-L /`); else the cross sysroot, its libraries pinned.
 */
export function qemuLibraryArgs(facts: TargetFacts, multiarchLibc: boolean): string[] {
  if (facts.libc !== 'gnu' || !facts.gnuTriple) return []
  if (multiarchLibc) return ['-L', '/']
  const sysroot = `/usr/${facts.gnuTriple}`
  return ['-L', sysroot, '-E', `LD_LIBRARY_PATH=${sysroot}/lib`]
}

/** qemu-arm models that rustc CPU names map to; ARMv6 is ARM1176, ARMv7 a Cortex-A7. */
const ARM_QEMU_CPUS: Record<string, string> = {
  arm1176jzf_s: 'arm1176',
  'arm1176jzf-s': 'arm1176',
  arm926ej_s: 'arm926',
  'arm926ej-s': 'arm926',
  'cortex-a7': 'cortex-a7',
  'cortex-a8': 'cortex-a8',
  'cortex-a9': 'cortex-a9',
  'cortex-a15': 'cortex-a15',
}

/**
 * The qemu-arm CPU model, and why when it is not the target's own: Debian has no ARMv6
 * glibc, so an ARMv6 gnu binary runs here against the ARMv7 armhf libc, on an ARMv7 model.
 */
export function armModel(facts: TargetFacts, cpu: string | undefined): { model: string; note?: string } {
  if (cpu && ARM_QEMU_CPUS[cpu]) return { model: ARM_QEMU_CPUS[cpu] }
  if (facts.arch === 'armv5te') return { model: 'arm926' }
  if (facts.arch !== 'arm') return { model: 'cortex-a7' }
  if (facts.libc === 'musl') return { model: 'arm1176' }
  return {
    model: 'cortex-a7',
    note: "the runner's armhf C library is ARMv7, so an ARMv6 CPU model cannot load it; the binary's own code is checked as ARMv6 by its ELF attributes",
  }
}

/** The emulator runner for tests of a foreign architecture; on ARM, a CPU model that runs the baseline `cpu`. */
export function testRunner(command: 'build' | 'test' | 'both', facts: TargetFacts, host: Host, multiarchLibc = false, cpu?: string): { runner?: string[]; requirements: Requirement[] } {
  if (command !== 'build' && runsUnderWine(facts, host)) return wineTestRunner(facts)
  if (command === 'build' || facts.family === host.family || !facts.qemu || host.os !== 'linux') return { requirements: [] }
  const requirements: Requirement[] = [{ command: facts.qemu, packages: ['qemu-user'] }]
  const runner = [facts.qemu]
  // armModel knows no 'native' (no baseline): the target's own model.
  if (facts.family === 'arm') runner.push('-cpu', armModel(facts, cpu).model)
  runner.push(...qemuLibraryArgs(facts, multiarchLibc))
  if (facts.libc === 'gnu' && facts.gnuTriple && !multiarchLibc) {
    // The target's shared libraries for the emulator (-L); the cross gcc brings them, zig does not.
    requirements.push({ path: `/usr/${facts.gnuTriple}/lib`, packages: [`libc6-${facts.debianArch}-cross`] })
  }
  return { runner, requirements }
}

/** A command line that runs a binary, and how it runs, or why it cannot run here. */
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
export function smokePlan(binary: string, args: readonly string[], facts: TargetFacts, host: Host, cpu: string | undefined, multiarchLibc = false): SmokePlan {
  const baseline = cpu === 'native' ? undefined : cpu
  const same = facts.family === host.family && facts.os === host.os
  if (runsUnderWine(facts, host)) return wineSmokePlan(binary, args, facts)
  if (facts.os !== 'linux' || host.os !== 'linux') {
    return same ? { command: [binary, ...args], how: 'natively' } : { skip: `a ${facts.os} binary for ${facts.family} cannot run on this ${host.os} ${host.family} runner` }
  }
  const libPath = same ? [] : qemuLibraryArgs(facts, multiarchLibc)
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
  if (facts.family === 'arm') {
    const { model, note } = armModel(facts, baseline)
    return { command: [facts.qemu, '-cpu', model, ...libPath, binary, ...args], how: `${facts.qemu} -cpu ${model}${note ? ` (${note})` : ''}` }
  }
  return { command: [facts.qemu, ...libPath, binary, ...args], how: facts.qemu }
}

/** What the smoke tests need installed on a Linux runner. */
export function smokeRequirements(facts: TargetFacts, host: Host, multiarchLibc = false): Requirement[] {
  if (runsUnderWine(facts, host)) return wineCannotRun(facts) ? [] : [wineRequirement]
  if (host.os !== 'linux' || facts.os !== 'linux') return []
  const needsQemu = facts.family !== host.family || facts.family === 'x86_64'
  if (!needsQemu || !facts.qemu) return []
  const requirements: Requirement[] = [{ command: facts.qemu, packages: ['qemu-user'] }]
  if (facts.family !== host.family && facts.libc === 'gnu' && facts.gnuTriple && facts.debianArch && !multiarchLibc) {
    // Only the package's files matter (/usr/<triple>/lib); its gcc is a convenient probe.
    requirements.push({ command: `${facts.gnuTriple}-gcc`, packages: [`libc6-${facts.debianArch}-cross`] })
  }
  return requirements
}
