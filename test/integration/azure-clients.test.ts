/**
 * The client factory: DefaultAzureCredential through the emulator's managed-identity endpoint (system-assigned and
 * user-assigned), the CA from a file, and a TLS failure surfacing as an error naming the resource.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAzureClients } from '../../src/azure/clients';
import { PrivateDnsRecordStore } from '../../src/azure/recordStore';
import { BACKUP_ZONE, HUB_RG, HUB_SUBSCRIPTION, startFixture } from '../helpers/azureFixture';
import type { Fixture } from '../helpers/azureFixture';

describe('createAzureClients against local/arm', () => {
  let fx: Fixture;
  let caFile: string;
  const saved = { ...process.env };
  const zone = { subscriptionId: HUB_SUBSCRIPTION, resourceGroup: HUB_RG, zone: BACKUP_ZONE };

  beforeAll(async () => {
    fx = await startFixture();
    const dir = mkdtempSync(join(tmpdir(), 'plds-clients-'));
    caFile = fx.emu.writeCaFile(join(dir, 'ca.pem'));
    const env = fx.emu.env(caFile);
    process.env.IDENTITY_ENDPOINT = env.IDENTITY_ENDPOINT;
    process.env.IDENTITY_HEADER = env.IDENTITY_HEADER;
  });
  afterAll(async () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await fx.emu.stop();
  });

  function writerOf(name: string): Promise<unknown> {
    return new Promise((resolve) => {
      const off = fx.emu.store.onChange((change) => {
        if (change.kind === 'write' && change.resource.name === name) {
          off();
          resolve(change.context.claims?.appid);
        }
      });
    });
  }

  it('signs in with the system-assigned identity by default and trusts the CA file', async () => {
    const store = new PrivateDnsRecordStore(createAzureClients({ armEndpoint: fx.emu.url, caFile }));
    const who = writerOf('by-system');
    await store.createRecordSet(zone, { name: 'by-system', ips: ['10.1.0.1'], ttl: 10, metadata: {} });
    expect(await who).toBe(fx.emu.tokens.defaultIdentity.clientId);
  });

  it('uses the user-assigned identity whose client id is given', async () => {
    const identity = {
      objectId: '11111111-2222-4333-8444-555555555555',
      clientId: '99999999-8888-4777-8666-555555555555',
    };
    fx.emu.tokens.addIdentity(identity);
    const clients = createAzureClients({
      armEndpoint: fx.emu.url,
      caPem: fx.emu.caPem,
      managedIdentityClientId: identity.clientId,
    });
    const who = writerOf('by-user');
    await new PrivateDnsRecordStore(clients).createRecordSet(zone, {
      name: 'by-user',
      ips: ['10.1.0.2'],
      ttl: 10,
      metadata: {},
    });
    expect(await who).toBe(identity.clientId);
  });

  it('fails with an error naming the resource when the endpoint is not trusted', async () => {
    const store = new PrivateDnsRecordStore(
      createAzureClients({ armEndpoint: fx.emu.url, credential: fx.emu.credential() }),
      { maxAttempts: 1 },
    );
    await expect(store.getRecordSet(zone, 'by-system')).rejects.toMatchObject({
      resourceId: expect.stringContaining(`/privateDnsZones/${BACKUP_ZONE}/A/by-system`),
      statusCode: undefined,
    });
    const badCa = join(mkdtempSync(join(tmpdir(), 'plds-ca-')), 'missing.pem');
    expect(() => createAzureClients({ caFile: badCa })).toThrow(/cannot read CA file .*no such file/);
  });
});
