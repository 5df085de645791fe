/**
 * What a letter template sees: the typed data of one letter. Built from a case, the scheme, the
 * sending institution and the case's materials (`buildLetterModel`); every optional value is
 * present as null, so templates (compiled strict) can test it, and a misspelt field is an error.
 */

export type ActionStage = 'teacher' | 'support_staff' | 'administration' | 'social_service' | 'education_board';
export type InformMethod = 'letter' | 'email' | 'e_address' | 'in_person';

/** The sending institution, as its letterhead shows it. */
export interface ModelInstitution {
  id: string;
  kind: string;
  name: string;
  regNo: string;
  address: string;
  email: string;
  phone: string | null;
  /** A school, pre-school or education board: its letters call the child "izglītojamais". */
  educational: boolean;
}

export interface ModelChild {
  fullName: string;
  personalCode: string | null;
  /** YYYY-MM-DD. */
  birthDate: string;
  /** Class or group, e.g. "6.b klase". */
  group: string | null;
  address: string | null;
  /** From the given name (`genderOfName`); null when it does not say. */
  gender: 'm' | 'f' | null;
}

export interface ModelParent {
  fullName: string;
  /** The name in the dative, for an addressee line. */
  dative: string;
  /** "māte", "tēvs", "aizbildnis"… */
  relation: string;
  address: string | null;
  phone: string | null;
  email: string | null;
}

export interface ModelAction {
  date: string;
  stage: ActionStage;
  by: string;
  description: string;
}

export interface ModelGround {
  key: string;
  /** The scheme's Latvian wording of the ground. */
  wording: string;
}

/** Another body of the scheme: a recipient of this case's letters. */
export interface ModelBody {
  key: string;
  /** Nominative. */
  name: string;
  /** The addressee line (dative). */
  dative: string;
}

export interface ModelAttachment {
  filename: string;
  size: number;
  sha256: string;
}

interface CommonModel {
  registrationNumber: string;
  /** When the letter was created (ISO-8601); written into the PDF's metadata, never printed. */
  createdAt: string;
  externalReference: string | null;
  institution: ModelInstitution;
  child: ModelChild;
  parents: ModelParent[];
  /** Every ground that led to this letter. */
  grounds: ModelGround[];
  groundKeys: string[];
  situation: string;
  actions: ModelAction[];
  parentsInformed: { date: string; method: InformMethod; reference: string | null } | null;
  contactPerson: { fullName: string; position: string; phone: string | null; email: string | null } | null;
  attachments: ModelAttachment[];
  signatory: { fullName: string; position: string };
}

/** A letter of step 3 and on: to a body of the scheme. */
export interface ReferralLetterModel extends CommonModel {
  kind: 'referral';
  recipient: ModelBody & { emails: string[] };
  /** The case's other recipients, told of in the letter so the bodies know who else acts. */
  alsoSentTo: ModelBody[];
}

/** The written notice to the parents of step 2. */
export interface ParentsNoticeModel extends CommonModel {
  kind: 'parents_notice';
  recipient: { key: 'parents'; name: string; emails: string[] };
  /** The bodies the institution will turn to if nothing changes (the case's routed recipients). */
  escalation: ModelBody[];
}

export type LetterModel = ReferralLetterModel | ParentsNoticeModel;

/** The recipient key of the parents' notice; every other key is a recipient of the scheme. */
export const PARENTS_RECIPIENT = 'parents';
export const PARENTS_TEMPLATE = 'parents-notice';
