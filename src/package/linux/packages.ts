/**
 * The deb and rpm packages of a Linux target: one per format and cargo package whose
 * binaries were staged, written into the staging folder beside the archives.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import type { CargoMetadata } from '../../setup/metadata.js'
import { ActionError } from '../../errors.js'
import type { TargetFacts } from '../../common/target.js'
import { crateInfos } from '../../inputs/package-metadata.js'
import { debSpec, rpmSpec } from '../../inputs/package-specs.js'
import { resolveDebFiles, resolveRpmFiles } from '../../inputs/package-files.js'
import { debArchitecture, debLibraryDepends, rpmArchitecture, type LinkedNeeds, type LinuxPackageFormat } from '../../inputs/linux-packages.js'
import { readBinary } from '../../verify/elf.js'
import type { StagedFile } from '../../stage/stage.js'
import { buildDeb } from './deb.js'
import { buildRpm } from './rpm.js'

export interface LinuxPackagesRequest {
  formats: readonly LinuxPackageFormat[]
  facts: TargetFacts
  workDir: string
  stageDir: string
  /** The action's own folder for the trees and specs */
  tempDir: string
  staged: readonly StagedFile[]
  /** The project's manifests, read once by the project check */
  manifests: CargoMetadata
  epoch: number
}

export interface LinuxPackage {
  name: string
  path: string
  format: LinuxPackageFormat
}

function needsOf(file: string): LinkedNeeds {
  const info = readBinary(fs.readFileSync(file))
  return { dynamic: info.interpreter !== undefined || info.needed.length > 0, glibc: info.glibc, needed: info.needed }
}

export async function buildLinuxPackages(request: LinuxPackagesRequest): Promise<LinuxPackage[]> {
  if (!request.formats.length || !request.staged.length) return []
  const root = request.manifests.workspace_root
  const ids = new Set(request.staged.map((file) => file.packageId))
  const built: LinuxPackage[] = []
  fs.mkdirSync(request.tempDir, { recursive: true })
  for (const crate of crateInfos(request.manifests).filter((candidate) => ids.has(candidate.id))) {
    const binaries = new Map(request.staged.filter((file) => file.packageId === crate.id).map((file) => [file.name, file.path]))
    const needs = [...binaries.values()].map(needsOf)
    for (const format of request.formats) {
      if (format === 'deb') {
        const spec = debSpec(crate)
        const files = await resolveDebFiles(spec, root, binaries)
        const { depends, unknown } = debLibraryDepends(needs)
        if (unknown.length)
          core.warning(`${spec.name}.deb: the binaries link ${unknown.join(', ')}, whose Debian packages the action does not know; list them in package.metadata.deb.depends (with "$auto").`)
        const arch = debArchitecture(request.facts) ?? ''
        const result = await buildDeb({ spec, files, arch, autoDepends: depends, workDir: request.tempDir, outputDir: request.stageDir, epoch: request.epoch })
        core.info(`${result.name}:\n${result.control.trimEnd()}`)
        built.push({ name: result.name, path: result.path, format })
      } else {
        const spec = rpmSpec(crate)
        const files = await resolveRpmFiles(spec, root, binaries)
        const arch = rpmArchitecture(request.facts) ?? ''
        const result = await buildRpm({ spec, files, arch, workDir: request.tempDir, outputDir: request.stageDir, epoch: request.epoch })
        core.info(`${result.name}: ${files.files.length} file(s), ${spec.relations.length} declared dependencies${spec.autoReq ? " plus rpmbuild's for the binaries" : ''}.`)
        built.push({ name: result.name, path: result.path, format })
      }
    }
  }
  const names = built.map((file) => file.name)
  const repeated = names.find((name, index) => names.indexOf(name) !== index)
  if (repeated) throw new ActionError(`Two cargo packages make the same package file ${repeated}; give them distinct names in package.metadata.deb / generate-rpm.`)
  fs.rmSync(request.tempDir, { recursive: true, force: true })
  return built.sort((a, b) => (a.name < b.name ? -1 : 1)).map((file) => ({ ...file, path: path.resolve(file.path) }))
}
