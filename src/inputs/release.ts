/** Where `upload: release` goes, from the inputs and the run's ref and repository. */
import { gitRef, repository } from '../common/runner.js'
import { ActionError, InputError } from '../errors.js'

export interface ReleaseTarget {
  tag: string
  token: string
  /** owner/name */
  repository: string
}

/**
 * Where `upload: release` goes: the release-tag input, else the tag the workflow runs
 * for. Checked before anything is built, so a long build does not end in this error.
 */
export function resolveRelease(releaseTag: string | undefined, token: string | undefined, env: { GITHUB_REF?: string; GITHUB_REPOSITORY?: string }): ReleaseTarget {
  const ref = env.GITHUB_REF
  const tag = releaseTag ?? (ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined)
  if (!tag) throw new InputError('release-tag', '', `upload: release needs a tag: set release-tag, or run the workflow for a tag push (GITHUB_REF is ${ref || 'not set'}).`)
  if (!token) throw new InputError('token', '', 'upload: release needs a token with contents: write; the default is the workflow token (github.token).')
  const repository = env.GITHUB_REPOSITORY
  if (!repository || !/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new ActionError(`upload: release needs GITHUB_REPOSITORY as owner/name (it is ${repository || 'not set'}); every runner sets it.`)
  return { tag, token, repository }
}

/** resolveRelease for this run: its ref and repository as the runner gives them. */
export function releaseTarget(releaseTag: string | undefined, token: string | undefined): ReleaseTarget {
  return resolveRelease(releaseTag, token, { GITHUB_REF: gitRef(), GITHUB_REPOSITORY: repository() })
}
