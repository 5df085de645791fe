/**
 * Roles of CONTRACT and what each may do. This table is the one place permissions are decided;
 * routes name a permission, never a role.
 */
export const roles = ['clerk', 'signer', 'admin', 'auditor', 'system'] as const;
export type Role = (typeof roles)[number];

export type Permission =
  | 'case:create'
  | 'case:read'
  | 'letter:create'
  | 'letter:read'
  | 'letter:sign'
  | 'letter:send'
  | 'letter:cancel'
  | 'register:read'
  /** See and search by the child's name in the register. */
  | 'register:personal'
  | 'export:create'
  | 'audit:read'
  | 'verify'
  | 'users:manage'
  | 'keys:manage';

const clerk: Permission[] = [
  'case:create', 'case:read', 'letter:create', 'letter:read', 'letter:cancel',
  'register:read', 'register:personal', 'verify',
];

const grants: Record<Role, ReadonlySet<Permission>> = {
  clerk: new Set(clerk),
  signer: new Set<Permission>([...clerk, 'letter:sign', 'letter:send']),
  admin: new Set<Permission>(['users:manage', 'keys:manage', 'register:read', 'audit:read', 'verify']),
  auditor: new Set<Permission>(['letter:read', 'register:read', 'register:personal', 'export:create', 'audit:read', 'verify']),
  system: new Set<Permission>([
    'case:create', 'case:read', 'letter:create', 'letter:read', 'letter:sign', 'letter:send',
    'register:read', 'register:personal', 'verify',
  ]),
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].has(permission);
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
