/**
 * The portal's composition: keys for signing, the bot defence, region names, the
 * program-status source, counters and caches, wired once from the app context and
 * shared by the HTML pages and the JSON API. Every database call runs in a transaction
 * of the portal actor (national scope, masked output only).
 */
import type { AppContext } from '../platform/context.js';
import { appendAudit } from '../platform/audit.js';
import { portalActor } from './actor.js';
import { createChallengeIssuer, type ChallengeOptions } from './challenge.js';
import { createCheckCounter, type CheckChannel, type CheckCounter } from './check-stats.js';
import { checkNiks, checkVillages, type CheckResult } from './check-status.js';
import { createBatcher, type BatcherOptions } from './batcher.js';
import { createDefence, DEFAULT_DEFENCE, type AdmitDecision, type AdmitRequest, type Defence, type DefenceOptions } from './defence.js';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from './image.js';
import { eligibilityStatusSource } from './eligibility-status.js';
import type { ProgramStatusSource } from './program-status.js';
import { createRefSigner, type MemberRef, type RefSigner } from './refs.js';
import { createRegionDirectory, pickedRegion, type RegionDirectory, type RegionEntry } from './regions.js';
import { regionStatistics, statisticsScope, type RegionStatistics } from './statistics.js';
import { submitPengaduan, submitSanggah, submitUsul, type PengaduanInput, type SanggahInput, type SubmitResult, type UsulInput } from './submit.js';
import { findTracking, type TrackingView } from './track-submission.js';
import { maskName } from '../security/mask.js';
import type { PickerLevel } from './views.js';

export interface PortalOptions {
  /** Where the pages are mounted ('' = site root). The JSON API is always under /api/v1/public. */
  readonly basePath?: string;
  readonly defence?: Partial<DefenceOptions>;
  readonly challenge?: Partial<ChallengeOptions>;
  /** Program statuses; the eligibility engine's source replaces the default when it lands. */
  readonly programStatusSource?: ProgramStatusSource;
  readonly imageLimits?: ImageLimits;
  readonly statisticsTtlSeconds?: number;
  /**
   * Status checks answer no sooner than this many milliseconds after they start: the
   * little a found record costs more than a missing one (an index hit, a join) is
   * hidden below it. Waiting holds no database connection. Default 10.
   */
  readonly checkFloorMs?: number;
  /** Batching of look-ups: most per statement, most statements at once, linger (default 64, 4, half the floor up to 5 ms). */
  readonly checkBatch?: Partial<BatcherOptions>;
}

export const DEFAULT_CHALLENGE: ChallengeOptions = { difficulty: 16, waitSeconds: 15, ttlSeconds: 900 };

export interface Portal {
  readonly ctx: AppContext;
  readonly basePath: string;
  readonly defence: Defence;
  readonly regions: RegionDirectory;
  readonly refs: RefSigner;
  readonly counter: CheckCounter;
  readonly imageLimits: ImageLimits;
  /** A NIK's blind index: looks it up, and (in hex) keys the per-NIK rate limit, so the NIK itself is never a key. */
  nikIndex(nik: string): Buffer;
  admit(req: AdmitRequest): AdmitDecision;
  checkNik(channel: CheckChannel, input: { nik: string; name: string; bidx?: Buffer }): Promise<CheckResult>;
  checkVillage(channel: CheckChannel, input: { villageCode: string; name: string }): Promise<CheckResult>;
  submitUsul(requestId: string, input: UsulInput): Promise<SubmitResult>;
  submitSanggah(requestId: string, input: SanggahInput): Promise<SubmitResult>;
  submitPengaduan(requestId: string, input: PengaduanInput): Promise<SubmitResult>;
  track(requestId: string, code: string): Promise<TrackingView | undefined>;
  /** The masked name and region of a sanggah reference, for the sanggah form. */
  describeRef(token: string): Promise<{ ref: MemberRef; nameMasked: string; regionName: string } | undefined>;
  statistics(region: string): Promise<RegionStatistics | undefined>;
  picker(query: Record<string, string | undefined>): Promise<{ levels: PickerLevel[]; chosen: RegionEntry[] }>;
  close(): Promise<void>;
}

/**
 * @example const portal = createPortal(ctx, { defence: { mode: 'always' } });
 */
export function createPortal(ctx: AppContext, opts: PortalOptions = {}): Portal {
  const { db, keyring } = ctx;
  const sign = (purpose: string) => (payload: string) => keyring.index.compute(purpose, payload);
  const issuer = createChallengeIssuer(sign('portal.challenge'), { ...DEFAULT_CHALLENGE, ...opts.challenge });
  const defence = createDefence({ ...DEFAULT_DEFENCE, ...opts.defence }, issuer);
  const regions = createRegionDirectory(db);
  const refs = createRefSigner(sign('portal.ref'));
  const source = opts.programStatusSource ?? eligibilityStatusSource;
  const counter = createCheckCounter();
  const imageLimits = opts.imageLimits ?? DEFAULT_IMAGE_LIMITS;
  const checkDeps = { keyring, source, refs };
  const submitDeps = { keyring, refs, imageLimits };
  const statsTtl = (opts.statisticsTtlSeconds ?? 600) * 1000;
  const floorMs = opts.checkFloorMs ?? 10;
  const atFloor = async <T>(work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    const left = start + floorMs - performance.now();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    return result;
  };
  const statsCache = new Map<string, { at: number; value: Promise<RegionStatistics | undefined> }>();

  defence.onModeChange = (on) => {
    ctx.logger.warn({ challengeMode: on }, 'portal challenge mode switched');
    db.transaction((tx) => appendAudit(tx, { action: on ? 'portal.challenge_mode.on' : 'portal.challenge_mode.off', entityType: 'portal', entityId: null }), portalActor())
      .catch((err: unknown) => ctx.logger.error({ err }, 'audit of challenge mode failed'));
  };
  // Checks share transactions under load (group commit); a batch has no single request id.
  const batching = { maxBatch: 64, maxInFlight: 4, lingerMs: Math.min(5, floorMs / 2), ...opts.checkBatch };
  const nikLookup = createBatcher((inputs: Array<{ nik: string; name: string; bidx?: Buffer }>) =>
    db.transaction((tx) => checkNiks(tx, checkDeps, inputs), portalActor()), batching);
  const villageLookup = createBatcher((inputs: Array<{ villageCode: string; name: string }>) =>
    db.transaction((tx) => checkVillages(tx, checkDeps, inputs), portalActor()), batching);

  const flushTimer = setInterval(() => { counter.flush(db).catch((err: unknown) => ctx.logger.error({ err }, 'portal check counters not saved')); }, 60_000);
  flushTimer.unref();

  const portal: Portal = {
    ctx, basePath: opts.basePath ?? '', defence, regions, refs, counter, imageLimits,
    nikIndex: (nik) => keyring.index.compute('nik', nik),
    admit: (req) => defence.admit(req),
    async checkNik(channel, input) {
      const r = await atFloor(() => nikLookup(input));
      counter.count(channel, r.found ? 'found' : 'not_found');
      return r;
    },
    async checkVillage(channel, input) {
      const r = await atFloor(() => villageLookup(input));
      counter.count(channel, r.found ? 'found' : 'not_found');
      return r;
    },
    submitUsul: (requestId, input) => db.transaction((tx) => submitUsul(tx, submitDeps, input), portalActor(requestId)),
    submitSanggah: (requestId, input) => db.transaction((tx) => submitSanggah(tx, submitDeps, input), portalActor(requestId)),
    submitPengaduan: (requestId, input) => db.transaction((tx) => submitPengaduan(tx, submitDeps, input), portalActor(requestId)),
    track: (requestId, code) => db.transaction((tx) => findTracking(tx, code), portalActor(requestId)),
    async describeRef(token) {
      const ref = refs.verify(token);
      if (!ref) return undefined;
      const m = await db.transaction(async (tx) => (await tx.raw.query<{ full_name: string; village_code: string }>(
        'select full_name, village_code from member where id = $1 and regency_code = $2', [ref.memberId, ref.regencyCode])).rows[0], portalActor());
      if (!m) return undefined;
      const path = await regions.path(m.village_code);
      return { ref, nameMasked: maskName(m.full_name), regionName: [...path].reverse().map((r) => r.name).join(', ') };
    },
    statistics(region) {
      const now = Date.now();
      const hit = statsCache.get(region);
      if (hit && now - hit.at < statsTtl) return hit.value;
      // Region names first: on PGlite (one connection) they cannot be read inside the transaction.
      const value = statisticsScope(regions, region).then((scope) => scope && db.transaction((tx) => regionStatistics(tx, scope, new Date(now)), portalActor()));
      value.catch(() => statsCache.delete(region));
      if (statsCache.size > 5000) statsCache.clear();
      statsCache.set(region, { at: now, value });
      return value;
    },
    async picker(query) {
      const picked = pickedRegion(query);
      const chosen = picked ? await regions.path(picked) : [];
      const levels: PickerLevel[] = [];
      for (let level = 1; level <= Math.min(chosen.length + 1, 4); level++) {
        const options = await regions.children(level === 1 ? null : chosen[level - 2]!.code);
        levels.push({ level, options, selected: chosen[level - 1]?.code });
      }
      return { levels, chosen };
    },
    async close() {
      clearInterval(flushTimer);
      await counter.flush(db).catch((err: unknown) => ctx.logger.error({ err }, 'portal check counters not saved'));
    },
  };
  return portal;
}
