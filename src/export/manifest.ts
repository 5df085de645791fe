import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import type { WrittenFile } from './zip-writer';

/** One letter as the manifest lists it. */
export interface ManifestLetter {
  id: string;
  registrationNumber: string;
  status: string;
  recipient: { key: string; name: string };
  createdAt: string;
  signedAt: string | null;
  sentAt: string | null;
  folder: string;
  /** Paths inside the archive. */
  pdf: string | null;
  message: string | null;
  metadata: string;
  materials: string[];
  /** Positions in `audit/chain.jsonl` of the entries about this letter, its case and its materials. */
  auditEntries: number[];
  /** What could not be exported (a material removed by retention, a stored file missing). */
  problems: Array<{ code: string; message: string }>;
}

/** The head of `manifest.json`: everything but the long lists. */
export interface ManifestHead {
  format: 'sutne-export';
  version: 1;
  exportId: string;
  createdAt: string;
  institution: { id: string; name: string; regNo: string };
  filters: Record<string, unknown>;
  audit: {
    /** The `export.created` entry of this export. */
    exportEntry: number;
    /** The anchor (TSA time-stamp) made for this export, covering the chain up to `chainEntries`. */
    anchorId: string;
    chainEntries: number;
    chain: string;
    anchors: string;
  };
}

export interface ManifestSummary {
  letters: number;
  files: number;
  bytes: number;
  problems: number;
}

export type Manifest = ManifestHead & { summary: ManifestSummary; letters: ManifestLetter[]; files: WrittenFile[] };

const CSV_HEADER = [
  'registration_number', 'letter_id', 'status', 'recipient_key', 'recipient', 'registered_at', 'signed_at', 'sent_at', 'folder',
  'pdf_sha256', 'message_sha256', 'metadata_sha256', 'materials', 'problems',
];

/**
 * The manifests, written to temporary files while the archive is made and added at its end, so
 * a long export keeps one letter in memory, not all of them. `manifest.csv` is UTF-8 with a BOM
 * and semicolons, as spreadsheets set up for Latvian open it.
 */
export class ManifestSpool {
  private readonly letters: fs.WriteStream;
  private readonly files: fs.WriteStream;
  private readonly csv: fs.WriteStream;
  readonly summary: ManifestSummary = { letters: 0, files: 0, bytes: 0, problems: 0 };

  private constructor(private readonly dir: string) {
    const open = (name: string) => fs.createWriteStream(path.join(dir, name), { mode: 0o600 });
    this.letters = open('letters.jsonl');
    this.files = open('files.jsonl');
    this.csv = open('manifest.csv');
    this.csv.write(`\ufeff${CSV_HEADER.join(';')}\r\n`);
  }

  static async create(tmpRoot = os.tmpdir()): Promise<ManifestSpool> {
    return new ManifestSpool(await fsp.mkdtemp(path.join(tmpRoot, 'sutne-export-')));
  }

  async addFile(f: WrittenFile): Promise<void> {
    this.summary.files++;
    this.summary.bytes += f.size;
    await write(this.files, `${JSON.stringify(f)}\n`);
  }

  async addLetter(l: ManifestLetter, hashes: ReadonlyMap<string, string>): Promise<void> {
    this.summary.letters++;
    this.summary.problems += l.problems.length;
    await write(this.letters, `${JSON.stringify(l)}\n`);
    const h = (p: string | null) => (p ? hashes.get(p) ?? '' : '');
    const row = [
      l.registrationNumber, l.id, l.status, l.recipient.key, l.recipient.name, l.createdAt, l.signedAt ?? '', l.sentAt ?? '', l.folder,
      h(l.pdf), h(l.message), h(l.metadata),
      l.materials.map((m) => `${m.slice(m.lastIndexOf('/') + 1)} ${h(m)}`).join(' | '),
      l.problems.map((p) => p.code).join(' | '),
    ];
    await write(this.csv, `${row.map(csvCell).join(';')}\r\n`);
  }

  /** Closes the temporary files; then `csvStream` and `jsonStream` read them back. */
  async close(): Promise<void> {
    await Promise.all([this.letters, this.files, this.csv].map((s) => new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())))));
  }

  csvStream(): Readable {
    return fs.createReadStream(path.join(this.dir, 'manifest.csv'));
  }

  /** `manifest.json`, streamed: the head, then the letters and files from the temporary files. */
  jsonStream(head: ManifestHead, extraFiles: readonly WrittenFile[]): Readable {
    const dir = this.dir;
    const summary = { ...this.summary, files: this.summary.files + extraFiles.length, bytes: this.summary.bytes + extraFiles.reduce((s, f) => s + f.size, 0) };
    async function* generate(): AsyncGenerator<string> {
      const open = JSON.stringify({ ...head, summary }, null, 2);
      yield `${open.slice(0, open.lastIndexOf('}')).trimEnd()},\n  "letters": [`;
      yield* jsonLines(path.join(dir, 'letters.jsonl'));
      yield '\n  ],\n  "files": [';
      yield* jsonLines(path.join(dir, 'files.jsonl'), extraFiles.map((f) => JSON.stringify(f)));
      yield '\n  ]\n}\n';
    }
    return Readable.from(generate());
  }

  async remove(): Promise<void> {
    for (const s of [this.letters, this.files, this.csv]) s.destroy();
    await fsp.rm(this.dir, { recursive: true, force: true });
  }
}

async function* jsonLines(file: string, extra: readonly string[] = []): AsyncGenerator<string> {
  let first = true;
  let rest = '';
  const emit = (line: string) => {
    const out = `${first ? '' : ','}\n    ${line}`;
    first = false;
    return out;
  };
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8' })) {
    const text = rest + (chunk as string);
    const lines = text.split('\n');
    rest = lines.pop()!;
    const out = lines.filter(Boolean).map(emit).join('');
    if (out) yield out;
  }
  if (rest) yield emit(rest);
  for (const line of extra) yield emit(line);
}

async function write(stream: fs.WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** A CSV cell; text a spreadsheet would run as a formula is kept as text. */
function csvCell(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
