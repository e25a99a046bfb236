import fs from 'node:fs';
import path from 'node:path';

/** One history event, in the host's wire format (PascalCase fields, numeric EventType). */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  [field: string]: unknown;
}

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated';

export interface InstanceRecord {
  instanceId: string;
  executionId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text of the input, output and custom status (null when absent). */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdTime: string;
  lastUpdatedTime: string;
  /** Events the orchestrator has seen, in order. */
  history: HistoryEvent[];
  /** Events delivered but not yet replayed (the next episode's new events). */
  inbox: HistoryEvent[];
  /** Signature of every action the orchestrator produced, by position (nondeterminism check). */
  actions: string[];
  parent?: { instanceId: string; taskScheduledId: number };
}

export interface EntityRecord {
  name: string;
  key: string;
  exists: boolean;
  /** JSON text of the state. */
  state: string | undefined;
  lastModifiedTime: string;
}

/** JSON files under `stateDir`: one per orchestration instance and one per entity. */
export class DurableStore {
  private readonly instancesDir: string;
  private readonly entitiesDir: string;
  private closed = false;

  constructor(stateDir: string) {
    this.instancesDir = path.join(stateDir, 'instances');
    this.entitiesDir = path.join(stateDir, 'entities');
    fs.mkdirSync(this.instancesDir, { recursive: true });
    fs.mkdirSync(this.entitiesDir, { recursive: true });
  }

  /** After close, writes are dropped: a stopped host must not clobber what a new host reads. */
  close(): void {
    this.closed = true;
  }

  loadInstances(onBadFile: (file: string, error: unknown) => void): InstanceRecord[] {
    return this.loadAll<InstanceRecord>(this.instancesDir, onBadFile);
  }

  loadEntities(onBadFile: (file: string, error: unknown) => void): EntityRecord[] {
    return this.loadAll<EntityRecord>(this.entitiesDir, onBadFile);
  }

  saveInstance(record: InstanceRecord): void {
    this.write(this.instancesDir, record.instanceId, record);
  }

  deleteInstance(instanceId: string): void {
    if (this.closed) return;
    fs.rmSync(this.fileFor(this.instancesDir, instanceId), { force: true });
  }

  saveEntity(schedulerId: string, record: EntityRecord): void {
    this.write(this.entitiesDir, schedulerId, record);
  }

  private loadAll<T>(dir: string, onBadFile: (file: string, error: unknown) => void): T[] {
    const out: T[] = [];
    for (const file of fs.readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      const full = path.join(dir, file);
      try {
        out.push(JSON.parse(fs.readFileSync(full, 'utf8')) as T);
      } catch (error) {
        onBadFile(full, error);
      }
    }
    return out;
  }

  private fileFor(dir: string, id: string): string {
    return path.join(dir, `${encodeURIComponent(id)}.json`);
  }

  private write(dir: string, id: string, value: unknown): void {
    if (this.closed) return;
    const file = this.fileFor(dir, id);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value, null, 1));
    fs.renameSync(tmp, file);
  }
}
