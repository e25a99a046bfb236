import type { ArmProvider } from '../context';
import { networkProvider } from './network';
import { privateDnsProvider } from './privateDns';
import { privateLinkTargetsProvider } from './privateLinkTargets';
import { recoveryServicesProvider } from './recoveryServices';
import { resourceGraphProvider } from './resourceGraph';
import { eventGridProvider } from '../eventGridProvider';

/**
 * Providers registered by `startArmEmulator()` unless `options.providers` says otherwise. This list is the one
 * place where a new provider is plugged in (one import and one entry each). Order matters only for services one
 * provider looks up from another at registration time (network first).
 */
export const defaultProviders: readonly ArmProvider[] = [
  networkProvider,
  privateLinkTargetsProvider,
  privateDnsProvider,
  recoveryServicesProvider,
  resourceGraphProvider,
  eventGridProvider(),
];
