/**
 * The vault gateway (@azure/arm-recoveryservices + @azure/arm-recoveryservicesbackup) and the zone reader
 * (@azure/arm-privatedns) against local/arm: vault properties, pending connections approved and rejected through
 * the Backup API's long-running PUT, zones and VNet links.
 */
import { createAzurePorts } from '../../src/azure';
import type { AzurePorts } from '../../src/azure/ports';
import {
  backupSimulator,
  BACKUP_ZONE,
  createBackupVault,
  HUB_RG,
  HUB_SUBSCRIPTION,
  HUB_ZONES,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  SPOKE_VNET_ID,
  startFixture,
} from '../helpers/azureFixture';
import type { Fixture } from '../helpers/azureFixture';

describe('vault gateway and zone reader against local/arm', () => {
  let fx: Fixture;
  let ports: AzurePorts;
  let vault: { vaultId: string; endpointId: string };

  beforeAll(async () => {
    fx = await startFixture();
    ports = createAzurePorts(fx.clients, { pollIntervalMs: 10 });
    vault = createBackupVault(fx, 'rsv-gw', 'v1');
  });
  afterAll(async () => {
    await fx.emu.stop();
  });

  const connect = (name: string) =>
    backupSimulator(fx).createVaultEndpoint({
      vaultId: vault.vaultId,
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name,
      subnetId: SPOKE_SUBNET_ID,
      byVaultOwner: false,
    });

  it('reads the vault: identity, public access, connections', async () => {
    const info = await ports.vaults.getVault(vault.vaultId);
    expect(info).toMatchObject({ name: 'rsv-gw', location: 'eastus', publicNetworkAccess: 'Disabled' });
    expect(info!.identityType).toMatch(/SystemAssigned/);
    expect(info!.connections).toHaveLength(1);
    expect(info!.connections[0]).toMatchObject({
      status: 'Approved',
      privateEndpointId: vault.endpointId.toLowerCase(),
    });
    await expect(ports.vaults.getVault(vault.vaultId.replace('rsv-gw', 'rsv-none'))).resolves.toBeUndefined();
  });

  it('approves and rejects pending connections; the endpoints follow', async () => {
    const a = connect('pe-approve');
    const r = connect('pe-reject');
    const pending = await ports.vaults.listPendingConnections(vault.vaultId);
    expect(pending.map((c) => c.name).sort()).toEqual([a.connectionName, r.connectionName].sort());

    const approved = await ports.vaults.decideConnection(
      `${vault.vaultId}/privateEndpointConnections/${a.connectionName}`,
      'Approved',
      'approved by test',
    );
    expect(approved.status).toBe('Approved');
    const rejected = await ports.vaults.decideConnection(
      `${vault.vaultId}/privateEndpointConnections/${r.connectionName}`,
      'Rejected',
      'not ours',
    );
    expect(rejected.status).toBe('Rejected');
    expect(await ports.vaults.listPendingConnections(vault.vaultId)).toEqual([]);

    const endpoint = await ports.endpoints.getEndpoint(a.endpoint.id);
    const props = endpoint!.endpoint.properties!;
    expect(
      props.manualPrivateLinkServiceConnections?.[0]?.properties?.privateLinkServiceConnectionState?.status,
    ).toBe('Approved');
  });

  it('compare-and-set: with expectStatus, a connection no longer in that state is not written', async () => {
    const c = connect('pe-cas');
    const id = `${vault.vaultId}/privateEndpointConnections/${c.connectionName}`;
    await ports.vaults.decideConnection(id, 'Approved', 'first decision', { expectStatus: 'Pending' });
    const putsBefore = fx.emu.log.count('PrivateEndpointConnection_Put');
    await expect(
      ports.vaults.decideConnection(id, 'Rejected', 'second decision', { expectStatus: 'Pending' }),
    ).rejects.toMatchObject({
      name: 'ConnectionStateChangedError',
      code: 'ConnectionAlreadyDecided',
      statusCode: 409,
      expected: 'Pending',
      actual: 'Approved',
    });
    expect(fx.emu.log.count('PrivateEndpointConnection_Put')).toBe(putsBefore);
    const info = await ports.vaults.getVault(vault.vaultId);
    expect(info!.connections.find((x) => x.name === c.connectionName)?.status).toBe('Approved');
  });

  it('a zone read stops when its abort signal fires, and is not sent again', async () => {
    fx.emu.faults.configure({
      rules: [
        {
          name: 'slow',
          match: { operationId: 'PrivateZones_Get' },
          latency: { distribution: 'fixed', ms: 2000 },
        },
      ],
    });
    try {
      const before = fx.emu.log.count('PrivateZones_Get');
      const ref = { subscriptionId: HUB_SUBSCRIPTION, resourceGroup: HUB_RG, zone: BACKUP_ZONE };
      await expect(ports.zones.getZone(ref, { abortSignal: AbortSignal.timeout(50) })).rejects.toMatchObject({
        statusCode: undefined,
        resourceId: expect.stringContaining(BACKUP_ZONE),
      });
      // The emulator logs a request when it has answered it: wait for that one, then check it was the only one.
      const end = Date.now() + 20_000;
      while (fx.emu.log.count('PrivateZones_Get') === before && Date.now() < end)
        await new Promise((resolve) => setTimeout(resolve, 25));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fx.emu.log.count('PrivateZones_Get') - before).toBe(1);
    } finally {
      fx.emu.faults.reset();
    }
  });

  it('fails with the Azure code and id for a connection that does not exist', async () => {
    const id = `${vault.vaultId}/privateEndpointConnections/none`;
    await expect(ports.vaults.decideConnection(id, 'Approved', 'x')).rejects.toMatchObject({
      statusCode: 404,
      resourceId: id,
    });
    await expect(ports.vaults.decideConnection('/not/an/id', 'Approved', 'x')).rejects.toThrow(
      /not a vault private endpoint connection id/,
    );
  });

  it('lists hub zones and their VNet links', async () => {
    const zones = await ports.zones.listZones(HUB_SUBSCRIPTION, HUB_RG);
    expect(zones.map((z) => z.zone).sort()).toEqual([...HUB_ZONES].sort());
    const ref = { subscriptionId: HUB_SUBSCRIPTION, resourceGroup: HUB_RG, zone: BACKUP_ZONE };
    expect(await ports.zones.getZone(ref)).toMatchObject({ zone: BACKUP_ZONE });
    const links = await ports.zones.listVirtualNetworkLinks(ref);
    expect(links.map((l) => l.virtualNetworkId)).toEqual([SPOKE_VNET_ID.toLowerCase()]);
    const missing = { ...ref, zone: 'privatelink.file.core.windows.net' };
    await expect(ports.zones.getZone(missing)).resolves.toBeUndefined();
    await expect(ports.zones.listVirtualNetworkLinks(missing)).resolves.toEqual([]);
    await expect(ports.zones.listZones(HUB_SUBSCRIPTION, 'rg-none')).resolves.toEqual([]);
  });
});
