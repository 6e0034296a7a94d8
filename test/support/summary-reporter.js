// Jest reporter printing the plain total line CI reads: "N passed, N failed" over every suite run.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    // A suite that cannot run (compile error, failed setup) counts as a failure even though it has no test results.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed\n`);
  }
}
module.exports = SummaryReporter;
