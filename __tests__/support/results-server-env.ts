/**
 * Runner environments and whether the cache has a service in each, by @actions/cache 6.3's
 * rule: the unit table checks src/common/runner.ts against the expectations, the integration
 * test checks the library itself against the same rows.
 */
export const RESULTS = 'https://results-receiver.actions.githubusercontent.com/'
export const CACHE_V1 = 'https://artifactcache.actions.githubusercontent.com/abc/'

/** [what the row shows, the environment, the version the library picks, whether it has a service] */
export const CACHE_SERVICE_CASES: [string, Record<string, string>, 'v1' | 'v2' | undefined, boolean][] = [
  ['a hosted runner today: v2 and the results service', { ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RESULTS_URL: RESULTS, GITHUB_SERVER_URL: 'https://github.com' }, 'v2', true],
  ['v2 without GITHUB_SERVER_URL (github.com is assumed)', { ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RESULTS_URL: RESULTS }, 'v2', true],
  ['v2 asked, but no results URL', { ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_CACHE_URL: CACHE_V1 }, 'v2', false],
  ['any value selects v2, "false" too', { ACTIONS_CACHE_SERVICE_V2: 'false', ACTIONS_RESULTS_URL: RESULTS }, 'v2', true],
  ['an empty flag is unset: v1, which needs the cache URL', { ACTIONS_CACHE_SERVICE_V2: '', ACTIONS_RESULTS_URL: RESULTS }, 'v1', false],
  ['no flag: v1 with its own URL', { ACTIONS_CACHE_URL: CACHE_V1 }, 'v1', true],
  ['no flag and only the results URL: v1 has no service', { ACTIONS_RESULTS_URL: RESULTS }, 'v1', false],
  ['GitHub Enterprise Server has no v2, whatever the flag', { ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RESULTS_URL: RESULTS, GITHUB_SERVER_URL: 'https://git.example.com' }, 'v1', false],
  ['GHES with the v1 URL', { ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_CACHE_URL: CACHE_V1, GITHUB_SERVER_URL: 'https://git.example.com' }, 'v1', true],
  ['GHE.com data residency counts as github.com', { ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RESULTS_URL: RESULTS, GITHUB_SERVER_URL: 'https://octo.ghe.com' }, 'v2', true],
  ['a *.localhost server counts as github.com', { ACTIONS_CACHE_SERVICE_V2: '1', ACTIONS_RESULTS_URL: RESULTS, GITHUB_SERVER_URL: 'http://github.localhost' }, 'v2', true],
  ['nothing: a local run', {}, 'v1', false],
]

/** GITHUB_SERVER_URL that is no URL: the library throws; the action sees no service. */
export const NOT_A_URL = { ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RESULTS_URL: RESULTS, GITHUB_SERVER_URL: 'github.com' }
