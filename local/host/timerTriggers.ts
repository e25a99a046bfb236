/**
 * Timer triggers: every schedule validated at start (as the host does), runs on the host clock (real, fast or
 * scaled), `runOnStartup`, and a run on demand (`runTimerNow`, as the admin endpoint would).
 */
import type { HostClock } from './clock';
import { type RegisteredFunction } from './functionsCore';
import { triggerBinding, triggerType, type TriggerHost } from './invoker';
import { parseSchedule } from './schedule';
import { resolveSetting } from './environment';

export interface TimerTriggerDeps extends TriggerHost {
  readonly clock: HostClock;
}

export function timerTriggers({ functions, clock, invoker, extraInputsFor, log }: TimerTriggerDeps) {
  const timerFunctions = [...functions.values()].filter((f) => triggerType(f) === 'timertrigger');
  const lastRun = new Map<string, number>();
  const runTimer = async (fn: RegisteredFunction, isPastDue = false) => {
    const binding = triggerBinding(fn.metadata)[1];
    const schedule = parseSchedule(resolveSetting(scheduleOf(binding)));
    const now = clock.now();
    const last = lastRun.get(fn.metadata.name);
    lastRun.set(fn.metadata.name, now);
    const info = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: new Date(last ?? now).toISOString(),
        Next: new Date(schedule.next(now)).toISOString(),
        LastUpdated: new Date(now).toISOString(),
      },
      IsPastDue: isPastDue,
    };
    await invoker.invoke(fn, { json: JSON.stringify(info) }, extraInputsFor(fn));
  };
  const timerHandles: NodeJS.Timeout[] = [];
  let stopped = false;
  const scheduleTimer = (fn: RegisteredFunction) => {
    const binding = triggerBinding(fn.metadata)[1];
    const schedule = parseSchedule(resolveSetting(scheduleOf(binding)));
    const next = schedule.next(clock.now());
    const handle = setTimeout(
      () => {
        timerHandles.splice(timerHandles.indexOf(handle), 1);
        if (stopped) return;
        runTimer(fn)
          .catch((error) =>
            log(
              'error',
              `Timer function '${fn.metadata.name}' failed: ${error instanceof Error ? error.message : String(error)}`,
            ),
          )
          .finally(() => {
            if (!stopped) scheduleTimer(fn);
          });
      },
      Math.min(
        2 ** 31 - 1,
        Math.max(0, Math.ceil(clock.isFast() ? next - clock.now() : clock.realDelayUntil(next))),
      ),
    );
    handle.unref?.();
    timerHandles.push(handle);
  };
  for (const fn of timerFunctions) {
    // Validate every schedule at start, as the host does.
    parseSchedule(resolveSetting(scheduleOf(triggerBinding(fn.metadata)[1])));
  }

  return {
    /** Starts the schedules (and `runOnStartup` runs). */
    start(): void {
      for (const fn of timerFunctions) {
        const binding = triggerBinding(fn.metadata)[1];
        if (binding.runOnStartup === true) {
          runTimer(fn).catch((error) =>
            log('error', `Timer function '${fn.metadata.name}' failed: ${String(error)}`),
          );
        }
        scheduleTimer(fn);
      }
    },
    async runNow(functionName: string): Promise<void> {
      const fn = timerFunctions.find((f) => f.metadata.name.toLowerCase() === functionName.toLowerCase());
      if (!fn) throw new Error(`No timer triggered function named '${functionName}'.`);
      await runTimer(fn);
    },
    stop(): void {
      stopped = true;
      for (const handle of timerHandles) clearTimeout(handle);
    },
  };
}

function scheduleOf(binding: Record<string, unknown>): string {
  return typeof binding.schedule === 'string' ? binding.schedule : '';
}
