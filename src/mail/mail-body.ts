/**
 * The short Latvian cover text of a letter's e-mail, as plain text and HTML. It names the letter
 * and lists what is attached; nothing about the child is written here — that is in the signed
 * letter, where the signature covers it.
 */

export interface CoverNote {
  institutionName: string;
  registrationNumber: string;
  title: string;
  replyTo: string;
  /** In the order they are attached; the signed letter first. */
  attachments: Array<{ filename: string; size: number; isLetter?: boolean }>;
}

export function coverText(n: CoverNote): string {
  const lines = [
    'Labdien!',
    '',
    `${n.institutionName} nosūta vēstuli Nr. ${n.registrationNumber} „${n.title}”.`,
    'Vēstule ir parakstīta ar drošu elektronisko parakstu un satur laika zīmogu.',
    '',
    'Pielikumā:',
    ...n.attachments.map((a, i) => `${i + 1}. ${a.filename} (${a.isLetter ? 'vēstule, ' : ''}${formatSize(a.size)})`),
    '',
    `Atbildi lūdzam sūtīt uz e-pasta adresi ${n.replyTo}.`,
    '',
    'Ar cieņu',
    n.institutionName,
    '',
    '--',
    'Šis e-pasts ir nosūtīts automātiski no dokumentu sistēmas Sūtne.',
    '',
  ];
  return lines.join('\n');
}

export function coverHtml(n: CoverNote): string {
  const e = escapeHtml;
  const items = n.attachments
    .map((a) => `<li>${e(a.filename)} (${a.isLetter ? 'vēstule, ' : ''}${e(formatSize(a.size))})</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="lv">
<head><meta charset="utf-8"><title>${e(n.registrationNumber)}</title></head>
<body>
<p>Labdien!</p>
<p>${e(n.institutionName)} nosūta vēstuli Nr.&nbsp;${e(n.registrationNumber)} „${e(n.title)}”.<br>
Vēstule ir parakstīta ar drošu elektronisko parakstu un satur laika zīmogu.</p>
<p>Pielikumā:</p>
<ol>
${items}
</ol>
<p>Atbildi lūdzam sūtīt uz e-pasta adresi ${e(n.replyTo)}.</p>
<p>Ar cieņu<br>${e(n.institutionName)}</p>
<p style="color:#666;font-size:small">Šis e-pasts ir nosūtīts automātiski no dokumentu sistēmas Sūtne.</p>
</body>
</html>
`;
}

/** Sizes as Latvian writes them: a decimal comma, "KB"/"MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${kb < 10 ? kb.toFixed(1).replace('.', ',') : Math.round(kb)} KB`;
  const mb = kb / 1024;
  return `${mb < 10 ? mb.toFixed(1).replace('.', ',') : Math.round(mb)} MB`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
