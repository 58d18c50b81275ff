import { describe, test } from '@jest/globals'
import assert from 'node:assert/strict'
import { cfgMatches, parseCfg } from '../../../src/common/cfg.js'

const X86 = parseCfg(`debug_assertions
panic="unwind"
target_arch="x86_64"
target_env="gnu"
target_family="unix"
target_feature="sse2"
target_os="linux"
unix
`)

describe('cfg expressions from [target.cfg(..)] tables', () => {
  const cases: [string, boolean][] = [
    ['cfg(unix)', true],
    ['cfg(windows)', false],
    ['cfg(target_arch = "x86_64")', true],
    ['cfg(target_arch="aarch64")', false],
    ['cfg(all(unix, target_env = "gnu"))', true],
    ['cfg(all(unix, target_env = "musl"))', false],
    ['cfg(any(windows, target_os = "linux"))', true],
    ['cfg(not(target_os = "macos"))', true],
    ['cfg(not(unix))', false],
    ['cfg(all(target_arch = "x86_64", not(target_feature = "avx2")))', true],
    ['cfg(all())', true],
    ['cfg(any())', false],
    ['cfg(target_arch = "x86_64"', false],
    ['cfg(target_arch = )', false],
    ['x86_64-unknown-linux-gnu', false],
  ]
  for (const [expression, expected] of cases) test(expression, () => assert.equal(cfgMatches(expression, X86), expected))
})
