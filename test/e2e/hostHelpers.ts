import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getClient, type DurableClient } from 'durable-functions';
import { InvocationContext } from '@azure/functions';
import type { LocalHost } from '../../local/host';

export const SAMPLE_APP = path.resolve(__dirname, '../fixtures/sampleApp/index.ts');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A real DurableClient bound to the host's RPC endpoint, as `df.getClient` builds it in a handler. */
export function realClient(host: LocalHost): DurableClient {
  const context = new InvocationContext({
    functionName: 'testClient',
    options: {
      trigger: { name: 'req', type: 'httpTrigger' },
      extraInputs: [{ name: 'starter', type: 'durableClient' }],
    },
  });
  context.extraInputs.set('starter', host.durable.clientInput());
  return getClient(context);
}

export function executions(logDir: string): string[] {
  const file = path.join(logDir, 'executions.log');
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
    : [];
}
