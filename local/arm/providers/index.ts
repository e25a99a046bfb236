import type { ArmProvider } from '../context';

/**
 * Providers registered by `startArmEmulator()` unless `options.providers` says otherwise. This list is the one
 * place where a new provider is plugged in (one import and one entry each).
 */
export const defaultProviders: readonly ArmProvider[] = [];
