/**
 * Inputs and setup: validated inputs, what rustc knows of the target, the emulator
 * for foreign tests, and the programs the compiler wrappers run.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { parseCfg } from '../cfg.js'
import { Input } from '../constants.js'
import { expandFeatures, parseTargetCpus, parseTargetFeatures, type Baseline } from '../cpu.js'
import { ActionError, InputError } from '../errors.js'
import { run as exec, which } from '../exec.js'
import { parseInputs, type Inputs } from '../inputs.js'
import { type Host, type LinkerPlan, type Requirement } from '../linker.js'
import { resolveRelease } from '../publish.js'
import { closest, targetFacts, type TargetFacts } from '../target.js'
import { type Toolchain } from '../toolchain.js'

export function workspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd()
}

export function readInputs(): { inputs: Inputs; workDir: string; facts: TargetFacts } {
  const inputs = parseInputs((name) => core.getInput(name))
  const workDir = path.resolve(workspace(), inputs.workingDirectory)
  if (!fs.existsSync(workDir) || !fs.statSync(workDir).isDirectory()) {
    throw new InputError(Input.WorkingDirectory, inputs.workingDirectory, `no such directory (${workDir}); point it at the folder that holds the project's Cargo.toml.`)
  }
  if (!fs.existsSync(path.join(workDir, 'Cargo.toml'))) {
    throw new InputError(Input.WorkingDirectory, inputs.workingDirectory, `${workDir} has no Cargo.toml; point it at the folder that holds the project's Cargo.toml.`)
  }
  if (inputs.upload === 'release') {
    // Loose binaries of different targets share names (app, app): a release takes archives.
    if (inputs.archive === 'none')
      throw new InputError(Input.Upload, 'release', 'a release receives the archives, and archive is none; set archive, or upload artifacts and publish with the merge action.')
    resolveRelease(inputs.releaseTag, inputs.token, process.env)
  }
  const facts = targetFacts(inputs.target)
  core.info(`Target ${facts.triple}${inputs.targetInput !== facts.triple ? ` (from ${inputs.targetInput})` : ''}`)
  core.info(`Project ${workDir}`)
  return { inputs, workDir, facts }
}

export interface TargetKnowledge {
  baseline: Baseline
  cfg: Set<string>
}

/** Validate target-cpu and expand target-features against what this rustc knows for the target. */
export async function learnTarget(inputs: Inputs, facts: TargetFacts, toolchain: Toolchain, host: Host, cwd: string): Promise<TargetKnowledge> {
  const rustc = (args: string[]): Promise<string> => exec('rustc', [...args, '--target', facts.triple], { env: toolchain.env, cwd }).then((r) => r.stdout)
  const [cfgText, cpusText, featuresText] = await Promise.all([
    rustc(['--print', 'cfg']),
    inputs.targetCpu ? rustc(['--print', 'target-cpus']) : Promise.resolve(''),
    inputs.targetFeatures.length ? rustc(['--print', 'target-features']) : Promise.resolve(''),
  ])
  const cpu = inputs.targetCpu
  if (cpu === 'native' && facts.triple !== host.triple) {
    throw new InputError(
      Input.TargetCpu,
      cpu,
      `'native' means the build machine's CPU, which is not a baseline for the cross target ${facts.triple}; name a CPU such as ${facts.family === 'x86_64' ? 'x86-64-v2' : 'generic'}.`,
    )
  }
  if (cpu && cpu !== 'native') {
    const cpus = parseTargetCpus(cpusText)
    if (cpus.length && !cpus.includes(cpu)) {
      const suggestions = closest(cpu, cpus)
      throw new InputError(Input.TargetCpu, cpu, `${facts.triple} has no such CPU (rustc --print target-cpus).${suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ''}`)
    }
  }
  const features = inputs.targetFeatures.length ? expandFeatures(inputs.targetFeatures, parseTargetFeatures(featuresText)) : []
  return { baseline: { cpu, features }, cfg: parseCfg(cfgText) }
}

/** The emulator runner for tests of a foreign architecture. */
export function testRunner(inputs: Inputs, facts: TargetFacts, host: Host): { runner?: string[]; requirements: Requirement[] } {
  if (inputs.command === 'build' || facts.family === host.family || !facts.qemu || host.os !== 'linux') return { requirements: [] }
  const requirements: Requirement[] = [{ command: facts.qemu, packages: ['qemu-user'] }]
  const runner = [facts.qemu]
  if (facts.libc === 'gnu' && facts.gnuTriple) {
    runner.push('-L', `/usr/${facts.gnuTriple}`)
    // The target's shared libraries for the emulator (-L); the cross gcc brings them, zig does not.
    requirements.push({ path: `/usr/${facts.gnuTriple}/lib`, packages: [`libc6-${facts.debianArch}-cross`] })
  }
  return { runner, requirements }
}

/** The linker's identity for the cache fingerprint: its version line. */
export async function linkerVersion(linker: LinkerPlan, resolved: Record<string, string>): Promise<string> {
  const program = linker.cc ? (resolved[linker.cc.program] ?? linker.cc.program) : undefined
  if (!program) return ''
  const result = await exec(program, linker.kind === 'zig' ? ['version'] : ['--version'], { allowFailure: true })
  return result.stdout.split('\n')[0]?.trim() ?? ''
}

export async function resolvePrograms(linker: LinkerPlan, zig: string | undefined): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {}
  for (const tool of [linker.cc, linker.cxx, linker.ar]) {
    if (!tool || resolved[tool.program]) continue
    const found = tool.program === 'zig' ? zig : await which(tool.program)
    if (found) resolved[tool.program] = found
    else if (tool !== linker.cxx) throw new ActionError(`${tool.program} is not on PATH after setup; the ${linker.kind} toolchain for this target is incomplete.`)
  }
  return resolved
}
