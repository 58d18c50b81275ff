import { run } from './merge-main.js'

await run()
