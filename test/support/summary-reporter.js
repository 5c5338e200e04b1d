/**
 * Prints one plain closing line, `jest: N passed, N failed, N skipped`, which CI reads to know how many
 * tests ran (jest's own summary says "Tests: N passed, N total", a shape it does not recognize).
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

module.exports = SummaryReporter;
