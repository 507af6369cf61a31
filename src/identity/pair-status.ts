/**
 * Review state of a candidate pair (pure). The engine decides per pair (link / review)
 * and clusters the links; a pair is accepted automatically only when the clustering put
 * both people in one group, so a link that the group as a whole contradicts (a chain of
 * weak links, a twin or parent/child rule) waits for a person instead.
 */
import { z } from 'zod';

export const PAIR_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export type PairStatus = (typeof PAIR_STATUSES)[number];

/** Prefix of `decided_by` for decisions made by the engine, which a later run may revise. */
export const AUTO_DECIDER = 'auto:';

export interface AutomaticDecision {
  readonly status: 'pending' | 'accepted';
  /** Why a pair scored as a link was held back for review. */
  readonly heldReason: string | null;
}

/**
 * @example automaticStatus({ decision: 'link', sameCluster: true, cannotLink: false }) // { status: 'accepted', heldReason: null }
 */
export function automaticStatus(p: { decision: 'link' | 'review'; sameCluster: boolean; cannotLink: boolean }): AutomaticDecision {
  if (p.sameCluster && !p.cannotLink) return { status: 'accepted', heldReason: null };
  if (p.decision !== 'link') return { status: 'pending', heldReason: null };
  return {
    status: 'pending',
    heldReason: p.cannotLink
      ? 'aturan keluarga (kembar, orang tua dan anak senama, atau anggota lain dalam KK) melarang penautan otomatis'
      : 'tidak ditautkan otomatis: catatan lain dalam kelompok yang sama bertentangan dengan salah satu orang ini',
  };
}

/** The engine's explanation as stored in `identity_pair.explanation` (checked when read back). */
export const StoredExplanation = z.object({
  weight: z.number(),
  probability: z.number(),
  decision: z.enum(['link', 'review', 'distinct']),
  cannotLink: z.boolean(),
  fields: z.array(z.object({ field: z.string(), level: z.number().nullable(), weight: z.number(), note: z.string() })),
  notes: z.array(z.string()),
  summary: z.string(),
});
export type StoredExplanation = z.infer<typeof StoredExplanation>;
