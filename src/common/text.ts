/** Small text helpers for logs and the job summary. */

/** Terminal colour codes removed (cargo colours its output on some runners). */
export function stripAnsi(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;]*m/g, '')
}

/** Text that can stand in a Markdown table cell: no bar, no line break. */
export function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}
