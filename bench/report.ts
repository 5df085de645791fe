/** One figure of a benchmark, printed as one JSON line. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same work done by the reference (raw pdfkit, openssl, zip, …) in the same run. */
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
}

export function report(f: Figure): void {
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const line: Figure = { name: f.name, value: round(f.value), unit: f.unit };
  if (f.baseline !== undefined) {
    line.baseline = round(f.baseline);
    line.ratio = round(f.ratio ?? f.value / f.baseline);
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Median of `runs` timings (ms) of `fn`, after `warmup` untimed calls. */
export async function medianMs(fn: () => unknown | Promise<unknown>, runs = 30, warmup = 5): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
