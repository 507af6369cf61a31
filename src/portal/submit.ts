/**
 * Citizens' submissions: usul (propose a family), sanggah (object to a listed
 * recipient) and pengaduan (complaint about distribution). Each lands in the officer
 * queue of its village with an SLA clock, starts its history with a `submitted` event,
 * is audited, and returns a tracking code for Lacak. Identifiers are stored encrypted.
 * Nothing in the answer depends on whether the named person is in the registry.
 */
import { createHash } from 'node:crypto';
import type { Tx } from '../platform/db.js';
import type { Keyring } from '../platform/keyring.js';
import { appendAudit } from '../platform/audit.js';
import { levelOfCode } from '../regions/names.js';
import { slaDays, type PengaduanCategory, type SanggahCategory, type UsulCategory } from './categories.js';
import { sanitizeImage, type ImageLimits, DEFAULT_IMAGE_LIMITS } from './image.js';
import type { PortalProgram } from './program-status.js';
import type { RefSigner } from './refs.js';
import { newTrackingCode, type SubmissionKind } from './tracking-code.js';

export const PHONE_CONTEXT = 'portal.reporter_phone';
export const SUBJECT_NIK_CONTEXT = 'portal.subject_nik';

export interface SubmitDeps {
  readonly keyring: Keyring;
  readonly refs: RefSigner;
  readonly imageLimits?: ImageLimits;
}

export interface Reporter {
  readonly reporterName?: string | undefined;
  /** Digits only, normalised by the edge (08…, or 62…). */
  readonly reporterPhone?: string | undefined;
}

export interface UsulInput extends Reporter {
  readonly villageCode: string;
  readonly category: UsulCategory;
  readonly nik: string;
  readonly name: string;
  readonly reason: string;
  readonly program?: PortalProgram | undefined;
  readonly photo?: Uint8Array | undefined;
}

export interface SanggahInput extends Reporter {
  readonly ref: string;
  readonly category: SanggahCategory;
  readonly reason: string;
}

export interface PengaduanInput extends Reporter {
  readonly villageCode: string;
  readonly category: PengaduanCategory;
  readonly program: PortalProgram | 'lainnya';
  readonly description: string;
  readonly nik?: string | undefined;
}

export type SubmitFailure =
  | 'unknown_village'
  | 'invalid_ref'
  | 'photo_too_large'
  | 'photo_unsupported_type'
  | 'photo_corrupt'
  | 'photo_too_many_pixels';

export type SubmitResult =
  | { ok: true; id: number; trackingCode: string; kind: SubmissionKind; status: 'diterima'; slaDueAt: Date }
  | { ok: false; reason: SubmitFailure };

interface NewSubmission extends Reporter {
  kind: SubmissionKind;
  category: string;
  villageCode: string;
  program?: string | undefined;
  subjectName?: string | undefined;
  subjectNik?: string | undefined;
  memberId?: number | undefined;
  familyId?: number | undefined;
  description: string;
  photo?: { contentType: string; bytes: Buffer; width: number; height: number } | undefined;
}

async function isVillage(tx: Tx, code: string): Promise<boolean> {
  if (levelOfCode(code) !== 4) return false;
  const { rows } = await tx.raw.query('select 1 from region where code = $1 and level = 4', [code]);
  return rows.length === 1;
}

async function insertSubmission(tx: Tx, deps: SubmitDeps, s: NewSubmission, now: Date): Promise<SubmitResult> {
  const { cipher, index } = deps.keyring;
  const trackingCode = newTrackingCode(s.kind);
  const slaDueAt = new Date(now.getTime() + slaDays(s.kind, s.category) * 86_400_000);
  const regencyCode = s.villageCode.slice(0, 5);
  const { rows } = await tx.raw.query<{ id: number }>(
    `insert into portal_submission (regency_code, village_code, tracking_code, kind, category, program, subject_name,
       subject_nik_enc, subject_nik_bidx, member_id, family_id, description, reporter_name, reporter_phone_enc, has_photo,
       sla_due_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
     returning id`,
    [regencyCode, s.villageCode, trackingCode, s.kind, s.category, s.program ?? null, s.subjectName ?? null,
      s.subjectNik ? cipher.encrypt(s.subjectNik, SUBJECT_NIK_CONTEXT) : null, s.subjectNik ? index.compute('nik', s.subjectNik) : null,
      s.memberId ?? null, s.familyId ?? null, s.description, s.reporterName ?? null,
      s.reporterPhone ? cipher.encrypt(s.reporterPhone, PHONE_CONTEXT) : null, Boolean(s.photo), slaDueAt, now],
  );
  const id = rows[0]!.id;
  await tx.raw.query(
    `insert into portal_submission_event (regency_code, village_code, submission_id, occurred_at, actor, action, to_status)
     values ($1, $2, $3, $4, 'portal', 'submitted', 'diterima')`,
    [regencyCode, s.villageCode, id, now],
  );
  if (s.photo) {
    await tx.raw.query(
      `insert into portal_submission_photo (submission_id, regency_code, village_code, content_type, width, height, bytes, sha256)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, regencyCode, s.villageCode, s.photo.contentType, s.photo.width, s.photo.height, s.photo.bytes, createHash('sha256').update(s.photo.bytes).digest()],
    );
  }
  await appendAudit(tx, {
    action: `portal.${s.kind}.submitted`, entityType: 'portal_submission', entityId: id,
    changes: { villageCode: s.villageCode, category: s.category, program: s.program ?? null, hasPhoto: Boolean(s.photo), trackingCode },
  });
  return { ok: true, id, trackingCode, kind: s.kind, status: 'diterima', slaDueAt };
}

/**
 * @example await submitUsul(tx, deps, { villageCode: '32.01.01.2001', category: 'diri_sendiri', nik, name: 'SITI AMINAH', reason: '…' })
 */
export async function submitUsul(tx: Tx, deps: SubmitDeps, input: UsulInput, now = new Date()): Promise<SubmitResult> {
  let photo: NewSubmission['photo'];
  if (input.photo && input.photo.length > 0) {
    const img = sanitizeImage(input.photo, deps.imageLimits ?? DEFAULT_IMAGE_LIMITS);
    if (!img.ok) return { ok: false, reason: img.reason === 'empty' ? 'photo_corrupt' : `photo_${img.reason}` };
    photo = { contentType: img.contentType, bytes: img.bytes, width: img.width, height: img.height };
  }
  if (!(await isVillage(tx, input.villageCode))) return { ok: false, reason: 'unknown_village' };
  return insertSubmission(tx, deps, {
    kind: 'usul', category: input.category, villageCode: input.villageCode, program: input.program,
    subjectName: input.name, subjectNik: input.nik, description: input.reason,
    reporterName: input.reporterName, reporterPhone: input.reporterPhone, photo,
  }, now);
}

/**
 * The person objected to comes from a signed reference in a check result; the
 * sanggah goes to the village the person is registered in.
 */
export async function submitSanggah(tx: Tx, deps: SubmitDeps, input: SanggahInput, now = new Date()): Promise<SubmitResult> {
  const ref = deps.refs.verify(input.ref, now.getTime());
  if (!ref) return { ok: false, reason: 'invalid_ref' };
  const { rows } = await tx.raw.query<{ id: number; family_id: number; village_code: string }>(
    'select id, family_id, village_code from member where id = $1 and regency_code = $2', [ref.memberId, ref.regencyCode]);
  const m = rows[0];
  if (!m) return { ok: false, reason: 'invalid_ref' };
  return insertSubmission(tx, deps, {
    kind: 'sanggah', category: input.category, villageCode: m.village_code, memberId: m.id, familyId: m.family_id,
    description: input.reason, reporterName: input.reporterName, reporterPhone: input.reporterPhone,
  }, now);
}

export async function submitPengaduan(tx: Tx, deps: SubmitDeps, input: PengaduanInput, now = new Date()): Promise<SubmitResult> {
  if (!(await isVillage(tx, input.villageCode))) return { ok: false, reason: 'unknown_village' };
  return insertSubmission(tx, deps, {
    kind: 'pengaduan', category: input.category, villageCode: input.villageCode, program: input.program,
    subjectNik: input.nik, description: input.description, reporterName: input.reporterName, reporterPhone: input.reporterPhone,
  }, now);
}
