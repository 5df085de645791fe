import type { InstitutionKind } from '../../institutions';
import type { ActionStage, InformMethod } from '../case-schema';

/** An institution a scheme sends letters to. */
export interface SchemeRecipient {
  key: string;
  /** Nominative: "Valsts policija". */
  name: string;
  /** Dative addressee line: "Valsts policijai". */
  addressee: string;
  /** Every address gets the one message (State Police has two). */
  emails: string[];
  /** Letter template id under `<profile>/letters/`. */
  template: string;
}

/** A reason for a referral, as callers name it and as letters word it. */
export interface SchemeGround {
  key: string;
  label: string;
  legalWording: string;
}

/** One row of the routing table: a sender of these kinds, stating this ground, writes to these recipients. */
export interface RoutingRule {
  id: string;
  senders: readonly InstitutionKind[] | 'any';
  ground: string;
  recipients: readonly string[];
  /** Paragraph of the source decision. */
  paragraph: string;
  /** The scheme's own words for it. */
  text: string;
}

/** What the scheme expects a case to show before it goes to certain recipients. */
export interface Precondition {
  code: string;
  paragraph: string;
  senders: readonly InstitutionKind[] | 'any';
  recipients: readonly string[] | undefined;
  requires: { actions?: ActionStage[][] | undefined; parentsInformed?: InformMethod[] | undefined };
  message: string;
}

/**
 * A municipality's referral scheme, loaded from `templates/<profile>/scheme.json` and checked
 * whole: every key a rule names exists. Maps keep the file's order.
 */
export interface Scheme {
  profile: string;
  version: string;
  municipality: string;
  title: string;
  source: { decision: string; adopted: string; note?: string | undefined; url?: string | undefined };
  /** The profile folder; letter templates are under `letters/` in it. */
  dir: string;
  recipients: ReadonlyMap<string, SchemeRecipient>;
  grounds: ReadonlyMap<string, SchemeGround>;
  rules: readonly RoutingRule[];
  preconditions: readonly Precondition[];
}

/** Whether a rule or precondition applies to senders of this kind. */
export function appliesToSender(senders: readonly InstitutionKind[] | 'any', kind: string): boolean {
  return senders === 'any' || (senders as readonly string[]).includes(kind);
}
