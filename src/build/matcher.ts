/**
 * A problem matcher for rustc's rendered warnings, so they become annotations on the
 * code. Errors are not matched: the build phase already annotates them from cargo's output, with
 * paths resolved against the workspace, and a second copy would duplicate each one.
 */
export const MATCHER_OWNER = 'rust-xbuild-rustc'

export const rustcMatcher = {
  problemMatcher: [
    {
      owner: MATCHER_OWNER,
      severity: 'warning',
      pattern: [
        // warning: unused variable: `x`   |   warning[E0170]: ...
        { regexp: '^(warning)(?:\\[(\\w+)\\])?: (.+)$', severity: 1, code: 2, message: 3 },
        //  --> src/main.rs:2:9
        { regexp: '^\\s*--> (.+?):(\\d+):(\\d+)$', file: 1, line: 2, column: 3 },
      ],
    },
  ],
}
