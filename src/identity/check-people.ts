/**
 * Incremental check: people just imported or edited, against the registry, by blocking
 * key lookup (no scan). Set-based per call: one read of the people, one statement that
 * writes their keys and reads the people sharing them, one pair upsert, one audit record. Candidates are whoever shares a key that is not a stop key (held by more people
 * than the engine's block cap); pairs are scored with the current stored model and a
 * link is accepted automatically only when the engine's clustering of the people and their
 * candidates joins them (as in the full job).
 */
import { clusterPairs, FeatureBuilder, PairScorer, prepareRecords, type ScoredPairs } from '../dedup/index.js';
import { appendAudit } from '../platform/audit.js';
import type { Tx } from '../platform/db.js';
import type { Keyring } from '../platform/keyring.js';
import { KEYS_VERSION, KeyHasher, writeKeysAndFindHolders } from './block-keys.js';
import { findCurrentModel } from './models.js';
import { automaticStatus } from './pair-status.js';
import { writePairs, type NewPair } from './pair-store.js';
import { comparePeople, PersonDecoder, readPeople, type RegistryPerson } from './registry-people.js';

export interface CheckSummary {
  /** People checked (those of `memberIds` visible in the transaction's scope). */
  readonly checked: number;
  /** Other people sharing a key with them (stop keys left out). */
  readonly candidates: number;
  readonly comparedPairs: number;
  /** Pairs at or above the review threshold, stored or refreshed. */
  readonly pairs: number;
  readonly autoAccepted: number;
  readonly pending: number;
  /** Model version used; null before the first `tepat identity run` (keys are stored, nothing is scored). */
  readonly modelId: number | null;
}

export interface CheckOptions {
  readonly maxBlockSize?: number;
}

/**
 * Checks people against the registry and stores their keys and candidate pairs, in the
 * caller's transaction (the import calls it after each batch).
 *
 * @example
 * await db.transaction((tx) => checkPeople(tx, keyring, [101, 102]), actor);
 */
export async function checkPeople(tx: Tx, keyring: Keyring, memberIds: readonly number[], opts: CheckOptions = {}): Promise<CheckSummary> {
  const people = await readPeople(tx, keyring, [...new Set(memberIds)].map((memberId) => ({ memberId })), KEYS_VERSION);
  if (people.length === 0) return { checked: 0, candidates: 0, comparedPairs: 0, pairs: 0, autoAccepted: 0, pending: 0, modelId: null };
  const stored = await findCurrentModel(tx);

  // 1. Their keys; keys shared inside the batch are counted here, the registry's holders
  //    in the database (a key held by more people than its cap is a stop key).
  const hasher = new KeyHasher(keyring);
  const own = prepareRecords(people.map((p) => p.record), stored?.model);
  const keysOf = people.map((_, i) => hasher.forPrepared(own, i, opts.maxBlockSize));
  const inBatch = new Map<string, { limit: number; holders: number[] }>();
  keysOf.forEach((k, i) => k.hashes.forEach((h, x) => {
    const e = inBatch.get(h);
    if (e) e.holders.push(i);
    else inBatch.set(h, { limit: k.limits[x]!, holders: [i] });
  }));
  const lookup = { hashes: [] as string[], limits: [] as number[] };
  const candidatesOf: Array<Set<number>> = people.map(() => new Set());
  for (const [h, e] of inBatch) {
    if (e.holders.length > e.limit) continue;
    lookup.hashes.push(h);
    lookup.limits.push(e.limit - e.holders.length);
    for (const i of e.holders) for (const j of e.holders) if (i !== j) candidatesOf[i]!.add(j);
  }

  // 2. One statement: store the keys, find who else holds them, read those people.
  const found = await writeKeysAndFindHolders(tx, people.map((p, i) => ({ ...p, keys: keysOf[i]!.hashes })), lookup);
  const decoder = new PersonDecoder(keyring);
  const candidates: RegistryPerson[] = [];
  for (const r of found) {
    const j = people.length + candidates.length;
    candidates.push(decoder.decode(r));
    for (const h of r.shared) for (const i of inBatch.get(h)?.holders ?? []) candidatesOf[i]!.add(j);
  }
  if (!stored) {
    await appendAudit(tx, { action: 'identity.check', entityType: 'member', entityId: null, changes: { checked: people.length, candidates: candidates.length, pairs: 0, model: null } });
    return { checked: people.length, candidates: candidates.length, comparedPairs: 0, pairs: 0, autoAccepted: 0, pending: 0, modelId: null };
  }
  const model = stored;

  // 3. People and candidates prepared together, with the model's frequencies.
  const everyone: RegistryPerson[] = [...people, ...candidates];
  const builder = new FeatureBuilder();
  for (const p of everyone) builder.add(p.record);
  const prepared = builder.finish(model.model);
  const scorer = new PairScorer(prepared, model.model);

  // 4. Score each (person, candidate) pair once; keep those worth a link or a review.
  const kept: Array<{ i: number; j: number; w: number; cannotLink: boolean }> = [];
  const seen = new Set<number>();
  const n = everyone.length;
  let compared = 0;
  candidatesOf.forEach((set, i) => {
    for (const j of set) {
      const [a, b] = i < j ? [i, j] : [j, i];
      if (seen.has(a * n + b)) continue;
      seen.add(a * n + b);
      compared++;
      const w = scorer.score(a, b);
      const cannotLink = scorer.lastCannotLink;
      if (scorer.decide(w, cannotLink) !== 'distinct') kept.push({ i: a, j: b, w, cannotLink });
    }
  });

  // 5. Cluster locally as the job does, so a link the group contradicts waits for review.
  const scored: ScoredPairs = {
    count: kept.length,
    i: Int32Array.from(kept, (x) => x.i),
    j: Int32Array.from(kept, (x) => x.j),
    weight: Float32Array.from(kept, (x) => x.w),
    cannotLink: Uint8Array.from(kept, (x) => (x.cannotLink ? 1 : 0)),
  };
  // One scorer (one similarity cache) for everything: scoring here is sequential.
  const clusterOf = clusterPairs(n, scored, (i, j) => {
    const w = scorer.score(i, j);
    return scorer.lastCannotLink ? -Infinity : w;
  }, { linkWeight: scorer.linkWeight, priorWeight: scorer.priorWeight });

  const rows: NewPair[] = [];
  for (const pair of kept) {
    // Explained as the stored pair reads (a = lower member id), like the job: "NIK A …".
    const [i, j] = comparePeople(everyone[pair.i]!, everyone[pair.j]!) < 0 ? [pair.i, pair.j] : [pair.j, pair.i];
    const explanation = scorer.explain(i, j);
    if (explanation.decision === 'distinct') continue;
    const auto = automaticStatus({ decision: explanation.decision, sameCluster: clusterOf[i] === clusterOf[j], cannotLink: explanation.cannotLink });
    const a = everyone[i]!;
    const b = everyone[j]!;
    rows.push({
      a: { memberId: a.memberId, regencyCode: a.regencyCode, villageCode: a.villageCode },
      b: { memberId: b.memberId, regencyCode: b.regencyCode, villageCode: b.villageCode },
      modelId: model.id, explanation, status: auto.status, heldReason: auto.heldReason,
    });
  }
  const counts = await writePairs(tx, rows, 'auto:check', 'check');
  const pending = rows.filter((r) => r.status === 'pending').length;
  await appendAudit(tx, {
    action: 'identity.check', entityType: 'member', entityId: people.length === 1 ? people[0]!.memberId : null,
    changes: { checked: people.length, candidates: candidates.length, compared, pairs: rows.length, ...counts, modelId: model.id },
  });
  return { checked: people.length, candidates: candidates.length, comparedPairs: compared, pairs: rows.length, autoAccepted: counts.autoAccepted, pending, modelId: model.id };
}
