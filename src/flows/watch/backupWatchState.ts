/**
 * Durable entity `backupWatchState` (one, key `estate`): what the app last synced for each Backup endpoint, as
 * the fingerprint of its DNS data (core `endpointFingerprint`). The Backup watch timer reads it and compares it with
 * what Resource Graph shows now (see backupWatch.ts). Operations:
 *
 * - `synced` `{ endpointId, fingerprint }` — signalled by `syncEndpoint` after it planned a Backup endpoint;
 * - `forget` `{ endpointId }` — signalled when an endpoint is removed or found out of scope;
 * - `get` → `BackupWatchState` or null.
 *
 * State grows with the number of Backup endpoints in scope (about 150 bytes each).
 */
import * as df from 'durable-functions';
import type { EntityContext } from 'durable-functions';
import { z } from 'zod';
import type { BackupWatchState } from './contracts';
import { ENTITIES } from '../../durable/names';

const syncedInput = z.object({ endpointId: z.string().min(1), fingerprint: z.string().min(1) });
const forgetInput = z.object({ endpointId: z.string().min(1) });

export function backupWatchStateEntity(context: EntityContext<BackupWatchState>): void {
  const operation = context.df.operationName ?? '';
  const state: BackupWatchState = context.df.getState(() => ({ synced: {} })) ?? { synced: {} };
  switch (operation) {
    case 'synced': {
      const input = syncedInput.safeParse(context.df.getInput());
      if (!input.success) {
        context.log(`backupWatchState: bad synced input ignored`);
        return;
      }
      const id = input.data.endpointId.toLowerCase();
      if (state.synced[id] === input.data.fingerprint) return;
      context.df.setState({ synced: { ...state.synced, [id]: input.data.fingerprint } });
      return;
    }
    case 'forget': {
      const input = forgetInput.safeParse(context.df.getInput());
      if (!input.success) return;
      const id = input.data.endpointId.toLowerCase();
      if (!(id in state.synced)) return;
      const synced = { ...state.synced };
      delete synced[id];
      context.df.setState({ synced });
      return;
    }
    case 'get':
      context.df.return(state);
      return;
    default:
      context.log(`backupWatchState: unknown operation "${operation}" ignored`);
  }
}

df.app.entity(ENTITIES.backupWatchState, backupWatchStateEntity);
