import type { LetterBlock } from '../layout/blocks';
import type { DataTable } from './data-text';

/** A template whose output is not valid letter markup: a bug in the template, named for its author. */
export class TemplateMarkupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateMarkupError';
  }
}

interface Pending {
  directive: string;
  args: string[];
  lines: string[];
  /** 1-based line of the rendered output where the block starts, for error messages. */
  at: number;
}

const KNOWN = new Set(['letterhead', 'split', 'addressee', 'title', 'heading', 'p', 'fields', 'table', 'list', 'numbered', 'signature', 'note', 'space']);

/**
 * Reads a template's rendered output (data still as tokens) into blocks. The markup is
 * line-based: `::name args` starts a block, its content follows on the next lines, and a blank
 * line ends it; text outside any block is a paragraph. Cells are separated by `|` (a literal bar
 * in template text is `\|`, a line break inside a block `\n`). Only the template's own characters are read; each token becomes its
 * data string after the structure is settled, so data cannot add, split or end a block.
 * See `templates/README.md` for the directives.
 */
export function parseMarkup(output: string, data: DataTable): LetterBlock[] {
  const blocks: LetterBlock[] = [];
  let pending: Pending | undefined;
  const lines = output.split('\n');
  const flush = () => {
    if (pending) blocks.push(...toBlocks(pending, data));
    pending = undefined;
  };
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('::')) {
      flush();
      const [directive = '', ...args] = line.slice(2).trim().split(/\s+/);
      if (!KNOWN.has(directive)) fail(`unknown directive "::${directive}"`, i + 1);
      if (args.some((a) => a.includes('\uE000'))) fail(`"::${directive}" takes no data in its arguments`, i + 1);
      pending = { directive, args, lines: [], at: i + 1 };
      // Blocks without content lines end where they start.
      if (directive === 'space') flush();
      return;
    }
    if (line === '') {
      flush();
      return;
    }
    pending ??= { directive: 'p', args: [], lines: [], at: i + 1 };
    pending.lines.push(line);
  });
  flush();
  return blocks;
}

function toBlocks(p: Pending, data: DataTable): LetterBlock[] {
  const keep = p.args.includes('keep');
  const args = p.args.filter((a) => a !== 'keep');
  const text = (s: string) => data.resolve(unescapeTemplateText(s));
  const joined = () => text(p.lines.join(' '));
  const cells = (line: string, n?: number) => {
    const parts = splitCells(line).map(text);
    if (n !== undefined && parts.length !== n) fail(`"::${p.directive}" expects ${n} cells separated by "|", got ${parts.length}`, p.at);
    return parts;
  };
  const opts = keep ? { keepWithNext: true } : {};
  if (p.lines.length === 0 && p.directive !== 'space') fail(`"::${p.directive}" has no content`, p.at);
  if (args.length && !['table', 'space', 'p', 'list', 'numbered'].includes(p.directive)) fail(`"::${p.directive}" takes no arguments besides "keep"`, p.at);
  const sizeArg = () => {
    if (args.length > 1 || (args.length === 1 && args[0] !== 'small')) fail(`"::${p.directive}" takes only "small" and "keep"`, p.at);
    return args[0] === 'small' ? 'small' : 'normal';
  };

  switch (p.directive) {
    case 'letterhead':
      return [{ type: 'letterhead', lines: p.lines.map(text), ...opts }];
    case 'addressee':
      return [{ type: 'addressee', lines: p.lines.map(text), ...opts }];
    case 'split':
      return p.lines.map((l) => {
        const [left, right] = cells(l, 2) as [string, string];
        return { type: 'split', left, right, ...opts };
      });
    case 'title':
      return [{ type: 'title', text: joined(), keepWithNext: true }];
    case 'heading':
      return [{ type: 'heading', text: joined(), keepWithNext: true }];
    case 'p':
      return [{ type: 'paragraph', text: joined(), size: sizeArg(), ...opts }];
    case 'note':
      return [{ type: 'note', text: joined(), ...opts }];
    case 'fields':
      return [{ type: 'fields', rows: p.lines.map((l) => cells(l, 2) as [string, string]), ...opts }];
    case 'table': {
      const widths = args.map(Number);
      if (!widths.length || widths.some((w) => !(w > 0))) fail('"::table" needs the column widths in per cent, e.g. "::table 15 30 55"', p.at);
      const total = widths.reduce((a, b) => a + b, 0);
      const [header, ...rows] = p.lines;
      return [{ type: 'table', widths: widths.map((w) => w / total), header: cells(header!, widths.length), rows: rows.map((r) => cells(r, widths.length)), ...opts }];
    }
    case 'list':
    case 'numbered':
      return [{ type: 'list', numbered: p.directive === 'numbered', size: sizeArg(), items: p.lines.map(text), ...opts }];
    case 'signature': {
      if (p.lines.length !== 1) fail('"::signature" takes one line: "position | name"', p.at);
      const [position, name] = cells(p.lines[0]!, 2) as [string, string];
      return [{ type: 'signature', position, name, ...opts }];
    }
    case 'space': {
      const n = args.length ? Number(args[0]) : 1;
      if (!(n > 0 && n <= 10)) fail('"::space" takes a number of lines from 1 to 10', p.at);
      return [{ type: 'space', lines: n, ...opts }];
    }
  }
  return fail(`unknown directive "::${p.directive}"`, p.at);
}

/** Splits at bars the template wrote (not `\|`); tokens never hold a bar, so data never splits. */
function splitCells(line: string): string[] {
  return line.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** `\|` is a literal bar and `\n` a line break, in the template's own text (data is still tokens here). */
function unescapeTemplateText(s: string): string {
  return s.replace(/\\([|n])/g, (_m, c: string) => (c === 'n' ? '\n' : '|'));
}

function fail(message: string, at: number): never {
  throw new TemplateMarkupError(`Letter markup, line ${at} of the rendered template: ${message}.`);
}
