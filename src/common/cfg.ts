/**
 * Evaluates `cfg(...)` expressions from `[target.'cfg(...)']` config tables against the
 * target's `rustc --print cfg` output, as cargo does. Pure.
 */

export type CfgSet = Set<string>

/** `rustc --print cfg` lines: `unix`, `target_arch="x86_64"` → a set of `name` and `name=value`. */
export function parseCfg(output: string): CfgSet {
  const set: CfgSet = new Set()
  for (const raw of output.split('\n')) {
    const line = raw.trim()
    if (!line) continue
    const match = /^([A-Za-z0-9_]+)="(.*)"$/.exec(line)
    set.add(match ? `${match[1]}=${match[2]}` : line)
  }
  return set
}

type Token = { kind: 'ident' | 'string' | '(' | ')' | ',' | '='; text: string }

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const char = text[i] ?? ''
    if (/\s/.test(char)) i++
    else if (char === '(' || char === ')' || char === ',' || char === '=') {
      tokens.push({ kind: char, text: char })
      i++
    } else if (char === '"') {
      const end = text.indexOf('"', i + 1)
      if (end < 0) throw new Error(`unterminated string in ${text}`)
      tokens.push({ kind: 'string', text: text.slice(i + 1, end) })
      i = end + 1
    } else {
      const match = /^[A-Za-z0-9_]+/.exec(text.slice(i))
      if (!match) throw new Error(`unexpected '${char}' in ${text}`)
      tokens.push({ kind: 'ident', text: match[0] })
      i += match[0].length
    }
  }
  return tokens
}

/** True when `cfg(expr)` holds for the target. Malformed expressions do not match. */
export function cfgMatches(expression: string, cfg: CfgSet): boolean {
  const inner = /^cfg\((.*)\)$/s.exec(expression.trim())?.[1]
  if (inner === undefined) return false
  let tokens: Token[]
  try {
    tokens = tokenize(inner)
  } catch {
    return false
  }
  let position = 0
  const peek = (): Token | undefined => tokens[position]
  const expect = (kind: Token['kind']): Token => {
    const token = tokens[position++]
    if (token?.kind !== kind) throw new Error(`expected ${kind}`)
    return token
  }
  const list = (): boolean[] => {
    expect('(')
    const values: boolean[] = []
    while (peek()?.kind !== ')') {
      values.push(predicate())
      if (peek()?.kind === ',') position++
    }
    expect(')')
    return values
  }
  const predicate = (): boolean => {
    const name = expect('ident').text
    if (name === 'all' && peek()?.kind === '(') return list().every(Boolean)
    if (name === 'any' && peek()?.kind === '(') return list().some(Boolean)
    if (name === 'not' && peek()?.kind === '(') {
      const values = list()
      return values.length === 1 && !values[0]
    }
    if (peek()?.kind === '=') {
      position++
      return cfg.has(`${name}=${expect('string').text}`)
    }
    return cfg.has(name)
  }
  try {
    const result = predicate()
    return position === tokens.length && result
  } catch {
    return false
  }
}
