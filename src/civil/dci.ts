/**
 * The wire format: DCI (SPDCI) civil-registration API v1.0.0, `/registry/sync/search`
 * (see /work/shared/specs/dci/crvs_api_v1.0.0.yaml). Each message is
 * `{ signature?, header, message }`; a search message carries a batch of
 * `search_request` items, each answered by a `search_response` item with the same
 * `reference_id`.
 *
 * Three record types are used:
 * - `dukcapil:VerificationResult` (query_type `idtype-value`, type `NIK`, the value an
 *   object of the claimed attributes): per-field "sesuai / tidak_sesuai", as Dukcapil's
 *   verification service answers, without returning the registry's values.
 * - `spdci-extensions-dci:Person` (type `KK`): the people on a family card.
 * - `dukcapil:VitalEvent` (query_type `expression`, `seq gt CURSOR`, paginated): the
 *   event feed. Each record is shaped like a `notify_event` item of `/registry/notify`
 *   (reference_id, timestamp, data.reg_event_type, data.reg_records), so the same
 *   mapping serves a push subscription.
 *
 * Pure module: builders and parsers only.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CivilEvent, CivilPerson, FieldMatch, NikStatus, type CivilEventType, type UnreadableEvent, type VerifyRequest, type VerifyResult } from './types.js';

export const DCI_VERSION = '1.0.0';
export const REG_TYPE = 'ns:org:RegistryType:Civil';
export const RECORD_VERIFICATION = 'dukcapil:VerificationResult';
export const RECORD_PERSON = 'spdci-extensions-dci:Person';
export const RECORD_VITAL_EVENT = 'dukcapil:VitalEvent';
export const SEARCH_PATH = '/registry/sync/search';
export const SUBSCRIBE_PATH = '/registry/subscribe';

/** DCI event type names; UN vital events where one exists, Dukcapil extensions otherwise. */
export const EVENT_TYPE_URI: Record<CivilEventType, string> = {
  death: 'spdci-common:RegistryEventType:Death',
  birth: 'spdci-common:RegistryEventType:LiveBirth',
  move: 'dukcapil:RegistryEventType:Pindah',
  kk_change: 'dukcapil:RegistryEventType:PerubahanKK',
  correction: 'dukcapil:RegistryEventType:PembetulanBiodata',
};
const EVENT_TYPE_OF_URI = new Map(Object.entries(EVENT_TYPE_URI).map(([k, v]) => [v, k as CivilEventType]));

// ------------------------------------------------------------------ envelope

export const MsgHeader = z.object({
  version: z.string().default(DCI_VERSION),
  message_id: z.string().min(1).max(99),
  message_ts: z.string(),
  action: z.string(),
  sender_id: z.string().optional(),
  receiver_id: z.string().optional(),
  total_count: z.number().int().nonnegative().optional(),
  status: z.enum(['rcvd', 'pdng', 'succ', 'rjct']).optional(),
  status_reason_code: z.string().optional(),
  status_reason_message: z.string().optional(),
  completed_count: z.number().int().optional(),
}).passthrough();
export type MsgHeader = z.infer<typeof MsgHeader>;

const Expression = z.object({
  attribute_name: z.string(),
  operator: z.enum(['gt', 'lt', 'eq', 'ge', 'le', 'in']),
  attribute_value: z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())]),
});

export const SearchCriteria = z.object({
  version: z.string().optional(),
  reg_type: z.string().optional(),
  reg_record_type: z.string(),
  query_type: z.enum(['idtype-value', 'expression', 'predicate', 'graphql']),
  query: z.union([
    z.object({ type: z.string(), value: z.union([z.string(), z.number(), z.record(z.string(), z.unknown())]) }),
    z.array(z.object({ seq_num: z.number().optional(), expression1: Expression, condition: z.enum(['and', 'or', 'not']).optional(), expression2: Expression.optional() })),
  ]),
  pagination: z.object({ page_size: z.number().int().positive(), page_number: z.number().int().positive().optional() }).optional(),
});
export type SearchCriteria = z.infer<typeof SearchCriteria>;

export const SearchRequestItem = z.object({
  reference_id: z.string().min(1).max(99),
  timestamp: z.string(),
  search_criteria: SearchCriteria,
  locale: z.string().optional(),
});

export const SearchRequestMessage = z.object({
  signature: z.string().optional(),
  header: MsgHeader,
  message: z.object({ transaction_id: z.string().max(99), search_request: z.array(SearchRequestItem).min(1).max(1000) }),
});
export type SearchRequestMessage = z.infer<typeof SearchRequestMessage>;

export const SearchResponseItem = z.object({
  reference_id: z.string(),
  timestamp: z.string(),
  status: z.enum(['rcvd', 'pdng', 'succ', 'rjct']),
  status_reason_code: z.string().optional(),
  status_reason_message: z.string().optional(),
  data: z.object({
    version: z.string().optional(),
    reg_type: z.string().optional(),
    reg_record_type: z.string().optional(),
    reg_records: z.array(z.unknown()),
  }).optional(),
  pagination: z.object({ page_size: z.number(), page_number: z.number(), total_count: z.number() }).optional(),
});
export type SearchResponseItem = z.infer<typeof SearchResponseItem>;

export const SearchResponseMessage = z.object({
  signature: z.string().optional(),
  header: MsgHeader,
  message: z.object({ transaction_id: z.string(), correlation_id: z.string(), search_response: z.array(SearchResponseItem) }),
});
export type SearchResponseMessage = z.infer<typeof SearchResponseMessage>;

/** HTTP transport error body (HttpErrorResponse). */
export function httpErrorBody(code: string, message: string): { errors: Array<{ code: string; message: string }> } {
  return { errors: [{ code, message }] };
}

export function header(action: string, senderId: string, receiverId: string, totalCount: number): MsgHeader {
  return { version: DCI_VERSION, message_id: randomUUID(), message_ts: new Date().toISOString(), action, sender_id: senderId, receiver_id: receiverId, total_count: totalCount };
}

function criteria(recordType: string, query: SearchCriteria['query'], queryType: SearchCriteria['query_type'], pagination?: SearchCriteria['pagination']): SearchCriteria {
  return { version: DCI_VERSION, reg_type: REG_TYPE, reg_record_type: recordType, query_type: queryType, query, ...(pagination ? { pagination } : {}) };
}

function envelope(items: Array<{ referenceId: string; criteria: SearchCriteria }>, senderId: string, receiverId: string): SearchRequestMessage {
  const ts = new Date().toISOString();
  return {
    header: header('search', senderId, receiverId, items.length),
    message: {
      transaction_id: randomUUID(),
      search_request: items.map((i) => ({ reference_id: i.referenceId, timestamp: ts, search_criteria: i.criteria })),
    },
  };
}

// ------------------------------------------------------------------ verification

/** One search message verifying a batch; reference ids are the positions in the batch. */
export function verificationSearch(requests: readonly VerifyRequest[], senderId = 'tepat', receiverId = 'dukcapil'): SearchRequestMessage {
  return envelope(requests.map((r, i) => ({
    referenceId: String(i),
    criteria: criteria(RECORD_VERIFICATION, {
      type: 'NIK',
      value: { nik: r.nik, name: r.name, birth_date: r.birthDate, ...(r.kk ? { kk: r.kk } : {}) },
    }, 'idtype-value'),
  })), senderId, receiverId);
}

export const VerificationQueryValue = z.object({
  nik: z.string(),
  name: z.string(),
  birth_date: z.string().nullable(),
  kk: z.string().optional(),
});

export const VerificationRecord = z.object({
  '@type': z.literal(RECORD_VERIFICATION).optional(),
  nik_status: NikStatus,
  match: z.object({ name: FieldMatch.optional(), birth_date: FieldMatch.optional(), kk: FieldMatch.optional() }).default({}),
});
export type VerificationRecord = z.infer<typeof VerificationRecord>;

export function verificationRecord(r: VerifyResult): VerificationRecord {
  const match: VerificationRecord['match'] = {};
  if (r.name) match.name = r.name;
  if (r.birthDate) match.birth_date = r.birthDate;
  if (r.kk) match.kk = r.kk;
  return { '@type': RECORD_VERIFICATION, nik_status: r.nikStatus, match };
}

export function verifyResultOf(rec: VerificationRecord): VerifyResult {
  return {
    nikStatus: rec.nik_status,
    ...(rec.match.name ? { name: rec.match.name } : {}),
    ...(rec.match.birth_date ? { birthDate: rec.match.birth_date } : {}),
    ...(rec.match.kk ? { kk: rec.match.kk } : {}),
  };
}

// ------------------------------------------------------------------ family by KK

export function familySearch(kk: string, senderId = 'tepat', receiverId = 'dukcapil'): SearchRequestMessage {
  return envelope([{ referenceId: '0', criteria: criteria(RECORD_PERSON, { type: 'KK', value: kk }, 'idtype-value') }], senderId, receiverId);
}

const Identifier = z.object({ identifier_type: z.string(), identifier_value: z.string() });
export const DciPerson = z.object({
  '@type': z.string().optional(),
  identifier: z.array(Identifier),
  name: z.object({ given_name: z.string() }).passthrough(),
  sex: z.enum(['male', 'female']),
  birth_date: z.string(),
  death_date: z.string().nullable().optional(),
  relationship: z.string().optional(),
  address: z.object({ region_code: z.string() }).passthrough(),
});
export type DciPerson = z.infer<typeof DciPerson>;

export function dciPerson(p: CivilPerson): DciPerson {
  return {
    '@type': 'CRVS_Person',
    identifier: [{ identifier_type: 'NIK', identifier_value: p.nik }],
    name: { given_name: p.name },
    sex: p.sex === 'P' ? 'female' : 'male',
    birth_date: p.birthDate,
    death_date: p.deathDate,
    ...(p.relationship ? { relationship: p.relationship } : {}),
    address: { region_code: p.villageCode },
  };
}

export function civilPersonOf(p: DciPerson): CivilPerson {
  const nik = p.identifier.find((i) => i.identifier_type === 'NIK')?.identifier_value ?? '';
  return CivilPerson.parse({
    nik, name: p.name.given_name, sex: p.sex === 'female' ? 'P' : 'L', birthDate: p.birth_date.slice(0, 10),
    ...(p.relationship ? { relationship: p.relationship } : {}), villageCode: p.address.region_code, deathDate: p.death_date ?? null,
  });
}

// ------------------------------------------------------------------ vital events

export function eventSearch(cursor: string, limit: number, senderId = 'tepat', receiverId = 'dukcapil'): SearchRequestMessage {
  const after = cursor === '' ? 0 : Number(cursor);
  return envelope([{
    referenceId: '0',
    criteria: criteria(RECORD_VITAL_EVENT, [{ seq_num: 1, expression1: { attribute_name: 'seq', operator: 'gt', attribute_value: after } }], 'expression', { page_size: limit, page_number: 1 }),
  }], senderId, receiverId);
}

/**
 * A vital event as a DCI `notify_event` item: reference_id = event id, the event's data
 * under `data` with its DCI event type, the person(s) concerned in `reg_records`.
 */
export const DciVitalEvent = z.object({
  reference_id: z.string(),
  timestamp: z.string(),
  seq: z.number().int().positive(),
  data: z.object({
    version: z.string().optional(),
    reg_type: z.string().optional(),
    reg_event_type: z.string(),
    reg_record_type: z.string().optional(),
    reg_records: z.object({
      occurred_on: z.string(),
      identifier: z.array(Identifier),
      members: z.array(z.string()).optional(),
      name: z.object({ given_name: z.string() }).optional(),
      sex: z.enum(['male', 'female']).optional(),
      birth_date: z.string().optional(),
      address: z.object({ region_code: z.string() }).optional(),
      new_group_identifier: z.string().optional(),
      old_group_identifier: z.string().optional(),
      reason: z.string().optional(),
      change: z.object({ attribute_name: z.enum(['name', 'birth_date']), attribute_value: z.string() }).optional(),
    }),
  }),
});
export type DciVitalEvent = z.infer<typeof DciVitalEvent>;

export function dciEvent(e: CivilEvent): DciVitalEvent {
  const id = (type: string, value: string) => ({ identifier_type: type, identifier_value: value });
  let rec: DciVitalEvent['data']['reg_records'];
  switch (e.type) {
    case 'death': rec = { occurred_on: e.occurredOn, identifier: [id('NIK', e.nik)] }; break;
    case 'move': rec = { occurred_on: e.occurredOn, identifier: [id('KK', e.kk)], members: [...e.niks], address: { region_code: e.toVillageCode }, new_group_identifier: e.newKk }; break;
    case 'kk_change': rec = { occurred_on: e.occurredOn, identifier: [id('NIK', e.nik)], old_group_identifier: e.oldKk, new_group_identifier: e.newKk, reason: e.reason }; break;
    case 'correction': rec = { occurred_on: e.occurredOn, identifier: [id('NIK', e.nik)], change: { attribute_name: e.field, attribute_value: e.value } }; break;
    case 'birth': rec = {
      occurred_on: e.occurredOn, identifier: [id('NIK', e.nik), id('KK', e.kk)], name: { given_name: e.name },
      sex: e.sex === 'P' ? 'female' : 'male', birth_date: e.birthDate, address: { region_code: e.villageCode },
    }; break;
  }
  return {
    reference_id: e.eventId, timestamp: e.publishedAt, seq: e.seq,
    data: { version: DCI_VERSION, reg_type: REG_TYPE, reg_event_type: EVENT_TYPE_URI[e.type], reg_record_type: RECORD_PERSON, reg_records: rec },
  };
}

/** Maps a DCI event back; throws on a record that is not a known, well-formed event. */
export function civilEventOf(d: DciVitalEvent): CivilEvent {
  const type = EVENT_TYPE_OF_URI.get(d.data.reg_event_type);
  const r = d.data.reg_records;
  const ident = (t: string) => r.identifier.find((i) => i.identifier_type === t)?.identifier_value;
  const base = { eventId: d.reference_id, seq: d.seq, occurredOn: r.occurred_on, publishedAt: d.timestamp };
  switch (type) {
    case 'death': return CivilEvent.parse({ ...base, type, nik: ident('NIK') });
    case 'move': return CivilEvent.parse({ ...base, type, kk: ident('KK'), niks: r.members, toVillageCode: r.address?.region_code, newKk: r.new_group_identifier });
    case 'kk_change': return CivilEvent.parse({ ...base, type, nik: ident('NIK'), oldKk: r.old_group_identifier, newKk: r.new_group_identifier, reason: r.reason });
    case 'correction': return CivilEvent.parse({ ...base, type, nik: ident('NIK'), field: r.change?.attribute_name, value: r.change?.attribute_value });
    case 'birth': return CivilEvent.parse({
      ...base, type, nik: ident('NIK'), kk: ident('KK'), name: r.name?.given_name, sex: r.sex === 'female' ? 'P' : 'L', birthDate: r.birth_date, villageCode: r.address?.region_code,
    });
    default: throw new Error(`unknown event type ${d.data.reg_event_type}`);
  }
}

const EventRef = z.object({ reference_id: z.string().min(1).max(99), seq: z.number().int().positive() });

/**
 * Reads vital-event records (from a search page or a notify message). A record that is
 * not a known, well-formed event but has an id and position comes back as unreadable, to
 * be kept in the ledger; one without even those makes the whole batch unusable.
 */
export function readEventRecords(records: readonly unknown[]): { ok: true; events: CivilEvent[]; unreadable: UnreadableEvent[]; lastSeq: number | undefined } | { ok: false } {
  const events: CivilEvent[] = [];
  const unreadable: UnreadableEvent[] = [];
  let lastSeq: number | undefined;
  for (const raw of records) {
    const ref = EventRef.safeParse(raw);
    if (!ref.success) return { ok: false };
    lastSeq = ref.data.seq;
    const dci = DciVitalEvent.safeParse(raw);
    if (!dci.success) {
      unreadable.push({ eventId: ref.data.reference_id, seq: ref.data.seq, problem: dci.error.issues[0]?.message ?? 'invalid' });
      continue;
    }
    try {
      events.push(civilEventOf(dci.data));
    } catch (err) {
      unreadable.push({ eventId: ref.data.reference_id, seq: ref.data.seq, problem: (err as Error).message.slice(0, 200) });
    }
  }
  return { ok: true, events, unreadable, lastSeq };
}

// ------------------------------------------------------------------ subscribe / notify (push)

export const SubscribeRequestMessage = z.object({
  signature: z.string().optional(),
  header: MsgHeader.extend({ sender_uri: z.string().url() }),
  message: z.object({
    transaction_id: z.string().max(99),
    subscribe_request: z.array(z.object({
      reference_id: z.string().min(1).max(99),
      timestamp: z.string(),
      subscribe_criteria: z.object({
        version: z.string().optional(),
        reg_type: z.string().optional(),
        reg_event_type: z.string(),
        filter_type: z.string().optional(),
        filter: z.unknown(),
        notify_record_type: z.string(),
      }),
    })).min(1).max(20),
  }),
});
export type SubscribeRequestMessage = z.infer<typeof SubscribeRequestMessage>;

/** Acknowledgement of an async request (components.responses.Response). */
export const AckResponse = z.object({
  message: z.object({
    ack_status: z.enum(['ACK', 'NACK', 'ERR']),
    timestamp: z.string(),
    correlation_id: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).partial().optional(),
  }),
});
export type AckResponse = z.infer<typeof AckResponse>;

export function ack(status: 'ACK' | 'NACK' | 'ERR' = 'ACK', error?: { code: string; message: string }): AckResponse {
  return { message: { ack_status: status, timestamp: new Date().toISOString(), correlation_id: randomUUID(), ...(error ? { error } : {}) } };
}

/**
 * Subscribes to vital events: one subscribe_request item per event type, delivered by
 * `/registry/notify` to `{senderUri}/notify` (and `{senderUri}/on-subscribe` for the answer).
 */
export function subscribeMessage(types: readonly CivilEventType[], senderUri: string, senderId = 'tepat', receiverId = 'dukcapil'): SubscribeRequestMessage {
  const ts = new Date().toISOString();
  return {
    header: { ...header('subscribe', senderId, receiverId, types.length), sender_uri: senderUri },
    message: {
      transaction_id: randomUUID(),
      subscribe_request: types.map((t, i) => ({
        reference_id: String(i), timestamp: ts,
        subscribe_criteria: {
          version: DCI_VERSION, reg_type: REG_TYPE, reg_event_type: EVENT_TYPE_URI[t], filter_type: 'expression',
          filter: [{ seq_num: 1, expression1: { attribute_name: 'seq', operator: 'gt', attribute_value: 0 } }], notify_record_type: RECORD_PERSON,
        },
      })),
    },
  };
}

export const NotifyMessage = z.object({
  signature: z.string().optional(),
  header: MsgHeader,
  message: z.object({ transaction_id: z.string().max(99), notify_event: z.array(z.unknown()) }),
});
export type NotifyMessage = z.infer<typeof NotifyMessage>;

export function notifyMessage(events: readonly CivilEvent[], senderId = 'dukcapil', receiverId = 'tepat'): NotifyMessage {
  return {
    header: { ...header('notify', senderId, receiverId, events.length), status: 'succ' },
    message: { transaction_id: randomUUID(), notify_event: events.map(dciEvent) },
  };
}

/** Event type of a DCI `reg_event_type`, if it is one Tepat knows. */
export function eventTypeOfUri(uri: string): CivilEventType | undefined {
  return EVENT_TYPE_OF_URI.get(uri);
}
