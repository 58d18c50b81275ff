import * as core from '@actions/core'
import { actionsCacheBackend } from './cache.js'
import { saveCaches } from './cache-phase.js'
import { errorMessage } from './errors.js'

// The post step: saving the cache never fails the job.
try {
  await core.group('Save the build cache', () => saveCaches(actionsCacheBackend))
} catch (error) {
  core.warning(`rust-xbuild's post step failed: ${errorMessage(error)}`)
}
