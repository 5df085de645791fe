/**
 * The bits of Latvian grammar and typography the letters need: dates in the forms official
 * documents use, the grammatical gender of a given name, names in the dative (for addressees),
 * and byte counts.
 */

export type DateForm = 'loc' | 'nom' | 'gen' | 'short';
export type Gender = 'm' | 'f';

const MONTHS: Record<Exclude<DateForm, 'short'>, readonly string[]> = {
  nom: ['janvāris', 'februāris', 'marts', 'aprīlis', 'maijs', 'jūnijs', 'jūlijs', 'augusts', 'septembris', 'oktobris', 'novembris', 'decembris'],
  gen: ['janvāra', 'februāra', 'marta', 'aprīļa', 'maija', 'jūnija', 'jūlija', 'augusta', 'septembra', 'oktobra', 'novembra', 'decembra'],
  loc: ['janvārī', 'februārī', 'martā', 'aprīlī', 'maijā', 'jūnijā', 'jūlijā', 'augustā', 'septembrī', 'oktobrī', 'novembrī', 'decembrī'],
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * A date as Latvian documents write it: `loc` "2026. gada 3. novembrī" (when something happened),
 * `nom` "2026. gada 3. novembris", `gen` "2026. gada 3. novembra" (… vēstule), `short`
 * "03.11.2026." (tables). Takes `YYYY-MM-DD` (or an ISO time, read as its calendar date).
 */
export function formatDate(iso: string, form: DateForm = 'loc'): string {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new Error(`Not a date: ${JSON.stringify(iso)}`);
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = Number(mo);
  if (month < 1 || month > 12) throw new Error(`Not a date: ${JSON.stringify(iso)}`);
  if (form === 'short') return `${d}.${mo}.${y}.`;
  return `${y}. gada ${Number(d)}. ${MONTHS[form][month - 1]}`;
}

/** Today's calendar date in Latvia (registration years and printed dates follow Riga, not UTC). */
export function rigaDate(at: Date): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Riga', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

// Given names whose ending would suggest the other gender (common in Latvia).
const MASCULINE_IN_A = new Set(['nikita', 'ņikita', 'ilja', 'iļja', 'daņila', 'danila', 'saša', 'miša', 'kostja', 'vaņa', 'andrea', 'luka']);
const FEMININE_IN_S = new Set(['iris', 'agnes', 'doris', 'ines']);

/**
 * The grammatical gender of a person from their first given name, by Latvian endings
 * (-s, -š, -is, -us masculine; -a, -e feminine), or undefined when the name does not say.
 */
export function genderOfName(fullName: string): Gender | undefined {
  const first = fullName.trim().split(/[\s-]+/)[0]?.toLocaleLowerCase('lv') ?? '';
  if (first.length < 2) return undefined;
  if (MASCULINE_IN_A.has(first)) return 'm';
  if (FEMININE_IN_S.has(first)) return 'f';
  const last = first.at(-1)!;
  if (last === 's' || last === 'š') return 'm';
  if (last === 'a' || last === 'e') return 'f';
  return undefined;
}

/** The gender a kinship word implies ("māte" f, "tēvs" m), if it does. */
export function genderOfRelation(relation: string | null | undefined): Gender | undefined {
  const r = (relation ?? '').trim().toLocaleLowerCase('lv');
  if (/^(māte|mamma|vecmāmiņa|vecmāte|aizbildne|audžumāte|pamāte|krustmāte|tante|māsa)\b/.test(r)) return 'f';
  if (/^(tēvs|tētis|vectēvs|aizbildnis|audžutēvs|patēvs|krusttēvs|tēvocis|brālis)\b/.test(r)) return 'm';
  return undefined;
}

/**
 * A name in the dative, as an addressee line writes it ("Līgai Ķēniņai", "Edgaram Čakstem").
 * Every part of the name is declined by the person's gender; a part whose ending does not
 * decline regularly (foreign names, initials) stays as written, which Latvian usage accepts.
 */
export function dativeOfName(fullName: string, gender: Gender | undefined): string {
  if (!gender) return fullName;
  return fullName.replace(/[\p{L}]+/gu, (word) => dativeOfWord(word, gender));
}

function dativeOfWord(word: string, gender: Gender): string {
  if (word.length < 3 || word === word.toLocaleUpperCase('lv')) return word;
  const lower = word.toLocaleLowerCase('lv');
  const stem = (n: number) => word.slice(0, word.length - n);
  if (gender === 'm') {
    if (lower.endsWith('is')) return `${stem(2)}im`;
    if (lower.endsWith('us')) return `${stem(2)}um`;
    if (lower.endsWith('s') || lower.endsWith('š')) return `${stem(1)}am`;
    if (lower.endsWith('a')) return `${stem(1)}am`;
    if (lower.endsWith('e')) return `${stem(1)}em`;
    return word;
  }
  if (lower.endsWith('a')) return `${stem(1)}ai`;
  if (lower.endsWith('e')) return `${stem(1)}ei`;
  return word;
}

/** "1 baits", "2 baiti", "21 baits", "12 345 baiti" (groups split by a no-break space). */
export function formatBytes(n: number): string {
  const grouped = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00A0');
  const singular = n % 10 === 1 && n % 100 !== 11;
  return `${grouped}\u00A0${singular ? 'baits' : 'baiti'}`;
}

/** Upper-cases the first letter ("direktors" → "Direktors"), for a position that opens a line. */
export function capitalize(text: string): string {
  const first = text.charAt(0);
  return first ? first.toLocaleUpperCase('lv') + text.slice(1) : text;
}

export type GrammaticalCase = 'nom' | 'gen' | 'dat' | 'acc' | 'loc';

/**
 * "Izglītojamais" (the Education Law's word for a pupil) by case and gender, and "bērns" for
 * senders that are not educational; the masculine is the legal generic when the gender is unknown.
 */
const PUPIL: Record<GrammaticalCase, { m: string; f: string; child: string }> = {
  nom: { m: 'izglītojamais', f: 'izglītojamā', child: 'bērns' },
  gen: { m: 'izglītojamā', f: 'izglītojamās', child: 'bērna' },
  dat: { m: 'izglītojamajam', f: 'izglītojamajai', child: 'bērnam' },
  acc: { m: 'izglītojamo', f: 'izglītojamo', child: 'bērnu' },
  loc: { m: 'izglītojamajā', f: 'izglītojamajā', child: 'bērnā' },
};

export function pupilWord(grammaticalCase: GrammaticalCase, gender: Gender | null | undefined, educational: boolean): string {
  const forms = PUPIL[grammaticalCase];
  if (!forms) throw new Error(`Unknown grammatical case "${grammaticalCase}"; use nom, gen, dat, acc or loc.`);
  if (!educational) return forms.child;
  return gender === 'f' ? forms.f : forms.m;
}
