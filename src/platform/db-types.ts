/**
 * Row types for Kysely, in camelCase (CamelCasePlugin maps them to snake_case columns).
 * Only tables the application queries through Kysely are listed; bulk paths use SQL text.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Bytes = Uint8Array;

export interface RegionTable {
  code: string;
  parentCode: string | null;
  level: number;
  name: string;
  nameKey: string;
}

export interface FamilyTable {
  id: Generated<number>;
  regencyCode: string;
  villageCode: string;
  kkEnc: Bytes;
  kkBidx: Bytes;
  kkWarnings: string[];
  addressEnc: Bytes | null;
  rt: string | null;
  rw: string | null;
  phoneEnc: Bytes | null;
  tenure: string | null;
  landTitle: string | null;
  floorAreaM2: number | null;
  floorMaterial: string | null;
  wallMaterial: string | null;
  roofMaterial: string | null;
  waterSource: string | null;
  lightingSource: string | null;
  powerVa: number | null;
  cookingFuel: string | null;
  toiletFacility: string | null;
  sewageDisposal: string | null;
  hasGasCylinder: boolean | null;
  hasFridge: boolean | null;
  hasAc: boolean | null;
  hasTv: boolean | null;
  hasGold: boolean | null;
  hasComputer: boolean | null;
  hasMotorbike: boolean | null;
  hasCar: boolean | null;
  hasBoat: boolean | null;
  hasSmartphone: boolean | null;
  ownsLand: boolean | null;
  ownsOtherHouse: boolean | null;
  cattle: number | null;
  buffalo: number | null;
  goats: number | null;
  pigs: number | null;
  hasInternet: boolean | null;
  hasBankAccount: boolean | null;
  programsReceived: string[];
  programsReceivedPeriods: string[];
  rowHash: Bytes;
  version: Generated<number>;
  sourceFileId: number | null;
  sourceRow: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface MemberTable {
  id: Generated<number>;
  regencyCode: string;
  familyId: number;
  villageCode: string;
  memberKey: Bytes;
  nikEnc: Bytes | null;
  nikBidx: Bytes | null;
  nikWarnings: string[];
  fullName: string;
  sex: 'L' | 'P';
  birthPlace: string | null;
  birthDate: string | null;
  relationship: string;
  maritalStatus: string | null;
  presenceStatus: string;
  motherName: string | null;
  identityDocument: string | null;
  schoolParticipation: string | null;
  educationLevel: string | null;
  schoolGrade: number | null;
  workStatus: string | null;
  occupation: string | null;
  workHours: number | null;
  hasBusiness: boolean | null;
  disabilities: string[];
  severeDisability: boolean;
  chronicIllness: string | null;
  healthInsurance: string | null;
  isPregnant: boolean;
  phoneEnc: Bytes | null;
  rowHash: Bytes;
  version: Generated<number>;
  sourceFileId: number | null;
  sourceRow: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface RegistryChangeTable {
  id: Generated<number>;
  regencyCode: string;
  villageCode: string;
  entityType: string;
  entityId: number;
  op: 'insert' | 'update' | 'delete';
  changedAt: Timestamp;
  actor: string;
  channel: string | null;
  requestId: string | null;
  sourceFileId: number | null;
  sourceRow: number | null;
  changes: unknown;
}

export interface ImportFileTable {
  id: Generated<number>;
  sha256: string;
  fileName: string;
  kind: 'families' | 'members';
  status: Generated<'running' | 'done' | 'failed'>;
  rowsDone: Generated<number>;
  inserted: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
  startedBy: string;
  startedAt: Timestamp;
  finishedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Incremental identity check after the import (migration 0014): last member id checked. */
  identityCheckedThrough: ColumnType<number | null, number | null | undefined, number | null>;
  identityCheckStatus: ColumnType<'done' | 'skipped' | null, 'done' | 'skipped' | null | undefined, 'done' | 'skipped' | null>;
}

export interface ImportRejectTable {
  fileId: number;
  rowNo: number;
  columnName: string;
  code: string;
  message: string;
  valueMasked: string | null;
}

export interface AuditLogTable {
  seq: number;
  occurredAt: Timestamp;
  actor: string;
  actorRole: string;
  scope: string;
  channel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  changes: string;
  requestId: string | null;
  prevHash: Bytes;
  hash: Bytes;
}

export interface CryptoKeyTable {
  id: number;
  purpose: string;
  wrappedKey: Bytes;
  provider: string;
  createdAt: Timestamp;
  isCurrent: boolean;
}

export interface JobTable {
  id: Generated<number>;
  kind: string;
  params: unknown;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  cursor: string | null;
  progressDone: number;
  progressTotal: number | null;
  result: unknown;
  error: string | null;
  createdBy: string;
  createdAt: Timestamp;
  startedAt: Timestamp | null;
  finishedAt: Timestamp | null;
  heartbeatAt: Timestamp | null;
}

export interface AccountTable {
  id: Generated<number>;
  username: string;
  role: string;
  scope: string;
  passwordHash: string;
  totpSecretEnc: Bytes | null;
  totpLastStep: number | null;
  isActive: Generated<boolean>;
  failedLogins: Generated<number>;
  lockedUntil: ColumnType<Date | null, Date | null | undefined, Date | null>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface SessionTable {
  tokenHash: Bytes;
  accountId: number;
  csrfToken: string;
  createdAt: Timestamp;
  lastSeenAt: ColumnType<Date, Date | undefined, Date>;
  expiresAt: ColumnType<Date, Date, Date>;
  revokedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface AccessLogTable {
  id: Generated<number>;
  regencyCode: string;
  villageCode: string;
  occurredAt: Timestamp;
  actor: string;
  actorRole: string;
  entityType: string;
  entityId: number;
  kind: 'record' | 'unmasked';
  purpose: string | null;
  requestId: string | null;
}

export interface Tables {
  accessLog: AccessLogTable;
  account: AccountTable;
  session: SessionTable;
  region: RegionTable;
  family: FamilyTable;
  member: MemberTable;
  registryChange: RegistryChangeTable;
  importFile: ImportFileTable;
  importReject: ImportRejectTable;
  auditLog: AuditLogTable;
  cryptoKey: CryptoKeyTable;
  job: JobTable;
}
