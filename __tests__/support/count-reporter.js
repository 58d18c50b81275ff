/* global process */
// Names every skipped test and ends jest's output with one plain line of counts, after
// jest's own summary, so a run that proves less than it seems (a suite skipped for a
// missing tool) is visible, and CI reads the counts from the last line.
export default class CountReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.testResults.flatMap((file) => file.testResults.filter((test) => test.status === 'pending' || test.status === 'skipped').map((test) => test.fullName))
    const lines = [...skipped.map((name) => `skipped: ${name}`), `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`]
    // Written at exit, after the summary the default reporter prints.
    process.once('exit', () => process.stdout.write(`${lines.join('\n')}\n`))
  }
}
