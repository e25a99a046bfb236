/**
 * Benchmark entry point: `npm run bench -- <scenario> [options]`. Each scenario writes its numbers (and the
 * command that produced them) to bench/results/<scenario>.md.
 */
import { runEmulatorBenchmark } from './emulator';
import { runSyncBenchmark } from './sync';

const scenarios: Record<string, (args: string[]) => Promise<void>> = {
  emulator: runEmulatorBenchmark,
  sync: runSyncBenchmark,
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const scenario = name ? scenarios[name] : undefined;
  if (!scenario) {
    process.stderr.write(
      `usage: npm run bench -- <scenario> [options]\nscenarios: ${Object.keys(scenarios).join(', ')}\n`,
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
