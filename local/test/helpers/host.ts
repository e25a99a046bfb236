import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DurableClient } from 'durable-functions';
import { createDurableClient, type LocalHost } from '../../host';

export const SAMPLE_APP = path.resolve(__dirname, '../fixtures/sampleApp/index.ts');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A real DurableClient bound to the host's RPC endpoint, as `df.getClient` builds it in a handler. */
export function realClient(host: LocalHost): DurableClient {
  return createDurableClient(host);
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
