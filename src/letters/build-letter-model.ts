import type { Case, RoutedRecipient, Scheme } from '../cases';
import type { Institution } from '../institutions';
import { dativeOfName, genderOfName, genderOfRelation } from './latvian';
import { PARENTS_RECIPIENT, type LetterModel, type ModelAttachment, type ModelBody, type ModelInstitution } from './letter-model';

/** Everything a letter is made of. */
export interface LetterSource {
  case: Case;
  scheme: Scheme;
  institution: Pick<Institution, 'id' | 'kind' | 'name' | 'regNo' | 'address' | 'email' | 'phone'>;
  /** The case's routed recipients (all of them: each letter tells of the others). */
  routed: readonly RoutedRecipient[];
  /** This letter's recipient: a routed recipient's key, or `parents` for the notice of step 2. */
  recipientKey: string;
  attachments: readonly ModelAttachment[];
  registrationNumber: string;
  createdAt: string;
}

const EDUCATIONAL_KINDS = new Set(['school', 'preschool', 'education_board']);

/**
 * The template data of one letter, from the case, the scheme, the sending institution and the
 * materials. Optional case fields become null; genders and the parents' datives are worked out
 * here, once, so templates only choose words.
 */
export function buildLetterModel(src: LetterSource): LetterModel {
  const c = src.case;
  const bodies: ModelBody[] = src.routed.map((r) => ({ key: r.key, name: r.name, dative: r.addressee }));
  const common = {
    registrationNumber: src.registrationNumber,
    createdAt: src.createdAt,
    externalReference: c.externalReference ?? null,
    institution: institutionOf(src.institution),
    child: {
      fullName: c.child.fullName,
      personalCode: c.child.personalCode ?? null,
      birthDate: c.child.birthDate,
      group: c.child.group ?? null,
      address: c.child.address ?? null,
      gender: genderOfName(c.child.fullName) ?? null,
    },
    parents: c.parents.map((p) => ({
      fullName: p.fullName,
      dative: dativeOfName(p.fullName, genderOfRelation(p.relation) ?? genderOfName(p.fullName)),
      relation: p.relation,
      address: p.address ?? null,
      phone: p.phone ?? null,
      email: p.email ?? null,
    })),
    situation: c.situation,
    actions: c.actionsTaken.map((a) => ({ date: a.date, stage: a.stage, by: a.by, description: a.description })),
    parentsInformed: c.parentsInformed
      ? { date: c.parentsInformed.date, method: c.parentsInformed.method, reference: c.parentsInformed.reference ?? null }
      : null,
    contactPerson: c.contactPerson
      ? { fullName: c.contactPerson.fullName, position: c.contactPerson.position, phone: c.contactPerson.phone ?? null, email: c.contactPerson.email ?? null }
      : null,
    signatory: { fullName: c.signatory.fullName, position: c.signatory.position },
  };

  if (src.recipientKey === PARENTS_RECIPIENT) {
    const grounds = c.grounds;
    return {
      ...common,
      kind: 'parents_notice',
      // Personal data goes to private mailboxes only encrypted: the notice goes by post or e-address.
      recipient: { key: PARENTS_RECIPIENT, name: c.parents.map((p) => p.fullName).join(', ') || 'Bērna likumiskie pārstāvji', emails: [] },
      grounds: groundsOf(src.scheme, grounds),
      groundKeys: [...grounds],
      // The bodies' work materials are not the parents' to receive.
      attachments: [],
      escalation: bodies,
    };
  }

  const recipient = src.routed.find((r) => r.key === src.recipientKey);
  if (!recipient) throw new Error(`"${src.recipientKey}" is not a recipient this case was routed to.`);
  return {
    ...common,
    kind: 'referral',
    recipient: { key: recipient.key, name: recipient.name, dative: recipient.addressee, emails: [...recipient.emails] },
    grounds: groundsOf(src.scheme, recipient.grounds),
    groundKeys: [...recipient.grounds],
    attachments: src.attachments.map((a) => ({ filename: a.filename, size: a.size, sha256: a.sha256 })),
    alsoSentTo: bodies.filter((b) => b.key !== recipient.key),
  };
}

function institutionOf(i: LetterSource['institution']): ModelInstitution {
  return {
    id: i.id,
    kind: i.kind,
    name: i.name,
    regNo: i.regNo,
    address: i.address,
    email: i.email,
    phone: i.phone ?? null,
    educational: EDUCATIONAL_KINDS.has(i.kind),
  };
}

function groundsOf(scheme: Scheme, keys: readonly string[]) {
  return keys.map((key) => ({ key, wording: scheme.grounds.get(key)?.legalWording ?? key }));
}
