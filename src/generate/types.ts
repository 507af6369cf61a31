/**
 * Shapes of the generated population. Record field names are the `field`s of
 * `familyColumns`/`memberColumns`, so a record becomes a CSV row by walking the columns.
 */
import type { Ethnicity, Sex } from './names.js';
import type { Village } from './regions.js';

export interface ProgramReceipt {
  readonly code: string;
  /** `YYYY-MM` of the latest receipt, when the family reports it. */
  readonly month?: string | undefined;
}

export type CellValue = string | number | boolean | null | readonly string[] | readonly ProgramReceipt[];

/** One row of families.csv, keyed by the `field` of each family column. */
export interface FamilyRecord {
  readonly [field: string]: CellValue;
  readonly kkNumber: string;
  readonly villageCode: string;
  readonly address: string;
  readonly rt: string;
  readonly rw: string;
  readonly phone: string | null;
  readonly tenure: string;
  readonly landTitle: string;
  readonly floorAreaM2: number;
  readonly floorMaterial: string;
  readonly wallMaterial: string;
  readonly roofMaterial: string;
  readonly waterSource: string;
  readonly lightingSource: string;
  readonly powerVa: number | null;
  readonly cookingFuel: string;
  readonly toiletFacility: string;
  readonly sewageDisposal: string;
  readonly hasGasCylinder: boolean;
  readonly hasFridge: boolean;
  readonly hasAc: boolean;
  readonly hasTv: boolean;
  readonly hasGold: boolean;
  readonly hasComputer: boolean;
  readonly hasMotorbike: boolean;
  readonly hasCar: boolean;
  readonly hasBoat: boolean;
  readonly hasSmartphone: boolean;
  readonly ownsLand: boolean;
  readonly ownsOtherHouse: boolean;
  readonly cattle: number;
  readonly buffalo: number;
  readonly goats: number;
  readonly pigs: number;
  readonly hasInternet: boolean;
  readonly hasBankAccount: boolean;
  readonly programsReceived: readonly ProgramReceipt[];
}

/** One row of members.csv, keyed by the `field` of each member column. */
export interface MemberRecord {
  readonly [field: string]: CellValue;
  readonly kkNumber: string;
  /** null: the person has no NIK yet (a newborn not yet registered). */
  readonly nik: string | null;
  readonly fullName: string;
  readonly sex: Sex;
  readonly birthPlace: string;
  readonly birthDate: string;
  readonly relationship: string;
  readonly maritalStatus: string;
  /** null: living in the family (the default on import). */
  readonly presenceStatus: string | null;
  readonly motherName: string;
  readonly identityDocument: string;
  readonly schoolParticipation: string | null;
  readonly educationLevel: string | null;
  readonly schoolGrade: number | null;
  readonly workStatus: string | null;
  readonly occupation: string | null;
  readonly workHours: number | null;
  readonly hasBusiness: boolean | null;
  readonly disabilities: readonly string[];
  readonly severeDisability: boolean;
  readonly chronicIllness: string;
  readonly healthInsurance: string;
  readonly isPregnant: boolean | null;
  readonly phone: string | null;
}

export interface GeneratedPerson {
  /** Stable id of the person for a given seed and options: `F0000012-03`. */
  readonly personId: string;
  readonly record: MemberRecord;
  readonly ethnicity: Ethnicity;
  readonly isMuslim: boolean;
  /** Completed years on the reference date. */
  readonly age: number;
  /** District (dotted) where the NIK was issued; differs from the family's for people who moved. */
  readonly nikDistrict: string;
  /** Person ids of parents living in the same family, when they do. */
  readonly motherId?: string | undefined;
  readonly fatherId?: string | undefined;
  /** Lookalikes that are not duplicates. */
  readonly twinOf?: string | undefined;
  readonly namedAfter?: string | undefined;
  readonly hasCommonName: boolean;
}

export type HouseholdKind =
  | 'couple_children' | 'couple_only' | 'single_mother' | 'single_father' | 'elderly_single'
  | 'elderly_couple' | 'extended' | 'three_generation' | 'single_adult';

/** Hidden truth: never written to the import files. */
export interface FamilyTruth {
  /** Monthly consumption per person living in the family, rupiah. */
  readonly consumptionPerCapita: number;
  readonly povertyLine: number;
  readonly isPoor: boolean;
  /** Members living in the family (not deceased or moved away). */
  readonly householdSize: number;
  /** Latent welfare score the observables were drawn from (standard-normal scale). */
  readonly welfare: number;
}

export interface GeneratedFamily {
  /** `F0000012`: 1-based position in the generated order, zero-padded. */
  readonly familyId: string;
  /** 0-based position in the generated order. */
  readonly index: number;
  readonly kind: HouseholdKind;
  readonly village: Village;
  readonly kkIssueDate: string;
  readonly record: FamilyRecord;
  readonly members: readonly GeneratedPerson[];
  readonly truth: FamilyTruth;
}
