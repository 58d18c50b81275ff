/**
 * The inputs an action sees on a runner: every input its action.yml declares, set to its
 * default when the workflow does not give it (expressions such as `${{ github.token }}`
 * evaluated), then the workflow's own values. Used by the e2e harness (as INPUT_*
 * variables) and by the unit tests' input readers, so a default that collides with
 * another rule is seen everywhere.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Stand-ins for the expressions action.yml defaults use, as a runner evaluates them. */
export const EXPRESSION_VALUES: Record<string, string> = {
  'github.token': 'ghs_harnessToken000000000000000000000000',
}

export type ActionFile = 'action.yml' | 'merge/action.yml'

interface ActionYaml {
  inputs?: Record<string, { default?: unknown; required?: boolean }>
  runs: { using: string; main: string; post?: string; 'post-if'?: string }
}

const parsed = new Map<ActionFile, ActionYaml>()

export function actionYaml(file: ActionFile): ActionYaml {
  let action = parsed.get(file)
  if (!action) {
    action = parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as ActionYaml
    parsed.set(file, action)
  }
  return action
}

/** `${{ expr }}` replaced by its stand-in; an expression without one is a harness defect. */
export function evaluate(value: string): string {
  return value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
    const result = EXPRESSION_VALUES[expression]
    if (result === undefined) throw new Error(`action.yml uses \${{ ${expression} }}: give the harness a stand-in for it (EXPRESSION_VALUES)`)
    return result
  })
}

/** Every declared input with a default, as the runner sets it (a YAML boolean default becomes 'true'/'false'). */
export function inputDefaults(file: ActionFile): Record<string, string> {
  const defaults: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYaml(file).inputs ?? {})) {
    if (spec.default !== undefined && spec.default !== null) defaults[name] = evaluate(String(spec.default))
  }
  return defaults
}

/** The inputs as the step receives them: defaults, then the workflow's values. */
export function runnerInputs(file: ActionFile, given: Record<string, string>): Record<string, string> {
  const declared = actionYaml(file).inputs ?? {}
  for (const name of Object.keys(given)) if (!(name in declared)) throw new Error(`${file} declares no input '${name}'`)
  return { ...inputDefaults(file), ...given }
}

/** A reader (like core.getInput) over the runner's inputs, for parseInputs and parseMergeInputs. */
export function runnerReader(file: ActionFile, given: Record<string, string>): (name: string) => string {
  const inputs = runnerInputs(file, given)
  return (name: string) => inputs[name] ?? ''
}
