import { saveBuildCache } from './cache/phase.js'

await saveBuildCache()
