/**
 * Benchmark entry point: `npm run bench -- <scenario> [options]`. Each scenario writes its numbers (and the
 * command that produced them) to bench/results/<scenario>.md.
 */
import { runAppBenchmark } from './app';
import { runBurstBenchmark } from './burst';
import { runEconomyBenchmark } from './economy';
import { runLatencyBenchmark } from './latency';
import { runReconcileBenchmark } from './reconcile';
import { runWatchBenchmark } from './watch';
import { runEmulatorBenchmark } from './emulator';
import { runSyncBenchmark } from './sync';

const scenarios: Record<string, (args: string[]) => Promise<void>> = {
  emulator: runEmulatorBenchmark,
  sync: runSyncBenchmark,
  app: runAppBenchmark,
  economy: runEconomyBenchmark,
  burst: runBurstBenchmark,
  latency: runLatencyBenchmark,
  watch: runWatchBenchmark,
  reconcile: runReconcileBenchmark,
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  if (!name) {
    // No scenario named: run them all, one after the other, so `npm run bench` refreshes every result file.
    for (const [scenarioName, run] of Object.entries(scenarios)) {
      process.stdout.write(`== ${scenarioName}\n`);
      await run([]);
    }
    return;
  }
  const scenario = scenarios[name];
  if (!scenario) {
    process.stderr.write(
      `usage: npm run bench [-- <scenario> [options]]\nscenarios: ${Object.keys(scenarios).join(', ')}\n`,
    );
    process.exit(2);
  }
  await scenario(args);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
