/**
 * Builds the civil registry adapter from configuration: the HTTP client when
 * CIVIL_REGISTRY_URL is set, otherwise a registry that never answers (work is deferred).
 */
import type { Config } from '../platform/config.js';
import { unconfiguredRegistry, type CivilRegistry } from './civil-registry.js';
import { createHttpCivilRegistry, type HttpCivilRegistryOptions } from './http-client.js';

export type ClientTuning = Omit<HttpCivilRegistryOptions, 'baseUrl'>;

/**
 * @example const registry = civilRegistryFor(ctx.config);
 */
export function civilRegistryFor(config: Pick<Config, 'civilRegistryUrl'>, tuning: ClientTuning = {}): CivilRegistry & { close?: () => void } {
  return config.civilRegistryUrl ? createHttpCivilRegistry({ baseUrl: config.civilRegistryUrl, ...tuning }) : unconfiguredRegistry();
}
