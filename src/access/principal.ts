import type { Role } from './roles';

/** Who is calling: an API key or a signed-in person. Every request carries exactly one. */
export interface Principal {
  kind: 'api_key' | 'user' | 'cli';
  /** The key's or user's id. */
  id: string;
  institutionId: string;
  role: Role;
}

/** The actor string written to the audit log: ids only, never names or e-mail addresses. */
export function actorOf(p: Principal): string {
  return `${p.kind === 'api_key' ? 'key' : p.kind}:${p.id}`;
}

/** The command line acts with full rights of the institution it names. */
export function cliPrincipal(institutionId: string, role: Role = 'system'): Principal {
  return { kind: 'cli', id: 'cli', institutionId, role };
}
