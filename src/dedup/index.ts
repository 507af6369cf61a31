/** Public API of the deduplication engine (pure; no I/O). */
export type { PersonRecord, MatchModel, MatchThresholds, FieldName, FieldParameters } from './types.js';
export { DEFAULT_THRESHOLDS, FIELDS } from './types.js';
export { normalizeName, phoneticKey, modernizeSpelling, type NormalizedName } from './names.js';
export { analyseNik, compareIds, isPlaceholderId, type NikAnalysis, type NikStatus } from './nik.js';
export { compareDates, isValidIsoDate, parseLooseDate, DATE_LEVEL } from './dates.js';
export { prepareRecords, FeatureBuilder, type FeatureState, type PreparedRecords } from './features.js';
export { blockingKeys, preparedBlockingKeys, blockLimit, buildCandidateIndex, collectCandidatePairs, forEachCandidatePair, DEFAULT_MAX_BLOCK_SIZE, type CandidateIndex, type CandidatePairs } from './blocking.js';
export { estimateModel, parseModel, type EstimateOptions } from './model.js';
export { PairScorer, weightToProbability, probabilityToWeight, type PairExplanation, type FieldExplanation, type Decision } from './score.js';
export { clusterPairs, DEFAULT_MIN_COHESION, type ScoredPairs, type ClusterOptions } from './cluster.js';
export { deduplicate, deduplicateParallel, scoreCandidates, type DedupOptions, type DedupResult } from './dedup.js';
export { scoreCandidatesParallel } from './parallel.js';
export { runDedupCommand } from './cli.js';
