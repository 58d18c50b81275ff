import { run } from './merge/action.js'

await run()
