/**
 * Words of the civil-registry integration, as plain data shared by the adapter, the
 * simulator, the flows and the tests. Event shapes are Zod schemas because they are read
 * back from the wire and from the database (validate at the edges).
 */
import { z } from 'zod';

/** Dukcapil answers each compared field with "sesuai" (matches) or "tidak sesuai". */
export const FieldResult = z.enum(['sesuai', 'tidak_sesuai']);
export type FieldResult = z.infer<typeof FieldResult>;

export const FieldMatch = z.object({
  result: FieldResult,
  /** Similarity 0–100 where the registry gives one (names); 100 for an exact match. */
  score: z.number().min(0).max(100).optional(),
});
export type FieldMatch = z.infer<typeof FieldMatch>;

/** Status of a NIK at the civil registry. */
export const NikStatus = z.enum(['aktif', 'meninggal', 'tidak_ditemukan']);
export type NikStatus = z.infer<typeof NikStatus>;

/** What Tepat asks: is this NIK real, and do name, birth date (and No. KK) match it? */
export interface VerifyRequest {
  readonly nik: string;
  readonly name: string;
  /** `YYYY-MM-DD`, or null when the registry holds no birth date. */
  readonly birthDate: string | null;
  /** No. KK as Tepat holds it; compared when given. */
  readonly kk?: string | null | undefined;
}

/**
 * The registry's answer for one person: per-field match only, never the registry's own
 * values (data minimisation, UU 27/2022: Tepat learns whether its data is right, not
 * anything it did not already hold).
 */
export const VerifyResult = z.object({
  nikStatus: NikStatus,
  name: FieldMatch.optional(),
  birthDate: FieldMatch.optional(),
  kk: FieldMatch.optional(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

/** Why a call produced no answer. All of them mean "try again later", never "wrong". */
export type UnavailableReason = 'timeout' | 'rate_limited' | 'server_error' | 'network' | 'circuit_open' | 'not_configured' | 'bad_response';

export type VerifyOutcome =
  | { readonly ok: true; readonly result: VerifyResult; readonly fromCache: boolean }
  | { readonly ok: false; readonly reason: UnavailableReason };

/** A person as the civil registry holds them (answer to a family search by No. KK). */
export const CivilPerson = z.object({
  nik: z.string(),
  name: z.string(),
  sex: z.enum(['L', 'P']),
  birthDate: z.string(),
  relationship: z.string().optional(),
  villageCode: z.string(),
  deathDate: z.string().nullable(),
});
export type CivilPerson = z.infer<typeof CivilPerson>;

export type FamilyOutcome =
  | { readonly ok: true; readonly members: readonly CivilPerson[] }
  | { readonly ok: false; readonly reason: UnavailableReason };

// ------------------------------------------------------------------ vital events

const Iso = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Nik = z.string().regex(/^\d{16}$/);
const Village = z.string().regex(/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/);

const EventBase = {
  /** The registry's id of the event: the key of exactly-once application. */
  eventId: z.string().min(1).max(99),
  /** Position in the registry's feed; the cursor is the last seq read. */
  seq: z.number().int().positive(),
  /** When the event happened (date of death, of the move…). */
  occurredOn: Iso,
  /** When the registry published it. */
  publishedAt: z.string(),
};

export const DeathEvent = z.object({ ...EventBase, type: z.literal('death'), nik: Nik });
/** Some or all members of a KK move to another village (pindah); they get a new KK there. */
export const MoveEvent = z.object({ ...EventBase, type: z.literal('move'), kk: z.string(), niks: z.array(Nik).min(1), toVillageCode: Village, newKk: z.string() });
/** A person is put on another family card (pisah KK, marriage, reissue). */
export const KkChangeEvent = z.object({ ...EventBase, type: z.literal('kk_change'), nik: Nik, oldKk: z.string(), newKk: z.string(), reason: z.string() });
/** The registry corrected a person's name or birth date (e.g. after a court order). */
export const CorrectionEvent = z.object({ ...EventBase, type: z.literal('correction'), nik: Nik, field: z.enum(['name', 'birth_date']), value: z.string() });
/** A child is registered on a family card and receives a NIK. */
export const BirthEvent = z.object({ ...EventBase, type: z.literal('birth'), nik: Nik, kk: z.string(), name: z.string(), sex: z.enum(['L', 'P']), birthDate: Iso, villageCode: Village });

export const CivilEvent = z.discriminatedUnion('type', [DeathEvent, MoveEvent, KkChangeEvent, CorrectionEvent, BirthEvent]);
export type CivilEvent = z.infer<typeof CivilEvent>;
export type CivilEventType = CivilEvent['type'];
export const CIVIL_EVENT_TYPES: readonly CivilEventType[] = ['death', 'move', 'kk_change', 'correction', 'birth'];

/** An event the registry published that Tepat cannot read: kept in the ledger for review, never dropped. */
export interface UnreadableEvent {
  readonly eventId: string;
  readonly seq: number;
  readonly problem: string;
}

export type EventPage =
  | {
    readonly ok: true;
    readonly events: readonly CivilEvent[];
    readonly unreadable: readonly UnreadableEvent[];
    /** Cursor after this page (the last seq read). */
    readonly next: string;
    readonly hasMore: boolean;
  }
  | { readonly ok: false; readonly reason: UnavailableReason };

export type SubscribeOutcome =
  | { readonly ok: true; readonly correlationId: string }
  | { readonly ok: false; readonly reason: UnavailableReason };

// ------------------------------------------------------------------ outcomes on Tepat's side

/** A verification as recorded in Tepat: one of four outcomes. */
export type VerificationOutcome = 'verified' | 'mismatch' | 'not_found' | 'deceased';
