import type { Case } from './case-schema';
import { appliesToSender, type Precondition, type Scheme } from './scheme/scheme';

/** Something the scheme expected before this referral that the case does not show. */
export interface CaseWarning {
  /** Stable code from the scheme, e.g. NO_SUPPORT_STAFF_ACTION. */
  code: string;
  /** Latvian, for the clerk. */
  message: string;
  /** Paragraph of the source decision that expects it. */
  paragraph: string;
  /** The routed recipients the expectation is about. */
  recipients: string[];
}

/**
 * Escalation happens "if there is no result" of the earlier step, yet real cases are urgent: a
 * missing step never refuses the case, it becomes a named warning (and is printed nowhere in a
 * letter).
 */
export function checkPreconditions(
  scheme: Scheme,
  senderKind: string,
  routedRecipients: readonly string[],
  c: Pick<Case, 'actionsTaken' | 'parentsInformed'>,
): CaseWarning[] {
  const warnings: CaseWarning[] = [];
  for (const p of scheme.preconditions) {
    if (!appliesToSender(p.senders, senderKind)) continue;
    const concerned = routedRecipients.filter((k) => !p.recipients || p.recipients.includes(k));
    if (!concerned.length || isSatisfied(p, c)) continue;
    warnings.push({ code: p.code, message: p.message, paragraph: p.paragraph, recipients: concerned });
  }
  return warnings;
}

function isSatisfied(p: Precondition, c: Pick<Case, 'actionsTaken' | 'parentsInformed'>): boolean {
  const stages = new Set(c.actionsTaken.map((a) => a.stage));
  const actionsOk = !p.requires.actions || p.requires.actions.some((alternative) => alternative.every((s) => stages.has(s)));
  const informedOk = !p.requires.parentsInformed || (!!c.parentsInformed && p.requires.parentsInformed.includes(c.parentsInformed.method));
  return actionsOk && informedOk;
}
