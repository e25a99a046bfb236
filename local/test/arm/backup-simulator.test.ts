import { EventGridDeserializer } from '@azure/eventgrid';
import type { EventGridEvent } from '@azure/eventgrid';
import { NetworkManagementClient } from '@azure/arm-network';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import type { BackupSimulator } from '../../arm/backupSimulator';
import { privateZoneFor } from '../../arm/backupSimulator';
import type { EventGridService } from '../../arm/eventGridProvider';
import type { NetworkService } from '../../arm/providers/network';
import type { ArmEmulator } from '../../arm/server';
import { WATCHED_EVENT_TYPES, WATCHED_OPERATIONS } from '../helpers/watchedEvents';
import {
  armRequest,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  startSeededEmulator,
} from '../helpers/armEmulator';
import { EventGridReceiver } from '../helpers/eventGridReceiver';

const ROLES = ['fc1', 'fab1', 'prot1', 'rec2', 'ecs1', 'id1', 'tel1', 'wbcm1'];
/** What a new vault endpoint shows first, then the rest in the documented order. */
const FIRST_ROLES = ['rec2', 'id1'];
const LATER_ROLES = ['fc1', 'fab1', 'prot1', 'ecs1', 'tel1', 'wbcm1'];
const roleFqdn = (vaultId: string, role: string, geo: string) =>
  `${vaultId}-ab-pod01-${role}.privatelink.${geo}.backup.windowsazure.com`;

describe('Backup simulator: vault endpoints through discovery and first backup', () => {
  let emu: ArmEmulator;
  let backup: BackupSimulator;
  let eventGrid: EventGridService;
  let network: NetworkManagementClient;
  let vaults: RecoveryServicesClient;
  const receiver = new EventGridReceiver();
  const deserializer = new EventGridDeserializer();

  beforeAll(async () => {
    emu = await startSeededEmulator();
    await receiver.start();
    backup = emu.service<BackupSimulator>('backup');
    eventGrid = emu.service<EventGridService>('eventGrid');
    await eventGrid.subscribe({
      name: 'privatelink-dns-sync',
      subscriptionId: SPOKE_SUBSCRIPTION,
      endpointUrl: receiver.url,
      filter: {
        includedEventTypes: [...WATCHED_EVENT_TYPES],
        advancedFilters: [
          { operatorType: 'StringIn', key: 'data.operationName', values: [...WATCHED_OPERATIONS] },
        ],
      },
    });
    network = new NetworkManagementClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
    vaults = new RecoveryServicesClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
  });

  afterAll(async () => {
    await receiver.stop();
    await emu.stop();
  });

  /** Events received since `from`, parsed by the real deserializer. */
  async function eventsSince(from: number): Promise<EventGridEvent<Record<string, unknown>>[]> {
    await eventGrid.idle();
    const out: EventGridEvent<Record<string, unknown>>[] = [];
    for (const body of receiver.accepted.slice(from)) {
      out.push(
        ...((await deserializer.deserializeEventGridEvents(body)) as EventGridEvent<
          Record<string, unknown>
        >[]),
      );
    }
    return out;
  }

  async function nicFqdns(endpointName: string): Promise<string[]> {
    const pe = await network.privateEndpoints.get(SPOKE_RG, endpointName);
    const nicName = pe.networkInterfaces?.[0]?.id?.split('/').pop() ?? '';
    const nic = await network.networkInterfaces.get(SPOKE_RG, nicName);
    for (const cfg of nic.ipConfigurations ?? []) {
      expect(cfg.subnet?.id?.toLowerCase()).toBe(SPOKE_SUBNET_ID.toLowerCase());
    }
    return (nic.ipConfigurations ?? []).flatMap((c) => c.privateLinkConnectionProperties?.fqdns ?? []);
  }

  it('v1: creates the vault endpoint, then _ecs_blob/_ecs_queue on discover and _prot_blob on first backup', async () => {
    const vault = backup.createVault({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'rsv-v1',
      location: 'eastus',
      experience: 'v1',
    });
    const read = await vaults.vaults.get(SPOKE_RG, 'rsv-v1');
    expect(read.identity?.type).toBe('SystemAssigned');
    expect(read.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(read.properties?.privateEndpointStateForBackup).toBe('None');

    let seen = receiver.accepted.length;
    const created = backup.createVaultEndpoint({
      vaultId: vault.id,
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'pe-rsv-v1',
      subnetId: SPOKE_SUBNET_ID,
    });
    expect(created.status).toBe('Approved');
    const info = backup.describe(vault.id) as {
      backupVaultId: string;
      geo: string;
      storageAccounts: { ecs: string | null; prot: string[] };
    };
    expect(info.backupVaultId).toMatch(/^[1-9]\d{18}$/);
    expect(info.geo).toBe('eus');
    expect(created.connectionName).toMatch(
      new RegExp(`^pe-rsv-v1\\.${info.backupVaultId}\\.backup\\.[0-9a-f-]{36}$`),
    );

    const pe = await network.privateEndpoints.get(SPOKE_RG, 'pe-rsv-v1');
    expect(pe.privateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe('Approved');
    expect(pe.privateLinkServiceConnections?.[0]?.groupIds).toEqual(['AzureBackup']);
    expect(pe.privateLinkServiceConnections?.[0]?.privateLinkServiceId).toBe(vault.id);
    // A new endpoint shows two roles, in the form with `.privatelink.` inside.
    const firstFqdns = FIRST_ROLES.map((r) => roleFqdn(info.backupVaultId, r, 'eus'));
    expect(await nicFqdns('pe-rsv-v1')).toEqual(firstFqdns);
    expect(pe.customDnsConfigs?.map((c) => c.fqdn)).toEqual(firstFqdns);

    const vaultAfter = await vaults.vaults.get(SPOKE_RG, 'rsv-v1');
    expect(vaultAfter.properties?.privateEndpointStateForBackup).toBe('Enabled');
    expect(
      vaultAfter.properties?.privateEndpointConnections?.[0]?.properties?.privateLinkServiceConnectionState
        ?.status,
    ).toBe('Approved');

    let events = await eventsSince(seen);
    expect(events.map((e) => [e.eventType, e.data.operationName, e.subject])).toEqual(
      expect.arrayContaining([
        [
          'Microsoft.Resources.ResourceWriteSuccess',
          'Microsoft.Network/privateEndpoints/write',
          created.endpoint.id,
        ],
        [
          'Microsoft.Resources.ResourceWriteSuccess',
          'Microsoft.Network/networkInterfaces/write',
          created.nic.id,
        ],
      ]),
    );

    // Discovery: the other roles arrive on the vault endpoint, the communication storage endpoints appear.
    seen = receiver.accepted.length;
    const discovered = backup.discover(vault.id);
    expect(discovered.createdEndpoints.map((id) => id.split('/').pop())).toEqual([
      'pe-rsv-v1_ecs_blob',
      'pe-rsv-v1_ecs_queue',
    ]);
    const laterFqdns = LATER_ROLES.map((r) => roleFqdn(info.backupVaultId, r, 'eus'));
    expect(await nicFqdns('pe-rsv-v1')).toEqual([...firstFqdns, ...laterFqdns]);
    expect(discovered.updatedResources.sort()).toEqual([created.endpoint.id, created.nic.id].sort());
    expect(discovered.fqdns.slice(0, laterFqdns.length)).toEqual(laterFqdns);
    const ecs = (backup.describe(vault.id) as typeof info).storageAccounts.ecs!;
    expect(ecs).toMatch(/^[a-z]{6}pod01ecs\d+$/);
    for (const service of ['blob', 'queue']) {
      const storagePe = await network.privateEndpoints.get(SPOKE_RG, `pe-rsv-v1_ecs_${service}`);
      expect(storagePe.privateLinkServiceConnections).toEqual([]);
      const manual = storagePe.manualPrivateLinkServiceConnections?.[0];
      expect(manual?.groupIds).toEqual([service]);
      expect(manual?.privateLinkServiceConnectionState?.status).toBe('Approved');
      expect(manual?.privateLinkServiceId).toMatch(
        new RegExp(`/providers/Microsoft.Storage/storageAccounts/${ecs}$`),
      );
      expect(storagePe.subnet?.id?.toLowerCase()).toBe(SPOKE_SUBNET_ID.toLowerCase());
      expect(await nicFqdns(`pe-rsv-v1_ecs_${service}`)).toEqual([`${ecs}.${service}.core.windows.net`]);
    }
    events = await eventsSince(seen);
    const peWrites = events
      .filter((e) => e.data.operationName === 'Microsoft.Network/privateEndpoints/write')
      .map((e) => e.subject.split('/').pop());
    expect(peWrites.sort()).toEqual(['pe-rsv-v1_ecs_blob', 'pe-rsv-v1_ecs_queue']);
    // Backup's own change to the vault endpoint's NIC is not announced.
    expect(events.filter((e) => [created.endpoint.id, created.nic.id].includes(e.subject))).toEqual([]);
    // Backup writes these with the vault's identity.
    const principal = (backup.describe(vault.id) as { principalId: string }).principalId;
    expect(events.every((e) => (e.data.claims as Record<string, string>).oid === principal)).toBe(true);

    // First backup: the data storage endpoint appears.
    seen = receiver.accepted.length;
    const backedUp = backup.firstBackup(vault.id);
    expect(backedUp.createdEndpoints.map((id) => id.split('/').pop())).toEqual(['pe-rsv-v1_prot_blob']);
    const prot = (backup.describe(vault.id) as typeof info).storageAccounts.prot;
    expect(prot).toHaveLength(1);
    expect(await nicFqdns('pe-rsv-v1_prot_blob')).toEqual([`${prot[0]}.blob.core.windows.net`]);
    events = await eventsSince(seen);
    expect(
      events
        .filter((e) => e.data.operationName === 'Microsoft.Network/privateEndpoints/write')
        .map((e) => e.subject.split('/').pop()),
    ).toEqual(['pe-rsv-v1_prot_blob']);

    // Later, another storage account gets its own endpoint.
    const grown = backup.addStorage(vault.id);
    expect(grown.createdEndpoints.map((id) => id.split('/').pop())).toEqual(['pe-rsv-v1_prot2_blob']);

    // The PrivateIP.ps1 view: 8 backup records, ecs blob + queue, two prot blobs, each IP distinct in the subnet.
    const entries = backup.dnsEntries(vault.id);
    expect(entries).toHaveLength(12);
    expect(new Set(entries.map((e) => e.ip)).size).toBe(12);
    expect(
      entries
        .filter((e) => e.zone === 'privatelink.eus.backup.windowsazure.com')
        .map((e) => e.recordName)
        .sort(),
    ).toEqual(ROLES.map((r) => `${info.backupVaultId}-ab-pod01-${r}`).sort());
    expect(
      entries.filter((e) => e.zone === 'privatelink.queue.core.windows.net').map((e) => e.recordName),
    ).toEqual([ecs]);
    expect(entries.every((e) => e.ip.startsWith('10.12.0.'))).toBe(true);
  });

  describe("Backup's first FQDNs and the events of its own later changes", () => {
    afterEach(() => {
      backup.options.serviceChangeEvents = false;
      backup.options.siblingEndpointEvents = true;
    });
    const settings = (body: unknown) =>
      armRequest(emu, 'PUT', '/_emulator/backup/settings', { body, token: null });
    const subjectsOf = (events: EventGridEvent<Record<string, unknown>>[]) =>
      events.map((e) => [e.data.operationName, e.subject.split('/').pop()]);

    it('an endpoint a user creates through ARM shows rec2 and id1 (privatelink form) and raises its events; the rest arrive silently', async () => {
      const vault = backup.createVault({
        subscriptionId: SPOKE_SUBSCRIPTION,
        resourceGroup: SPOKE_RG,
        name: 'rsv-silent',
        location: 'westeurope',
        experience: 'v1',
      });
      const vaultNumber = (backup.describe(vault.id) as { backupVaultId: string }).backupVaultId;
      let seen = receiver.accepted.length;
      const pe = await network.privateEndpoints.beginCreateOrUpdateAndWait(
        SPOKE_RG,
        'pe-rsv-silent',
        {
          location: 'westeurope',
          subnet: { id: SPOKE_SUBNET_ID },
          privateLinkServiceConnections: [
            { name: 'pe-rsv-silent', privateLinkServiceId: vault.id, groupIds: ['AzureBackup'] },
          ],
        },
        { updateIntervalInMs: 10 },
      );
      const first = [
        `${vaultNumber}-ab-pod01-rec2.privatelink.we.backup.windowsazure.com`,
        `${vaultNumber}-ab-pod01-id1.privatelink.we.backup.windowsazure.com`,
      ];
      expect(await nicFqdns('pe-rsv-silent')).toEqual(first);
      expect(pe.customDnsConfigs?.map((c) => c.fqdn)).toEqual(first);
      const nicName = pe.networkInterfaces?.[0]?.id?.split('/').pop();
      expect(subjectsOf(await eventsSince(seen))).toEqual(
        expect.arrayContaining([
          ['Microsoft.Network/privateEndpoints/write', 'pe-rsv-silent'],
          ['Microsoft.Network/networkInterfaces/write', nicName],
        ]),
      );

      // Registration: six more roles on the endpoint, no event for it; the v1 storage endpoints Backup creates
      // through ARM are announced.
      seen = receiver.accepted.length;
      backup.discover(vault.id);
      expect(await nicFqdns('pe-rsv-silent')).toHaveLength(8);
      const events = await eventsSince(seen);
      expect(subjectsOf(events).filter(([, name]) => name === 'pe-rsv-silent' || name === nicName)).toEqual(
        [],
      );
      expect(subjectsOf(events).filter(([op]) => op === 'Microsoft.Network/privateEndpoints/write')).toEqual([
        ['Microsoft.Network/privateEndpoints/write', 'pe-rsv-silent_ecs_blob'],
        ['Microsoft.Network/privateEndpoints/write', 'pe-rsv-silent_ecs_queue'],
      ]);

      // With sibling events off (control API), the first backup's storage endpoint appears without an event.
      expect((await settings({ siblingEndpointEvents: false })).status).toBe(200);
      seen = receiver.accepted.length;
      expect(backup.firstBackup(vault.id).createdEndpoints).toHaveLength(1);
      expect(await eventsSince(seen)).toEqual([]);
      expect(await nicFqdns('pe-rsv-silent_prot_blob')).toHaveLength(1);

      // A user's delete through ARM is announced as before.
      seen = receiver.accepted.length;
      await network.privateEndpoints.beginDeleteAndWait(SPOKE_RG, 'pe-rsv-silent', {
        updateIntervalInMs: 10,
      });
      expect(subjectsOf(await eventsSince(seen))).toContainEqual([
        'Microsoft.Network/privateEndpoints/delete',
        'pe-rsv-silent',
      ]);
    });

    it('with serviceChangeEvents on (control API), the roles arriving on registration raise NIC and endpoint events', async () => {
      const vault = backup.createVault({
        subscriptionId: SPOKE_SUBSCRIPTION,
        resourceGroup: SPOKE_RG,
        name: 'rsv-loud',
        experience: 'v1',
      });
      const created = backup.createVaultEndpoint({
        vaultId: vault.id,
        subscriptionId: SPOKE_SUBSCRIPTION,
        resourceGroup: SPOKE_RG,
        name: 'pe-rsv-loud',
        subnetId: SPOKE_SUBNET_ID,
      });
      const answer = await settings({ serviceChangeEvents: true });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ serviceChangeEvents: true, siblingEndpointEvents: true });
      // The endpoint's own creation is delivered first, so only what registration changes is counted.
      await eventGrid.idle();
      const seen = receiver.accepted.length;
      backup.discover(vault.id);
      const own = (await eventsSince(seen)).filter((e) =>
        [created.endpoint.id, created.nic.id].includes(e.subject),
      );
      expect(own.map((e) => e.data.operationName).sort()).toEqual([
        'Microsoft.Network/networkInterfaces/write',
        'Microsoft.Network/privateEndpoints/write',
      ]);
      expect(await nicFqdns('pe-rsv-loud')).toHaveLength(8);
    });

    it('an endpoint approved after registration starts with two roles and gets the rest silently', async () => {
      const vault = backup.createVault({
        subscriptionId: SPOKE_SUBSCRIPTION,
        resourceGroup: SPOKE_RG,
        name: 'rsv-late',
        experience: 'v2',
      });
      backup.discover(vault.id);
      const created = backup.createVaultEndpoint({
        vaultId: vault.id,
        subscriptionId: SPOKE_SUBSCRIPTION,
        resourceGroup: SPOKE_RG,
        name: 'pe-rsv-late',
        subnetId: SPOKE_SUBNET_ID,
        byVaultOwner: false,
      });
      expect(await nicFqdns('pe-rsv-late')).toEqual([]);
      await eventGrid.idle();
      const seen = receiver.accepted.length;
      backup.setConnectionState(vault.id, created.connectionName, 'Approved');
      // The approval rewrites the endpoint (an event); Backup's catch-up (six roles, storage) does not.
      const nicWrites = (await eventsSince(seen)).filter(
        (e) => e.data.operationName === 'Microsoft.Network/networkInterfaces/write',
      );
      expect(nicWrites).toHaveLength(1);
      const fqdns = await nicFqdns('pe-rsv-late');
      expect(fqdns).toHaveLength(10);
      expect(fqdns.slice(0, 2).map((f) => f.split('.')[0]!.split('-').pop())).toEqual(FIRST_ROLES);
    });
  });

  it('v1: the actions keep their order', () => {
    const vault = backup.createVault({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'rsv-order',
      experience: 'v1',
    });
    expect(() => backup.firstBackup(vault.id)).toThrow(/discover first/);
    expect(() => backup.addStorage(vault.id)).toThrow(/firstBackup first/);
    expect(() => backup.discover(`${vault.id}-missing`)).toThrow(/was not found/);
  });

  it('v2: no extra endpoints; the vault endpoint NIC grows with the storage FQDNs', async () => {
    const vault = backup.createVault({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'rsv-v2',
      location: 'westeurope',
      experience: 'v2',
    });
    backup.createVaultEndpoint({
      vaultId: vault.id,
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'pe-rsv-v2',
      subnetId: SPOKE_SUBNET_ID,
      location: 'westeurope',
    });
    const info = backup.describe(vault.id) as {
      backupVaultId: string;
      storageAccounts: { ecs: string | null; prot: string[] };
    };
    const first = await nicFqdns('pe-rsv-v2');
    expect(first).toEqual(FIRST_ROLES.map((r) => roleFqdn(info.backupVaultId, r, 'we')));

    const peCount = async () => {
      let n = 0;
      for await (const _ of network.privateEndpoints.list(SPOKE_RG)) n++;
      return n;
    };
    const endpointsBefore = await peCount();
    let seen = receiver.accepted.length;
    const discovered = backup.discover(vault.id);
    expect(discovered.createdEndpoints).toEqual([]);
    const ecs = (backup.describe(vault.id) as typeof info).storageAccounts.ecs!;
    const later = LATER_ROLES.map((r) => roleFqdn(info.backupVaultId, r, 'we'));
    expect(discovered.fqdns).toEqual([
      ...later,
      `${ecs}.blob.core.windows.net`,
      `${ecs}.queue.core.windows.net`,
    ]);
    expect(await nicFqdns('pe-rsv-v2')).toEqual([
      ...first,
      ...later,
      `${ecs}.blob.core.windows.net`,
      `${ecs}.queue.core.windows.net`,
    ]);
    const pe = await network.privateEndpoints.get(SPOKE_RG, 'pe-rsv-v2');
    expect(pe.customDnsConfigs?.map((c) => c.fqdn)).toContain(`${ecs}.queue.core.windows.net`);
    const nicId = pe.networkInterfaces?.[0]?.id ?? '';
    // Backup's own growth of the endpoint is not announced by default...
    expect((await eventsSince(seen)).filter((e) => [pe.id, nicId].includes(e.subject))).toEqual([]);

    // ...and is, NIC and endpoint alike, when the switch is on.
    seen = receiver.accepted.length;
    backup.options.serviceChangeEvents = true;
    try {
      backup.firstBackup(vault.id);
      backup.addStorage(vault.id);
    } finally {
      backup.options.serviceChangeEvents = false;
    }
    const prot = (backup.describe(vault.id) as typeof info).storageAccounts.prot;
    expect(prot).toHaveLength(2);
    expect((await nicFqdns('pe-rsv-v2')).slice(10)).toEqual(prot.map((a) => `${a}.blob.core.windows.net`));
    expect(await peCount()).toBe(endpointsBefore);
    const events = await eventsSince(seen);
    expect(
      events
        .filter((e) => e.data.operationName === 'Microsoft.Network/networkInterfaces/write')
        .map((e) => e.subject),
    ).toEqual([nicId, nicId]);
    expect(
      events
        .filter((e) => e.data.operationName === 'Microsoft.Network/privateEndpoints/write')
        .map((e) => e.subject),
    ).toEqual([pe.id, pe.id]);

    for (const entry of backup.dnsEntries(vault.id)) {
      expect(privateZoneFor(entry.fqdn).zone).toBe(entry.zone);
    }
  });

  it('approves an owner endpoint in another subscription only when told it is the owner', async () => {
    const other = '00000000-0000-4000-8000-00000000c0ff';
    const vnet = emu.service<NetworkService>('network').createVirtualNetwork({
      subscriptionId: other,
      resourceGroup: 'rg-other',
      name: 'vnet-other',
      location: 'eastus',
      addressPrefixes: ['10.60.0.0/16'],
      subnets: [{ name: 'snet', addressPrefix: '10.60.0.0/24' }],
    });
    const vault = backup.createVault({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'rsv-cross',
      experience: 'v1',
    });
    const common = {
      vaultId: vault.id,
      subscriptionId: other,
      resourceGroup: 'rg-other',
      subnetId: `${vnet.id}/subnets/snet`,
    };
    const owned = backup.createVaultEndpoint({ ...common, name: 'pe-owned', byVaultOwner: true });
    expect(owned.status).toBe('Approved');
    const ownedProps = owned.endpoint.properties as {
      privateLinkServiceConnections: unknown[];
      customDnsConfigs: unknown[];
    };
    expect(ownedProps.privateLinkServiceConnections).toHaveLength(1);
    expect(ownedProps.customDnsConfigs).toHaveLength(FIRST_ROLES.length);
    expect(backup.createVaultEndpoint({ ...common, name: 'pe-stranger' }).status).toBe('Pending');
    backup.trustSubscription(vault.id, other);
    expect(backup.createVaultEndpoint({ ...common, name: 'pe-trusted' }).status).toBe('Approved');
    expect(backup.createVaultEndpoint({ ...common, name: 'pe-not-owner', byVaultOwner: false }).status).toBe(
      'Pending',
    );
    // Through the Network API too, for auto-approval requests.
    const viaArm = emu.service<NetworkService>('network').createPrivateEndpoint({
      ...common,
      name: 'pe-auto-trusted',
      connection: { privateLinkServiceId: vault.id, groupIds: ['AzureBackup'] },
    });
    expect(
      (
        viaArm.properties as {
          privateLinkServiceConnections: Array<{
            properties: { privateLinkServiceConnectionState: { status: string } };
          }>;
        }
      ).privateLinkServiceConnections[0]!.properties.privateLinkServiceConnectionState.status,
    ).toBe('Approved');
  });

  it('drives the same simulator over the control API', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      armRequest(emu, method, `/_emulator/backup${path}`, { body, token: null });
    const created = await call('POST', '/vaults', {
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'rsv-ctl',
      location: 'eastus',
      experience: 'v1',
    });
    expect(created.status).toBe(201);
    const vaultId = (created.json as { vault: { id: string } }).vault.id;
    const ep = await call('POST', '/endpoints', {
      vaultId,
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'pe-ctl',
      subnetId: SPOKE_SUBNET_ID,
    });
    expect(ep.status).toBe(201);
    expect((ep.json as { status: string }).status).toBe('Approved');
    const early = await call('POST', '/firstBackup', { vaultId });
    expect(early.status).toBe(409);
    expect((early.json as { error: { code: string } }).error.code).toBe('UserErrorBackupNotRegistered');
    expect((await call('POST', '/discover', { vaultId })).status).toBe(200);
    const backedUp = await call('POST', '/firstBackup', { vaultId });
    expect((backedUp.json as { createdEndpoints: string[] }).createdEndpoints).toHaveLength(1);
    const view = await call('GET', `/vaults?vaultId=${encodeURIComponent(vaultId)}`);
    const body = view.json as { discovered: boolean; backedUp: boolean; dnsEntries: unknown[] };
    expect(body).toMatchObject({ discovered: true, backedUp: true });
    expect(body.dnsEntries).toHaveLength(11);
    const invalid = await call('POST', '/discover', {});
    expect(invalid.status).toBe(400);
    expect(
      (await call('POST', '/trust', { vaultId, subscriptionId: '00000000-0000-4000-8000-00000000c0aa' }))
        .status,
    ).toBe(200);
    expect((await call('POST', '/trust', { vaultId: `${vaultId}x`, subscriptionId: 'x' })).status).toBe(404);
  });

  it('a vault endpoint from another subscription waits as Pending, without FQDNs', async () => {
    const vault = backup.createVault({
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'rsv-pending',
      experience: 'v1',
    });
    const created = backup.createVaultEndpoint({
      vaultId: vault.id,
      subscriptionId: SPOKE_SUBSCRIPTION,
      resourceGroup: SPOKE_RG,
      name: 'pe-foreign',
      subnetId: SPOKE_SUBNET_ID,
      byVaultOwner: false,
      requestMessage: 'please approve',
    });
    expect(created.status).toBe('Pending');
    const pe = await network.privateEndpoints.get(SPOKE_RG, 'pe-foreign');
    expect(pe.privateLinkServiceConnections).toEqual([]);
    expect(pe.manualPrivateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe(
      'Pending',
    );
    expect(await nicFqdns('pe-foreign')).toEqual([]);
    // Discovery skips endpoints that are not approved.
    expect(backup.discover(vault.id).createdEndpoints).toEqual([]);
    const v = await vaults.vaults.get(SPOKE_RG, 'rsv-pending');
    expect(
      v.properties?.privateEndpointConnections?.[0]?.properties?.privateLinkServiceConnectionState?.status,
    ).toBe('Pending');
  });
});
