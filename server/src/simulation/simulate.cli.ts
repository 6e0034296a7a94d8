// `npm run simulate`: feeds simulated telemetry for the demo fleet (or another clinic) to a running PumpWatch over HTTP.
import { errorMessage, runSimulation, SimulationError } from './run-simulation';
import { parseSimulateArgs, SIMULATE_USAGE, SimulateArgsError } from './simulate-args';

async function main(): Promise<number> {
  const options = parseSimulateArgs(process.argv.slice(2));
  if (options === null) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  const stop = new AbortController();
  const onSignal = () => {
    console.log('simulator: stopping');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(
    `simulator: feeding ${options.url}${options.gatewayToken ? ' with the given gateway token' : ''}${options.once ? '' : ' (stop with Ctrl-C)'}`,
  );
  const summary = await runSimulation({
    ...options,
    signal: stop.signal,
    log: (message) => console.log(`simulator: ${message}`),
  });
  console.log(
    `simulator: ${summary.sent} readings sent in ${summary.batches} batches, ${summary.new} new, ${summary.duplicates} already stored` +
      (summary.unknownSerials > 0 ? `, ${summary.unknownSerials} for unknown pumps` : ''),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof SimulationError || error instanceof SimulateArgsError;
    console.error(`simulate failed: ${known ? (error as Error).message : errorMessage(error)}`);
    if (error instanceof SimulateArgsError) console.error(SIMULATE_USAGE.split('\n')[0]);
    process.exit(1);
  },
);
