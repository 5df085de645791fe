/** A case as the new-case form posts it: one field per input, named by the field's path. */
export function formFieldsOf(c: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      if (path === 'grounds') value.forEach((v) => out.push(['grounds', String(v)]));
      else value.forEach((v, i) => walk(v, `${path}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else if (value !== undefined) {
      out.push([path, String(value)]);
    }
  };
  walk(c, '');
  return out;
}
