import { DataTable, wrapData } from '../../src/letters/template/data-text';
import { parseMarkup, TemplateMarkupError } from '../../src/letters/template/parse-markup';
import Handlebars from 'handlebars';

/** Renders a template source over data the way letter templates are rendered, and parses the markup. */
function render(source: string, data: Record<string, unknown>) {
  const table = new DataTable();
  const out = Handlebars.create().compile(source, { strict: true })(wrapData(data, table), { data: { table } });
  return parseMarkup(out, table);
}

describe('letter markup', () => {
  it('reads blocks from directives, blank lines and bars', () => {
    const blocks = render(
      '::title\nPar {{what}}\n\n::p\nFirst line\ncontinues here.\n\nA plain paragraph.\n\n::fields\nVārds | {{name}}\n\n::table 20 80\nA | B\n{{a}} | {{b}}\n\n::numbered keep\none\ntwo\n\n::signature\nDirektors | {{name}}\n\n::space 2\n::note\nEND \\| END\\nTWO',
      { what: 'lietu', name: 'Jānis', a: '1', b: '2' },
    );
    expect(blocks).toEqual([
      { type: 'title', text: 'Par lietu', keepWithNext: true },
      { type: 'paragraph', text: 'First line continues here.', size: 'normal' },
      { type: 'paragraph', text: 'A plain paragraph.', size: 'normal' },
      { type: 'fields', rows: [['Vārds', 'Jānis']] },
      { type: 'table', widths: [0.2, 0.8], header: ['A', 'B'], rows: [['1', '2']] },
      { type: 'list', numbered: true, size: 'normal', items: ['one', 'two'], keepWithNext: true },
      { type: 'signature', position: 'Direktors', name: 'Jānis' },
      { type: 'space', lines: 2 },
      { type: 'note', text: 'END | END\nTWO' },
    ]);
  });

  it.each([
    ['mustaches', '{{child.name}} }} {{#each x}}{{/each}}'],
    ['markdown and HTML', '**bold** <b>x</b> <script>alert(1)</script> &amp; # Heading'],
    ['directives', '::heading\n::table 10 90'],
    ['cell separators', 'a | b \\| c'],
    ['line breaks', 'one\ntwo\r\nthree\n\nfour'],
    ['private-use characters like the tokens themselves', '\uE0000\uE001 \uE000999\uE001'],
  ])('prints data with %s as text, in its place', (_what, value) => {
    const blocks = render('::fields\nLabel | {{v}}\n\n::p\nBefore {{v}} after.', { v: value });
    const clean = value.replace(/\r\n/g, '\n').replace(/[\uE000-\uF8FF]/g, '');
    expect(blocks).toEqual([
      { type: 'fields', rows: [['Label', clean]] },
      { type: 'paragraph', text: `Before ${clean} after.`, size: 'normal' },
    ]);
  });

  it('prints data the same through {{{triple}}} mustaches', () => {
    expect(render('{{{v}}}', { v: '::p <b>|</b>' })).toEqual([{ type: 'paragraph', text: '::p <b>|</b>', size: 'normal' }]);
  });

  it('drops control and direction-override characters, and composes letters', () => {
    const [block] = render('{{v}}', { v: 'a\u0000b\u202Ec\u200Bd\ta\u0304 ﬁ' });
    expect(block).toEqual({ type: 'paragraph', text: 'abcd ā fi', size: 'normal' });
  });

  it('names the problem of a broken template', () => {
    expect(() => render('::bogus\nx', {})).toThrow(TemplateMarkupError);
    expect(() => render('::bogus\nx', {})).toThrow('line 1 of the rendered template: unknown directive "::bogus"');
    expect(() => render('::fields\na | b | c', {})).toThrow('"::fields" expects 2 cells separated by "|", got 3');
    expect(() => render('::table\na', {})).toThrow(/column widths/);
    expect(() => render('::table {{w}}\na', { w: '10' })).toThrow(/takes no data in its arguments/);
    expect(() => render('::title\n\n', {})).toThrow('"::title" has no content');
    expect(() => render('::p large\nx', {})).toThrow('"::p" takes only "small" and "keep"');
  });

  it('cannot be split by data into more cells than the template wrote', () => {
    const blocks = render('::table 50 50\nA | B\n{{x}} | {{y}}', { x: 'x | x | x', y: 'y\n| y' });
    expect(blocks[0]).toMatchObject({ rows: [['x | x | x', 'y\n| y']] });
  });
});
