/**
 * The adapter between Tepat and a civil registry (Dukcapil). The HTTP client speaks the
 * DCI civil-registration API (search; the event feed as a search over vital events since
 * a cursor, the pull form of subscribe/notify), so a standards-based registry can replace
 * the simulator, and the real Dukcapil service can be put behind the same interface.
 *
 * Every method returns a value: "the registry did not answer" is an expected outcome
 * (`{ ok: false, reason }`), never an exception, so callers must decide to wait.
 */
import type { CivilEventType, EventPage, FamilyOutcome, SubscribeOutcome, VerifyOutcome, VerifyRequest } from './types.js';

export interface CallOptions {
  /** Give up (as unavailable) after this long in total, retries included. */
  readonly deadlineMs?: number | undefined;
  /** At most this many attempts (1 = no retry). */
  readonly maxAttempts?: number | undefined;
}

export interface CivilRegistry {
  /** Identifies the registry in verification records and the event ledger. */
  readonly source: string;
  /** One outcome per request, in order. The client batches and caches as it sees fit. */
  verify(requests: readonly VerifyRequest[], opts?: CallOptions): Promise<VerifyOutcome[]>;
  /** The people on a family card, as the registry holds them. */
  fetchFamily(kk: string, opts?: CallOptions): Promise<FamilyOutcome>;
  /** Vital events published after `cursor` ('' or '0' = from the start), oldest first. */
  readEvents(cursor: string, limit: number, opts?: CallOptions): Promise<EventPage>;
  /**
   * Asks the registry to push events of these types to `callbackUri` (DCI subscribe;
   * deliveries arrive at `{callbackUri}/notify`, see `ingestNotify`). Optional: a registry
   * that only offers the feed is followed by `readEvents`.
   */
  subscribe?(callbackUri: string, types: readonly CivilEventType[], opts?: CallOptions): Promise<SubscribeOutcome>;
}

/**
 * A registry that never answers: used when CIVIL_REGISTRY_URL is not set, so flows run,
 * defer their work and say why instead of failing.
 * @example const registry = config.civilRegistryUrl ? createHttpCivilRegistry({ baseUrl }) : unconfiguredRegistry();
 */
export function unconfiguredRegistry(): CivilRegistry {
  const no = { ok: false, reason: 'not_configured' } as const;
  return {
    source: 'unconfigured',
    verify: async (requests) => requests.map(() => no),
    fetchFamily: async () => no,
    readEvents: async () => no,
  };
}
