import type { z } from 'zod';
import type { InputMessages } from '../validate';

/*
 * Clerks read these messages next to the fields they typed, so they are in Latvian; the English
 * meaning is beside each. Messages about the service's own setup (scheme files, configuration)
 * stay in English: operators read those.
 */

/** Latvian counts: 1, 21, 31 … take the singular; 11 does not. */
export function countLv(n: number | bigint, singular: string, plural: string): string {
  const v = Number(n);
  return `${v} ${v % 10 === 1 && v % 100 !== 11 ? singular : plural}`;
}

const typeNames: Record<string, string> = {
  string: 'teksts', // text
  number: 'skaitlis', // a number
  boolean: 'patiess vai aplams (true/false)', // true or false
  array: 'saraksts', // a list
  object: 'objekts ar laukiem', // an object with fields
};

const units: Record<string, [string, string]> = {
  string: ['rakstzīme', 'rakstzīmes'], // characters
  array: ['ieraksts', 'ieraksti'], // entries
};

/** zod's own issues in Latvian: messages written into a schema take precedence. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      // "required field" / "must be text"
      return issue.input === undefined ? 'obligāts lauks' : `jābūt: ${typeNames[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const [one, many] = units[issue.origin] ?? ['', ''];
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'nedrīkst būt tukšs'; // must not be empty
      if (issue.origin === 'array' && Number(issue.minimum) === 1) return 'jānorāda vismaz viens'; // give at least one
      return `jābūt vismaz ${countLv(issue.minimum, one, many)}`; // at least N
    }
    case 'too_big': {
      const [one, many] = units[issue.origin] ?? ['', ''];
      return `drīkst būt ne vairāk kā ${countLv(issue.maximum, one, many)}`; // at most N
    }
    case 'invalid_value':
      return `jābūt vienai no vērtībām: ${issue.values.map(String).join(', ')}`; // must be one of
    case 'invalid_format':
      return issue.format === 'email' ? 'nav derīga e-pasta adrese' : 'nav pareizā formātā'; // not an e-mail address / wrong format
    default:
      return 'nav derīga vērtība'; // not a valid value
  }
};

/** The API router's names for what it validates. */
const what: Record<string, string> = {
  'The request body': 'Pieprasījuma dati', // the request body
  'The query': 'Vaicājuma parametri', // the query
  'The path': 'Adreses parametri', // the path
};

/** `parseInput` wording for input that clerks prepare (cases, work materials). */
export const latvianInput: InputMessages = {
  error: errorMap,
  unknownField: 'nav zināms lauks', // is not a known field
  summary: (subject, n) => `${what[subject] ?? subject} nav derīgi: ${countLv(n, 'kļūda', 'kļūdas')}.`, // … is not valid: N problems
};
