/** Who may do what: roles, principals, API keys and passwords. */
export { can, isRole, roles, type Permission, type Role } from './roles';
export { actorOf, cliPrincipal, type Principal } from './principal';
export { generateApiKey, hashApiKey, looksLikeApiKey } from './api-key';
export { hashPassword, verifyPassword, passwordRules } from './password';
export { createApiKey, revokeKey, createUser } from './manage';
