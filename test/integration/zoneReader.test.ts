/**
 * PrivateDnsZoneReader (src/azure/zoneReader.ts) through the real `@azure/arm-privatedns` client against local/arm:
 * zones and VNet links that exist, that do not (404 → nothing, never an error), a caller's abort, and a failure that
 * outlasts the retries.
 */
import { PrivateDnsZoneReader } from '../../src/azure/zoneReader';
import {
  BLOB_ZONE,
  HUB_RG,
  HUB_SUBSCRIPTION,
  HUB_ZONES,
  SPOKE_VNET_ID,
  startFixture,
} from '../helpers/azureFixture';
import type { Fixture } from '../helpers/azureFixture';

let fx: Fixture;
let reader: PrivateDnsZoneReader;
const ref = (zone: string, resourceGroup = HUB_RG) => ({
  subscriptionId: HUB_SUBSCRIPTION,
  resourceGroup,
  zone,
});

beforeAll(async () => {
  fx = await startFixture();
  reader = new PrivateDnsZoneReader(fx.clients, { maxAttempts: 2, baseDelayMs: 1 });
});

afterAll(async () => {
  await fx.emu.stop();
});

describe('PrivateDnsZoneReader against local/arm', () => {
  it('reads a zone, and answers undefined for one that does not exist', async () => {
    const zone = await reader.getZone(ref(BLOB_ZONE.toUpperCase()));
    expect(zone).toMatchObject({ zone: BLOB_ZONE, subscriptionId: HUB_SUBSCRIPTION, resourceGroup: HUB_RG });
    expect(zone?.id.toLowerCase()).toBe(fx.zoneId(BLOB_ZONE).toLowerCase());
    expect(await reader.getZone(ref('privatelink.vaultcore.azure.net'))).toBeUndefined();
    expect(await reader.getZone(ref(BLOB_ZONE), { abortSignal: new AbortController().signal })).toBeDefined();
  });

  it('lists the zones of a resource group; a group that does not exist has none', async () => {
    const zones = await reader.listZones(HUB_SUBSCRIPTION, HUB_RG);
    expect(zones.map((z) => z.zone).sort()).toEqual([...HUB_ZONES].sort());
    expect(await reader.listZones(HUB_SUBSCRIPTION, 'rg-missing')).toEqual([]);
  });

  it('lists VNet links; a zone that does not exist has none', async () => {
    const links = await reader.listVirtualNetworkLinks(ref(BLOB_ZONE));
    expect(links).toEqual([
      expect.objectContaining({ name: 'spoke-link', virtualNetworkId: SPOKE_VNET_ID.toLowerCase() }),
    ]);
    expect(await reader.listVirtualNetworkLinks(ref('privatelink.vaultcore.azure.net'))).toEqual([]);
  });

  it('a caller that aborts gets the failure at once; a failure that outlasts the retries is thrown', async () => {
    fx.emu.faults.configure({
      rules: [{ name: 'zones-500', match: { operationId: 'PrivateZones_Get' }, errorRate: 1 }],
    });
    try {
      await expect(reader.getZone(ref(BLOB_ZONE))).rejects.toThrow(/500/);
      await expect(reader.getZone(ref(BLOB_ZONE), { abortSignal: AbortSignal.abort() })).rejects.toThrow();
    } finally {
      fx.emu.faults.reset();
    }
    fx.emu.faults.configure({
      rules: [
        {
          name: 'list-500',
          match: { method: 'GET', path: 'privateDnsZones$|virtualNetworkLinks$' },
          errorRate: 1,
        },
      ],
    });
    try {
      await expect(reader.listZones(HUB_SUBSCRIPTION, HUB_RG)).rejects.toThrow();
      await expect(reader.listVirtualNetworkLinks(ref(BLOB_ZONE))).rejects.toThrow();
    } finally {
      fx.emu.faults.reset();
    }
  });
});
