/**
 * Identity resolution in the registry, built on the pure engine in src/dedup:
 * - `runIdentityJob` / `runIdentityCommand` (`tepat identity run`): durable, resumable
 *   deduplication of the whole registry or one region;
 * - `checkPeople`: incremental check of imported or edited people by blocking-key lookup;
 * - `identityRoutes`: review queue API (pairs, accept/reject, merge, unmerge);
 * - use cases behind the routes, for other entry points.
 * Tables: migrations/0007_identity.sql.
 */
export { runIdentityJob, IDENTITY_JOB_KIND, type IdentityRunOptions, type IdentityRunSummary, type IdentityProgress } from './run-identity-job.js';
export { runIdentityCommand, IDENTITY_USAGE } from './cli.js';
export { checkPeople, type CheckSummary, type CheckOptions } from './check-people.js';
export { identityRoutes } from './routes.js';
export { listPairs, findPair, type ReviewPair, type MaskedPerson } from './review-queue.js';
export { decidePair, type PairDecisionResult } from './decide-pair.js';
export { mergeMembers, MERGE_FIELDS, type MergeRequest, type MergeResult } from './merge-members.js';
export { unmergeMembers, type UnmergeResult } from './unmerge-members.js';
export { findMerge, type MergeView } from './find-merge.js';
export { refreshKeys } from './refresh-keys.js';
