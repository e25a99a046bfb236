/** Runs the CLI in-process, capturing its output (the real `main`, real SDK clients, real credential). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { HUB_RG, HUB_SUBSCRIPTION, SPOKE_SUBSCRIPTION } from '../../local/test/helpers/armEmulator';
import type { Fixture } from './azureFixture';
import type { ScopeFlags } from '../../src/cli/live/context';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function runCli(...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

/**
 * Points the process at the emulator the way an operator would: `--arm-endpoint` + `--arm-ca` flags, and the
 * managed-identity variables `DefaultAzureCredential` picks up. Returns the flags and a restore function.
 */
export function operatorEnvironment(fx: Fixture): { flags: string[]; caFile: string; restore: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'plds-cli-'));
  const caFile = fx.emu.writeCaFile(join(dir, 'arm-ca.pem'));
  const saved = { ...process.env };
  const env = fx.emu.env(caFile);
  process.env.IDENTITY_ENDPOINT = env.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = env.IDENTITY_HEADER;
  delete process.env.ARM_ENDPOINT;
  delete process.env.ARM_CA_FILE;
  return {
    flags: emulatorFlags(fx.emu.url, caFile),
    caFile,
    restore: () => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    },
  };
}

/** The flags that point the CLI at an emulator (`url`, trusting `caFile`) and the test estate's spoke and hub. */
export function emulatorFlags(url: string, caFile: string): string[] {
  return [
    '--arm-endpoint',
    url,
    '--arm-ca',
    caFile,
    '--subscription',
    SPOKE_SUBSCRIPTION,
    '--hub-subscription',
    HUB_SUBSCRIPTION,
    '--zone-resource-group',
    HUB_RG,
  ];
}

/** The scope flags of `operatorEnvironment().flags`, as the CLI parses them (for the commands it suggests). */
export function flagsOf(flags: readonly string[]): ScopeFlags {
  const value = (name: string): string | undefined => flags[flags.indexOf(name) + 1];
  return {
    armEndpoint: value('--arm-endpoint'),
    armCa: value('--arm-ca'),
    subscription: [value('--subscription') ?? ''],
    hubSubscription: value('--hub-subscription'),
    zoneResourceGroup: value('--zone-resource-group'),
  };
}
