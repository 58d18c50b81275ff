/**
 * Reading the project's cargo configuration (never writing it): the files cargo would
 * read for a build in `cwd`, lowest precedence first.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { ActionError, errorMessage } from '../errors.js'

/** One parsed cargo config file. */
export interface ConfigFile {
  path: string
  data: Record<string, unknown>
}

/** The config file of one directory: cargo prefers `config` (no extension) when both exist. */
function configIn(dir: string): string | undefined {
  for (const name of ['config', 'config.toml']) {
    const file = path.join(dir, name)
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file
  }
  return undefined
}

/** `.cargo/config[.toml]` in cwd and each parent, then $CARGO_HOME; returned lowest precedence first. */
export function findConfigFiles(cwd: string, cargoHome: string): string[] {
  const found: string[] = []
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = configIn(path.join(dir, '.cargo'))
    if (file) found.push(file)
    if (path.dirname(dir) === dir) break
  }
  const home = configIn(path.resolve(cargoHome))
  if (home && !found.includes(home)) found.push(home)
  return found.reverse()
}

export function defaultCargoHome(env: Record<string, string | undefined>): string {
  return env.CARGO_HOME || path.join(os.homedir(), '.cargo')
}

export function readConfigFiles(files: readonly string[]): ConfigFile[] {
  return files.map((file) => {
    try {
      return { path: file, data: parseToml(fs.readFileSync(file, 'utf8')) as Record<string, unknown> }
    } catch (error) {
      throw new ActionError(`Cannot read the cargo config ${file}: ${errorMessage(error)}`)
    }
  })
}
