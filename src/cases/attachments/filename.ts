import { allowedExtensions, allowedTypes, type AllowedType } from './allowed-types';

const MAX_LENGTH = 200;
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g;
const UNSAFE = /[<>:"|?*]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * The name a work material is shown and sent under: the uploader's own name with Unicode kept
 * (Latvian letters and all), but without path parts, control and direction-changing characters,
 * characters other systems refuse, or leading dots; at most 200 characters, extension kept.
 */
export function sanitizeFilename(raw: string, fallback = 'pielikums'): string {
  let name = raw.normalize('NFC').replace(CONTROL, '');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name.replace(UNSAFE, '_').replace(/\s+/g, ' ').trim().replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (!name) name = fallback;
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  return truncate(name, MAX_LENGTH);
}

/**
 * Makes the extension tell the truth: a PNG uploaded as "scan.pdf" becomes "scan.png", one
 * named "scan" becomes "scan.png"; a name already right stays as it is.
 */
export function withTrueExtension(name: string, type: AllowedType): string {
  const extensions: readonly string[] = allowedTypes[type].extensions;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (extensions.includes(ext)) return name;
  const base = allowedExtensions.has(ext) ? name.slice(0, dot) : name;
  return truncate(`${base}.${extensions[0]}`, MAX_LENGTH);
}

/** Cuts the base, never the extension, and never inside a surrogate pair. */
function truncate(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return chars.slice(0, max - [...ext].length).join('').trimEnd() + ext;
}
