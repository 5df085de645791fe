/** Who may do what: roles, principals, API keys and passwords. */
export { can, isRole, roles, type Permission, type Role } from './roles';
export { actorOf, cliPrincipal, type Principal } from './principal';
export { generateApiKey, hashApiKey, looksLikeApiKey } from './api-key';
export { hashPassword, verifyPassword, passwordRules, needsRehash, setPasswordCost } from './password';
export {
  logIn, logOut, findSession, requireCsrf, sessionIdOf, LOGIN_FAILED_MESSAGE, LOCK_AFTER_FAILURES, UNATTRIBUTED_CHAIN,
  type NewSession, type LiveSession,
} from './sessions';
export { createApiKey, revokeKey, createUser, changeUser, endUserSessions } from './manage';
