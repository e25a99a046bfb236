import type { ArmCloud, ArmValue } from './armExpression';
import type { ResourceInstance, Target } from './armTemplate';
import { expandTemplate, loadTemplate, parameterFileValues } from './armTemplate';

export const HUB_SUBSCRIPTION = '00000000-0000-0000-0000-00000000a001';
export const SPOKE_SUBSCRIPTION = '00000000-0000-0000-0000-00000000b001';
export const HUB_APP_RESOURCE_GROUP = 'rg-privatelink-dns-sync';

export const HUB_TARGET: Target = { subscriptionId: HUB_SUBSCRIPTION, resourceGroup: HUB_APP_RESOURCE_GROUP };
export const SPOKE_TARGET: Target = { subscriptionId: SPOKE_SUBSCRIPTION, resourceGroup: undefined };

export function expandHub(
  overrides: Record<string, ArmValue> = {},
  cloud: ArmCloud = 'AzureCloud',
): ResourceInstance[] {
  return expandTemplate(
    loadTemplate('hub.json'),
    { ...HUB_TARGET, cloud },
    { ...parameterFileValues('hub.parameters.example.json'), ...overrides },
    'hub.json',
  );
}

export function expandSpoke(overrides: Record<string, ArmValue> = {}): ResourceInstance[] {
  return expandTemplate(
    loadTemplate('spoke.json'),
    SPOKE_TARGET,
    { ...parameterFileValues('spoke.parameters.example.json'), ...overrides },
    'spoke.json',
  );
}

export function deployed(instances: ResourceInstance[], type?: string): ResourceInstance[] {
  return instances.filter((i) => i.condition && (type === undefined || i.type === type));
}

export function only(instances: ResourceInstance[], type: string): ResourceInstance {
  const found = deployed(instances, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0] as ResourceInstance;
}

export function props(instance: ResourceInstance): Record<string, ArmValue> {
  return instance.evaluated['properties'] as Record<string, ArmValue>;
}

/** Cartesian product of parameter variations, for checking every combination. */
export function variations(axes: Record<string, ArmValue[]>): Record<string, ArmValue>[] {
  let combos: Record<string, ArmValue>[] = [{}];
  for (const [name, values] of Object.entries(axes)) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}
