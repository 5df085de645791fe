import { AppError } from '../errors';
import { appliesToSender, type Scheme } from './scheme/scheme';

/** Why a recipient was chosen: one rule of the scheme, for one ground of the case. */
export interface RoutingReason {
  rule: string;
  ground: string;
  paragraph: string;
  /** The scheme's own words for the rule. */
  text: string;
}

export interface RoutedRecipient {
  key: string;
  name: string;
  addressee: string;
  emails: string[];
  template: string;
  /** Every ground of the case that leads here, in the case's order. */
  grounds: string[];
  because: RoutingReason[];
  /** The reasons as one Latvian sentence, for a clerk asking "why the police?". */
  explanation: string;
}

/** Where a case goes, and by which version of which scheme that was decided. */
export interface Routing {
  scheme: { profile: string; version: string };
  senderKind: string;
  recipients: RoutedRecipient[];
}

/** Latvian names of sender kinds, for messages. */
const senderKindNames: Record<string, string> = {
  school: 'skola',
  preschool: 'pirmsskolas izglītības iestāde',
  social_service: 'sociālais dienests',
  education_board: 'izglītības pārvalde',
  cooperation_group: 'sadarbības grupa',
  orphans_court: 'bāriņtiesa',
  municipal_police: 'pašvaldības policija',
  state_police: 'Valsts policija',
  other: 'cita iestāde',
};

/**
 * Routes a case's grounds by the scheme's rules for the sender's kind: one recipient per
 * institution, however many grounds lead to it, each with the rules that chose it. A ground the
 * sender's kind may not state is a GROUND_NOT_ALLOWED naming it.
 */
export function routeCase(scheme: Scheme, senderKind: string, grounds: readonly string[]): Routing {
  const byRecipient = new Map<string, RoutingReason[]>();
  const refused: Array<{ index: number; ground: string }> = [];
  grounds.forEach((ground, i) => {
    const rules = scheme.rules.filter((r) => r.ground === ground && appliesToSender(r.senders, senderKind));
    if (!rules.length) {
      refused.push({ index: i, ground });
      return;
    }
    for (const rule of rules) {
      for (const key of rule.recipients) {
        const reasons = byRecipient.get(key) ?? [];
        if (!reasons.some((r) => r.rule === rule.id && r.ground === ground)) {
          reasons.push({ rule: rule.id, ground, paragraph: rule.paragraph, text: rule.text });
        }
        byRecipient.set(key, reasons);
      }
    }
  });
  if (refused.length) {
    const names = refused.map((r) => `“${r.ground}”`).join(', ');
    throw new AppError(
      'GROUND_NOT_ALLOWED',
      `Iestāde, kuras veids ir “${senderKindNames[senderKind] ?? senderKind}”, pēc ${scheme.municipality} shēmas nevar norādīt pamatu ${names}.`, // this kind of sender may not state …
      refused.map((r) => ({ path: `grounds[${r.index}]`, message: notAllowedMessage(scheme, senderKind, r.ground) })),
    );
  }

  const recipients: RoutedRecipient[] = [];
  for (const [key, recipient] of scheme.recipients) {
    const because = byRecipient.get(key);
    if (!because) continue;
    const routedGrounds = [...new Set(because.map((b) => b.ground))];
    recipients.push({
      key,
      name: recipient.name,
      addressee: recipient.addressee,
      emails: [...recipient.emails],
      template: recipient.template,
      grounds: routedGrounds,
      because,
      explanation: explain(scheme, recipient.name, because),
    });
  }
  return { scheme: { profile: scheme.profile, version: scheme.version }, senderKind, recipients };
}

/**
 * "Valsts policija — pamats “Prettiesiskas darbības” (noteikums school-unlawful-conduct, shēmas
 * 3. punkts). Shēma: … (lēmums …), versija 2023-01-19.1." The rules' own words are in `because`.
 */
function explain(scheme: Scheme, name: string, because: RoutingReason[]): string {
  const parts = because.map((b) => `pamats “${scheme.grounds.get(b.ground)?.label ?? b.ground}” (noteikums ${b.rule}, shēmas ${b.paragraph}. punkts)`);
  return `${name} — ${parts.join('; ')}. Shēma: ${scheme.title} (${scheme.source.decision}), versija ${scheme.version}.`;
}

function notAllowedMessage(scheme: Scheme, senderKind: string, ground: string): string {
  const allowed = new Set<string>();
  for (const rule of scheme.rules.filter((r) => r.ground === ground)) {
    if (rule.senders === 'any') allowed.add('jebkura iestāde');
    else rule.senders.forEach((k) => allowed.add(senderKindNames[k] ?? k));
  }
  const who = senderKindNames[senderKind] ?? senderKind;
  // "A sender of kind … may not state ground …; it may be stated by: …"
  return `iestāde ar veidu “${who}” nevar norādīt pamatu “${ground}”; to var norādīt: ${[...allowed].join(', ')}`;
}
