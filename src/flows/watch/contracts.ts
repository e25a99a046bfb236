/**
 * The Backup watch's public contracts: its state entity's id and state. `syncEndpoint` signals the entity
 * (`synced` after it planned a Backup endpoint, `forget` when the endpoint is gone or out of scope); the entity
 * itself is in `backupWatchState.ts`.
 */
import * as df from 'durable-functions';
import { ENTITIES } from '../../durable/names';

export interface BackupWatchState {
  /** Canonical endpoint id → fingerprint of what the app last synced. */
  readonly synced: Record<string, string>;
}

export const BACKUP_WATCH_KEY = 'estate';

export function backupWatchStateId(): df.EntityId {
  return new df.EntityId(ENTITIES.backupWatchState, BACKUP_WATCH_KEY);
}
