/**
 * rustc's `-C` options in any of their spellings (`-C key=v`, `-Ckey=v`, `--codegen key=v`,
 * `--codegen=key=v`), for composing rustflags and for reading back the effective ones.
 */

/** A -C option split into key and value. */
export interface Codegen {
  key: string
  value: string
  /** How many argv entries it took (1: `-Ckey=v`, 2: `-C key=v`) */
  width: number
}

/** The -C option that starts at flags[index], if one does. */
export function codegenAt(flags: readonly string[], index: number): Codegen | undefined {
  const flag = flags[index] ?? ''
  let option: string | undefined
  let width = 1
  if (flag === '-C' || flag === '--codegen') {
    option = flags[index + 1] ?? ''
    width = 2
  } else if (flag.startsWith('-C')) option = flag.slice(2)
  else if (flag.startsWith('--codegen=')) option = flag.slice('--codegen='.length)
  if (option === undefined) return undefined
  const equals = option.indexOf('=')
  if (equals < 0) return { key: option, value: '', width }
  return { key: option.slice(0, equals), value: option.slice(equals + 1), width }
}

/** Every -C option in order. */
export function codegenOptions(flags: readonly string[]): Codegen[] {
  const options: Codegen[] = []
  for (let index = 0; index < flags.length;) {
    const codegen = codegenAt(flags, index)
    if (codegen) options.push(codegen)
    index += codegen?.width ?? 1
  }
  return options
}
