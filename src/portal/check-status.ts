/**
 * The public status check: by NIK + name (both must match) or by village + name.
 * Answers carry masked names and program statuses only. Found and not found run the
 * same statement and the same code path (masking, status mapping, signing a sanggah
 * reference on a stand-in when nothing matched), so their timing does not tell them
 * apart; the HTTP layer pads the answers to the same size. Look-ups come in batches
 * (see batcher.ts): one statement answers many citizens at once.
 */
import type { Tx } from '../platform/db.js';
import type { Keyring } from '../platform/keyring.js';
import { maskName } from '../security/mask.js';
import { programsReceivedStatus, type CheckedFamily, type DesilBand, type ProgramStatus, type ProgramStatusSource } from './program-status.js';
import type { RefSigner } from './refs.js';

export interface CheckDeps {
  readonly keyring: Keyring;
  readonly source: ProgramStatusSource;
  readonly refs: RefSigner;
}

export interface CheckMatch {
  readonly nameMasked: string;
  readonly programs: readonly ProgramStatus[];
  readonly desilBand: DesilBand | null;
  /** Signed reference for a sanggah against this person. */
  readonly ref: string;
}

export interface CheckResult {
  readonly found: boolean;
  readonly matches: readonly CheckMatch[];
}

/** At most this many people are listed for one village + name (namesakes). */
export const MAX_MATCHES = 5;

interface Row {
  n: number;
  member_id: number;
  regency_code: string;
  full_name: string;
  family_id: number;
  programs_received: string[];
  programs_received_periods: string[];
}

// One statement for a whole batch of look-ups: each input row carries its position (n).
const SELECT = `select q.n, m.id as member_id, m.regency_code, m.full_name, f.id as family_id,
       f.programs_received, f.programs_received_periods`;
const JOIN_FAMILY = 'join family f on f.id = m.family_id and f.regency_code = m.regency_code';

// Never shown: stands in for a match when there is none, so the same work is done.
const STAND_IN: Row = { n: 0, member_id: 0, regency_code: '00.00', full_name: 'NAMA PENGGANTI', family_id: 0, programs_received: ['pkh'], programs_received_periods: [''] };

function toChecked(r: Row): CheckedFamily {
  return {
    familyId: r.family_id, regencyCode: r.regency_code, memberId: r.member_id,
    programsReceived: r.programs_received ?? [], programsReceivedPeriods: r.programs_received_periods ?? [],
  };
}

async function answer(tx: Tx, deps: CheckDeps, count: number, rows: Row[]): Promise<CheckResult[]> {
  const byInput: Row[][] = Array.from({ length: count }, () => []);
  for (const r of rows) {
    const list = byInput[Number(r.n) - 1]!;
    if (list.length < MAX_MATCHES) list.push(r);
  }
  // A look-up that matched nobody asks for the stand-in's status, so the source's work is the same.
  const matched = byInput.flatMap((list) => (list.length > 0 ? list : [STAND_IN]));
  const statuses = await deps.source.statusesOf(tx, matched.map(toChecked));
  const statusOf = new Map(matched.map((r, i) => [r, statuses[i]!]));
  return byInput.map((list) => {
    const found = list.length > 0;
    // Not found: the same masking, status mapping and signing on a stand-in, then dropped.
    const matches = (found ? list : [STAND_IN]).map((r) => {
      const status = statusOf.get(r) ?? programsReceivedStatus(toChecked(r));
      return {
        nameMasked: maskName(r.full_name), programs: status.programs, desilBand: status.desilBand,
        ref: deps.refs.issue({ memberId: r.member_id, regencyCode: r.regency_code }),
      };
    });
    return { found, matches: found ? matches : [] };
  });
}

/**
 * Each NIK and name must both match (name compared in its registry form: upper case,
 * single spaces). One statement for all inputs; results in input order.
 * @example await checkNiks(tx, deps, [{ nik: '3201014508900003', name: 'SITI AMINAH' }]) // [{ found: true, matches: [{ nameMasked: 'S**I A****H', … }] }]
 */
export async function checkNiks(tx: Tx, deps: CheckDeps, inputs: ReadonlyArray<{ nik: string; name: string; bidx?: Buffer | undefined }>): Promise<CheckResult[]> {
  const bidx = inputs.map((i) => i.bidx ?? deps.keyring.index.compute('nik', i.nik));
  const { rows } = await tx.raw.query<Row>(`${SELECT}
  from unnest($1::bytea[], $2::text[]) with ordinality as q(bidx, name, n)
  join member m on m.nik_bidx = q.bidx and m.full_name = q.name
  ${JOIN_FAMILY}
 order by q.n, m.id`, [bidx, inputs.map((i) => i.name)]);
  return answer(tx, deps, inputs.length, rows);
}

/**
 * Exact name within one village, as cekbansos does (no partial names: that would let
 * anyone list a village letter by letter). At most MAX_MATCHES namesakes each.
 * @example await checkVillages(tx, deps, [{ villageCode: '32.01.01.2001', name: 'SITI AMINAH' }])
 */
export async function checkVillages(tx: Tx, deps: CheckDeps, inputs: ReadonlyArray<{ villageCode: string; name: string }>): Promise<CheckResult[]> {
  const { rows } = await tx.raw.query<Row>(`${SELECT}
  from unnest($1::text[], $2::text[]) with ordinality as q(village, name, n)
  join member m on m.village_code = q.village and m.full_name = q.name
  ${JOIN_FAMILY}
 order by q.n, m.id`, [inputs.map((i) => i.villageCode), inputs.map((i) => i.name)]);
  return answer(tx, deps, inputs.length, rows);
}

/** One look-up by NIK and name. */
export async function checkByNik(tx: Tx, deps: CheckDeps, input: { nik: string; name: string }): Promise<CheckResult> {
  return (await checkNiks(tx, deps, [input]))[0]!;
}

/** One look-up by village and name. */
export async function checkByVillage(tx: Tx, deps: CheckDeps, input: { villageCode: string; name: string }): Promise<CheckResult> {
  return (await checkVillages(tx, deps, [input]))[0]!;
}
