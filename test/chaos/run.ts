/**
 * `npm run chaos -- --runs N [--seed S] [--path P] [--profile quick|full] [--shrink-seconds T] [--shrink-max K]`
 *
 * Runs N seeded chaos scenarios from a random first seed (or the one seed given; with both, N seeds from S) on one local stack, prints one summary line per run and a
 * final `N runs, K diverged` line. Exits 1 when any run diverged, after printing each diverging seed with a
 * shrunk reproduction (fast-check shrinking, bounded by time) and the commands that replay it.
 */
import { randomInt } from 'node:crypto';
import { reproduction, runSeed, summaryLine, type SeedOutcome } from './harness';
import { FULL_PROFILE, QUICK_PROFILE } from './scenario';
import { startChaosWorld } from './world';

interface Args {
  runs: number;
  /** True when `--runs` was given (with `--seed`: that many seeds from S). */
  runsGiven: boolean;
  seed?: number;
  path?: string;
  profile: 'quick' | 'full';
  shrinkSeconds: number;
  shrinkMax: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 20, runsGiven: false, profile: 'full', shrinkSeconds: 120, shrinkMax: 3 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const number = (what: string): number => {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < 0)
        throw new Error(`${flag} takes ${what}, got ${String(value)}`);
      i++;
      return n;
    };
    switch (flag) {
      case '--runs':
        args.runs = number('a run count');
        args.runsGiven = true;
        break;
      case '--seed':
        args.seed = number('a seed (non-negative integer)');
        break;
      case '--path':
        if (value === undefined) throw new Error('--path takes a fast-check path such as 0:1:0');
        args.path = value;
        i++;
        break;
      case '--profile':
        if (value !== 'quick' && value !== 'full') throw new Error('--profile is quick or full');
        args.profile = value;
        i++;
        break;
      case '--shrink-seconds':
        args.shrinkSeconds = number('seconds');
        break;
      case '--shrink-max':
        args.shrinkMax = number('a count');
        break;
      case '--help':
      case '-h':
        process.stdout.write(
          'npm run chaos -- --runs N [--seed S] [--path P] [--profile quick|full] [--shrink-seconds T] [--shrink-max K]\n',
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${String(flag)}`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const profile = args.profile === 'full' ? FULL_PROFILE : QUICK_PROFILE;
  // Without --seed the first seed is random (crypto), so two runs cover different seed ranges; --seed S alone
  // replays S, and with --runs N it runs S..S+N-1 (the runs before a seed shape the names it sees).
  const first = args.seed ?? randomInt(1, 2 ** 31 - args.runs);
  const count = args.seed !== undefined && !args.runsGiven ? 1 : args.runs;
  const seeds = Array.from({ length: count }, (_, i) => first + i);
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(
    `chaos: ${seeds.length} run(s), profile ${args.profile}, seeds ${seeds[0]}${seeds.length > 1 ? `..${seeds[seeds.length - 1]}` : ''}`,
  );
  print(
    'a seed fixes the scenario and the fault injector seeds; not fixed: the timing of the app against the operations (which requests a probabilistic fault hits), and Backup vault ids / storage names after the first run of a process',
  );
  const world = await startChaosWorld();
  const started = Date.now();
  const diverged: SeedOutcome[] = [];
  const signatures = new Set<string>();
  let lost = 0;
  try {
    for (const seed of seeds) {
      const outcome = await runSeed(world, seed, {
        profile,
        ...(args.path !== undefined ? { path: args.path } : {}),
        onRun: (r, shrinking) => {
          if (!shrinking) print(summaryLine(r));
        },
      });
      lost += outcome.result.lost;
      if (outcome.result.ok) continue;
      for (const v of outcome.result.violations.slice(0, 4)) print(`    (${v.invariant}) ${v.message}`);
      const signature = [...new Set(outcome.result.violations.map((v) => v.invariant))].sort().join(',');
      let shown = outcome;
      if (args.shrinkSeconds > 0 && !signatures.has(signature) && signatures.size < args.shrinkMax) {
        signatures.add(signature);
        print(`  shrinking seed ${seed} (up to ${args.shrinkSeconds} s)...`);
        const shrunk = await runSeed(world, seed, {
          profile,
          shrinkTimeMs: args.shrinkSeconds * 1000,
          ...(args.path !== undefined ? { path: args.path } : {}),
        });
        // The run that diverged stays the one reported, whatever the timing of the shrinking runs gave.
        shown = { ...shrunk, result: outcome.result };
      }
      diverged.push(shown);
    }
  } finally {
    await world.stop();
  }
  for (const outcome of diverged) {
    print('');
    for (const line of reproduction(outcome)) print(line);
  }
  print('');
  print(
    `${seeds.length} runs, ${diverged.length} diverged (${lost} record(s) lost, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  return diverged.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
