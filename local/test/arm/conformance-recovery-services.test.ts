/**
 * Every response body the Recovery Services provider returns — vaults (openapi.json 2026-07-01) and the Backup
 * API's private endpoint connections (bms.json 2023-06-01) — validated against Microsoft's published OpenAPI
 * definitions, plus the request bodies the real clients send. Responses are captured from the SDK pipelines.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { RecoveryServicesClient } from '@azure/arm-recoveryservices';
import { RecoveryServicesBackupClient } from '@azure/arm-recoveryservicesbackup';
import type { BackupSimulator } from '../../arm/backupSimulator';
import type { NetworkService } from '../../arm/providers/network';
import type { ArmEmulator } from '../../arm/server';
import {
  armRequest,
  captureResponses,
  SPOKE_RG,
  SPOKE_SUBNET_ID,
  SPOKE_SUBSCRIPTION,
  startSeededEmulator,
  type CapturedResponse,
} from '../helpers/armEmulator';
import type { SpecValidator } from '../helpers/specs';
import { describeIfSpecs, loadSpecs, SPEC_FILES } from '../helpers/specs';

const OTHER_SUB = '00000000-0000-4000-8000-00000000c0f5';
const VAULTS = '/providers/Microsoft.RecoveryServices/vaults';

/** Maps a captured request to the spec operation it exercised (undefined for ARM-wide polling URLs). */
function operationOf(method: string, url: string): { file: string; operationId: string } | undefined {
  const path = new URL(url).pathname.toLowerCase();
  const vaults = VAULTS.toLowerCase();
  if (path.includes('/privateendpointconnections/')) {
    const op = method === 'GET' ? 'Get' : method === 'PUT' ? 'Put' : 'Delete';
    return { file: SPEC_FILES.recoveryServicesBackup, operationId: `PrivateEndpointConnection_${op}` };
  }
  if (/\/operations\/|\/operationresults\//.test(path)) return undefined;
  if (path.endsWith(vaults)) {
    return {
      file: SPEC_FILES.recoveryServices,
      operationId: path.includes('/resourcegroups/')
        ? 'Vaults_ListByResourceGroup'
        : 'Vaults_ListBySubscriptionId',
    };
  }
  if (path.includes(`${vaults}/`)) {
    return {
      file: SPEC_FILES.recoveryServices,
      operationId: method === 'PUT' ? 'Vaults_CreateOrUpdate' : 'Vaults_Get',
    };
  }
  return undefined;
}

describeIfSpecs(
  'conformance: Recovery Services vaults and Backup private endpoint connections match the OpenAPI definitions',
  () => {
    const specs = loadSpecs() as SpecValidator;
    let emu: ArmEmulator;
    const captured: CapturedResponse[] = [];
    const lro = { updateIntervalInMs: 5 };
    const vaultBody = {
      location: 'eastus',
      tags: { env: 'test' },
      identity: { type: 'SystemAssigned' as const },
      sku: { name: 'Standard' as const },
      properties: { publicNetworkAccess: 'Disabled' as const },
    };

    beforeAll(async () => {
      emu = await startSeededEmulator({ throttling: { enabled: false } });
      const vaults = new RecoveryServicesClient(emu.credential(), SPOKE_SUBSCRIPTION, emu.clientOptions());
      const backupApi = new RecoveryServicesBackupClient(
        emu.credential(),
        SPOKE_SUBSCRIPTION,
        emu.clientOptions(),
      );
      const otherNetwork = new NetworkManagementClient(emu.credential(), OTHER_SUB, emu.clientOptions());
      const vaultCapture = captureResponses(vaults);
      const backupCapture = captureResponses(backupApi);

      // Vaults: create (201), update (200), get, lists — one of them with connections in all states.
      const created = await vaults.vaults.createOrUpdate(SPOKE_RG, 'rsv-conf', vaultBody, lro);
      await vaults.vaults.createOrUpdate(SPOKE_RG, 'rsv-conf', vaultBody, lro);
      emu.service<BackupSimulator>('backup').createVaultEndpoint({
        vaultId: created.id!,
        subscriptionId: SPOKE_SUBSCRIPTION,
        resourceGroup: SPOKE_RG,
        name: 'pe-owner',
        subnetId: SPOKE_SUBNET_ID,
      });
      emu.service<NetworkService>('network').createVirtualNetwork({
        subscriptionId: OTHER_SUB,
        resourceGroup: 'rg-app',
        name: 'vnet-app',
        location: 'eastus',
        addressPrefixes: ['10.50.0.0/16'],
        subnets: [{ name: 'snet', addressPrefix: '10.50.0.0/24' }],
      });
      const names: string[] = [];
      for (const pe of ['pe-a', 'pe-b', 'pe-c']) {
        await otherNetwork.privateEndpoints.beginCreateOrUpdateAndWait(
          'rg-app',
          pe,
          {
            location: 'eastus',
            subnet: {
              id: `/subscriptions/${OTHER_SUB}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/snet`,
            },
            manualPrivateLinkServiceConnections: [
              { name: pe, privateLinkServiceId: created.id!, groupIds: ['AzureBackup'] },
            ],
          },
          lro,
        );
        const vault = await vaults.vaults.get(SPOKE_RG, 'rsv-conf');
        names.push(
          vault.properties!.privateEndpointConnections!.find((c) =>
            c.properties?.privateEndpoint?.id?.endsWith(`/${pe}`),
          )!.name!,
        );
      }
      await backupApi.privateEndpointConnectionOperations.get('rsv-conf', SPOKE_RG, names[0]!);
      await backupApi.privateEndpointConnectionOperations.beginPutAndWait(
        'rsv-conf',
        SPOKE_RG,
        names[0]!,
        { properties: { privateLinkServiceConnectionState: { status: 'Approved', description: 'ok' } } },
        lro,
      );
      await backupApi.privateEndpointConnectionOperations.beginPutAndWait(
        'rsv-conf',
        SPOKE_RG,
        names[1]!,
        { properties: { privateLinkServiceConnectionState: { status: 'Rejected', description: 'no' } } },
        lro,
      );
      await backupApi.privateEndpointConnectionOperations.beginDeleteAndWait(
        'rsv-conf',
        SPOKE_RG,
        names[2]!,
        lro,
      );
      await vaults.vaults.get(SPOKE_RG, 'rsv-conf');
      for await (const _ of vaults.vaults.listByResourceGroup(SPOKE_RG));
      for await (const _ of vaults.vaults.listBySubscriptionId());
      captured.splice(0, captured.length, ...vaultCapture, ...backupCapture);
    });

    afterAll(async () => {
      await emu.stop();
    });

    it('captured every operation it claims to check', () => {
      const seen = new Set(captured.map((c) => operationOf(c.method, c.url)?.operationId).filter(Boolean));
      expect([...seen].sort()).toEqual([
        'PrivateEndpointConnection_Delete',
        'PrivateEndpointConnection_Get',
        'PrivateEndpointConnection_Put',
        'Vaults_CreateOrUpdate',
        'Vaults_Get',
        'Vaults_ListByResourceGroup',
        'Vaults_ListBySubscriptionId',
      ]);
      expect(
        captured.some((c) => c.method === 'PUT' && c.status === 201 && c.url.includes('/vaults/rsv-conf?')),
      ).toBe(true);
      expect(
        captured.some((c) => c.method === 'PUT' && c.status === 200 && c.url.includes('/vaults/rsv-conf?')),
      ).toBe(true);
    });

    it('every success body matches its operation', () => {
      let checked = 0;
      for (const c of captured) {
        const op = operationOf(c.method, c.url);
        if (!op || c.status >= 400) continue;
        specs.assertResponse(op.file, op.operationId, c.status, c.body);
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(10);
      // The check has teeth: a state outside the enum is refused.
      const pec = captured.find(
        (c) => operationOf(c.method, c.url)?.operationId === 'PrivateEndpointConnection_Get',
      )!;
      const broken = structuredClone(pec.body) as { properties: { provisioningState: string } };
      broken.properties.provisioningState = 'Creating';
      expect(
        specs.validateResponse(
          SPEC_FILES.recoveryServicesBackup,
          'PrivateEndpointConnection_Get',
          200,
          broken,
        ).valid,
      ).toBe(false);
    });

    it('vault bodies carry connections in the spec shape, including Approved and Rejected states', () => {
      const get = captured.filter((c) => operationOf(c.method, c.url)?.operationId === 'Vaults_Get').pop()!;
      const body = get.body as {
        properties: {
          privateEndpointConnections: Array<{
            properties: { privateLinkServiceConnectionState: { status: string } };
          }>;
        };
      };
      expect(
        body.properties.privateEndpointConnections
          .map((c) => c.properties.privateLinkServiceConnectionState.status)
          .sort(),
      ).toEqual(['Approved', 'Approved', 'Rejected']);
      specs.assertResponse(SPEC_FILES.recoveryServices, 'Vaults_Get', 200, body);
    });

    it('the request bodies the clients send match the specs', () => {
      specs.assertRequest(SPEC_FILES.recoveryServices, 'Vaults_CreateOrUpdate', vaultBody);
      specs.assertRequest(SPEC_FILES.recoveryServicesBackup, 'PrivateEndpointConnection_Put', {
        properties: { privateLinkServiceConnectionState: { status: 'Approved', description: 'ok' } },
      });
    });

    it('error bodies match the declared error schemas', async () => {
      const vaultPath = `/subscriptions/${SPOKE_SUBSCRIPTION}/resourceGroups/${SPOKE_RG}${VAULTS}`;
      const missingVault = await armRequest(emu, 'GET', `${vaultPath}/rsv-none?api-version=2026-07-01`);
      expect(missingVault.status).toBe(404);
      specs.assertResponse(SPEC_FILES.recoveryServices, 'Vaults_Get', 'default', missingVault.json);
      const badPut = await armRequest(emu, 'PUT', `${vaultPath}/rsv-bad?api-version=2026-07-01`, {
        body: { sku: { name: 'Standard' } },
      });
      expect(badPut.status).toBe(400);
      specs.assertResponse(SPEC_FILES.recoveryServices, 'Vaults_CreateOrUpdate', 'default', badPut.json);
      const pec = `${vaultPath}/rsv-conf/privateEndpointConnections/none?api-version=2023-06-01`;
      const missingPec = await armRequest(emu, 'GET', pec);
      expect(missingPec.status).toBe(404);
      specs.assertResponse(
        SPEC_FILES.recoveryServicesBackup,
        'PrivateEndpointConnection_Get',
        'default',
        missingPec.json,
      );
      const badPec = await armRequest(emu, 'PUT', pec, { body: { properties: {} } });
      expect(badPec.status).toBe(404);
      specs.assertResponse(
        SPEC_FILES.recoveryServicesBackup,
        'PrivateEndpointConnection_Put',
        'default',
        badPec.json,
      );
      const noVersion = await armRequest(emu, 'GET', `${vaultPath}/rsv-conf`);
      expect(noVersion.status).toBe(400);
      expect((noVersion.json as { error: { code: string } }).error.code).toBe('MissingApiVersionParameter');
    });
  },
);
