/**
 * The mailbox of a `syncEndpoint` instance: the `endpointChanged` events raised to it while it runs, and how a
 * generation takes them — before its read (`takeCoveredChanges`), while it waits (`Mailbox.wait`) and before it ends
 * (`drainMailbox`). Durable Functions buffers events raised before a wait, hands each event to the most recent open
 * wait, discards what is still buffered at `continueAsNew` and drops events raised to a completed instance; the
 * functions here are written for exactly that (see syncEndpoint.ts for where each is called).
 */
import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { EXTERNAL_EVENTS } from '../../durable/names';
import { endpointChangedEventSchema } from './contracts';
import type { EndpointChangedEvent } from './contracts';

/**
 * The `endpointChanged` events of one execution. A wait for the event that lost its race against a timer stays
 * open in Durable Functions: the library hands the next event raised to the most recent open wait, whether or not
 * the orchestrator still yields it, so an event that arrives while the instance reads or writes would land in a
 * wait nobody looks at. The mailbox keeps those waits and checks them first: a change they caught meanwhile is
 * taken like a buffered one. (History replays events in the same order, so what they caught is deterministic.)
 */
export class Mailbox {
  private readonly open: Task[] = [];

  constructor(private readonly context: OrchestrationContext) {}

  /** A change an earlier, lost wait caught since, if any (oldest wait first). */
  private caught(): EndpointChangedEvent | undefined {
    // A wait for an external event completes when the event arrives; it never faults.
    const index = this.open.findIndex((task) => task.isCompleted);
    if (index < 0) return undefined;
    const [task] = this.open.splice(index, 1);
    return parseChange(task?.result);
  }

  /** Keeps a wait for `endpointChanged` that another task won a race against (see the class comment). */
  keep(task: Task): void {
    this.open.push(task);
  }

  /** Waits `delayMs` on a durable timer or until `endpointChanged` arrives (then returns its payload). */
  *wait(delayMs: number): Generator<Task, EndpointChangedEvent | undefined, unknown> {
    const earlier = this.caught();
    if (earlier) return earlier;
    const context = this.context;
    const timer: TimerTask = context.df.createTimer(
      new Date(context.df.currentUtcDateTime.getTime() + Math.max(0, delayMs)),
    );
    const changed = context.df.waitForExternalEvent(EXTERNAL_EVENTS.endpointChanged);
    const winner = yield context.df.Task.any([timer, changed]);
    if (winner === timer) {
      this.open.push(changed);
      return undefined;
    }
    timer.cancel();
    return parseChange(changed.result);
  }
}

function parseChange(raw: unknown): EndpointChangedEvent {
  const payload = endpointChangedEventSchema.safeParse(raw ?? {});
  return payload.success ? payload.data : {};
}

/**
 * Takes every change the mailbox holds now, in one look (a zero-length timer closes it); returns the latest, or
 * undefined when it held none. Called just before a generation reads the endpoint: whatever it takes was raised
 * before that read was scheduled, so the read sees the change behind it.
 */
export function* takeCoveredChanges(
  mailbox: Mailbox,
  gatherMs = 0,
): Generator<Task, EndpointChangedEvent | undefined, unknown> {
  let latest: EndpointChangedEvent | undefined;
  for (let first = true; ; first = false) {
    const changed = yield* mailbox.wait(first ? gatherMs : 0);
    if (!changed) return latest;
    latest = changed;
  }
}

/**
 * How long a generation started by an event waits for the events that come with it before it reads: Azure
 * announces an endpoint's creation or update twice, once for the endpoint and once for its NIC, a moment apart;
 * one read after both costs half of a read after each. Short enough to stay well inside the latency the app
 * promises (event to record, p99 ≤ 2 s).
 */
export const GATHER_MS = 300;

/**
 * Looks at the mailbox this many times, each a zero-length timer round, before an instance completes. Two looks,
 * because the first episode's commit is what makes phase `finishing` visible to starters: an event raised before
 * a starter could see that phase is in the queue ahead of the second look's timer.
 */
export const MAILBOX_LOOKS = 2;

/**
 * How much earlier than a read an ARM change must be stamped for the read to count as having seen it: room for
 * the clocks of Resource Manager (the event's `eventTime`) and of the Functions host to differ. Azure keeps both
 * in step with time servers, well within this (an assumption, not a documented bound).
 */
export const READ_COVERS_MARGIN_MS = 1_000;

/**
 * True when a read made at `readAt` (the host's wall clock, ISO) saw the change behind `change`: the change is
 * stamped (ARM's `eventTime`) at least READ_COVERS_MARGIN_MS before the read started. Without either time, false.
 */
export function readCovers(readAt: string | undefined, change: EndpointChangedEvent): boolean {
  const read = readAt ? Date.parse(readAt) : Number.NaN;
  const changed = change.eventTime ? Date.parse(change.eventTime) : Number.NaN;
  return Number.isFinite(read) && Number.isFinite(changed) && changed + READ_COVERS_MARGIN_MS <= read;
}

/**
 * Takes a buffered `endpointChanged` event, if the mailbox holds one. An event raised before the look completes
 * the wait at once (the library hands buffered events to the first matching wait); otherwise a timer due now
 * closes the look. Events whose change the generation's read already saw (`readCovers`, e.g. the NIC event that
 * an endpoint's creation raises next to its own, delivered after the read began) are taken and passed over.
 */
export function* drainMailbox(
  mailbox: Mailbox,
  looks: number = MAILBOX_LOOKS,
  readAt?: string,
): Generator<Task, EndpointChangedEvent | undefined, unknown> {
  for (let look = 0; look < looks; look++) {
    for (;;) {
      const changed = yield* mailbox.wait(0);
      if (!changed) break;
      if (!readCovers(readAt, changed)) return changed;
    }
  }
  return undefined;
}
