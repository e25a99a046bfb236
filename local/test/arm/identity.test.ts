import { DefaultAzureCredential } from '@azure/identity';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import type { ArmEmulator } from '../../arm/server';
import type { ResourceChange } from '../../arm/store';
import { armRequest, HUB_RG, HUB_SUBSCRIPTION, startSeededEmulator } from '../helpers/armEmulator';

describe('ARM emulator: managed identity and bearer tokens', () => {
  let emu: ArmEmulator;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    emu = await startSeededEmulator({ identityHeader: 'local-secret' });
    for (const key of Object.keys(process.env)) {
      if (
        key.startsWith('AZURE_') ||
        key === 'MSI_ENDPOINT' ||
        key === 'MSI_SECRET' ||
        key === 'IDENTITY_SERVER_THUMBPRINT'
      ) {
        delete process.env[key];
      }
    }
    process.env.IDENTITY_ENDPOINT = emu.identityEndpoint;
    process.env.IDENTITY_HEADER = emu.identityHeader;
  });
  afterAll(async () => {
    process.env = savedEnv;
    await emu.stop();
  });

  it('lets the real DefaultAzureCredential get a token through IDENTITY_ENDPOINT and call ARM with it', async () => {
    const credential = new DefaultAzureCredential();
    const token = await credential.getToken('https://management.azure.com/.default');
    expect(token.token.split('.')).toHaveLength(3);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());

    const writes: ResourceChange[] = [];
    const unsubscribe = emu.store.onChange((c) => writes.push(c));
    const client = new PrivateDnsManagementClient(credential, HUB_SUBSCRIPTION, emu.clientOptions());
    await client.privateZones.createOrUpdate(
      HUB_RG,
      'privatelink.vaultcore.azure.net',
      { location: 'global' },
      { updateIntervalInMs: 5 },
    );
    unsubscribe();
    const zoneWrite = writes.find(
      (w) => w.resource.type === 'Microsoft.Network/privateDnsZones' && w.context.final === true,
    );
    expect(zoneWrite?.context.claims).toMatchObject({
      oid: emu.tokens.defaultIdentity.objectId,
      appid: emu.tokens.defaultIdentity.clientId,
      tid: emu.tokens.tenantId,
      aud: 'https://management.azure.com',
    });
    expect(zoneWrite?.context.operationName).toBe('Microsoft.Network/privateDnsZones/write');
    expect(zoneWrite?.context.httpRequest?.method).toBe('PUT');
  });

  it('refuses token requests without the identity header, and ARM calls without a bearer token', async () => {
    const wrong = await fetch(
      `${emu.identityEndpoint}?api-version=2019-08-01&resource=https://management.azure.com`,
      {
        headers: { 'X-IDENTITY-HEADER': 'nope' },
      },
    );
    expect(wrong.status).toBe(401);
    const ok = await fetch(
      `${emu.identityEndpoint}?api-version=2019-08-01&resource=https://management.azure.com`,
      {
        headers: { 'X-IDENTITY-HEADER': 'local-secret' },
      },
    );
    const body = (await ok.json()) as Record<string, string>;
    expect(body).toMatchObject({ resource: 'https://management.azure.com', token_type: 'Bearer' });
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);

    const path = `/subscriptions/${HUB_SUBSCRIPTION}/providers/Microsoft.Network/privateDnsZones?api-version=2024-06-01`;
    const anonymous = await armRequest(emu, 'GET', path, { token: null });
    expect(anonymous).toMatchObject({ status: 401, json: { error: { code: 'AuthenticationFailed' } } });
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /);
    const basic = await armRequest(emu, 'GET', path, {
      token: null,
      headers: { authorization: 'Basic abc' },
    });
    expect(basic).toMatchObject({ status: 401, json: { error: { code: 'InvalidAuthenticationToken' } } });
    const bearer = await armRequest(emu, 'GET', path, { token: String(body.access_token) });
    expect(bearer.status).toBe(200);
  });
});
