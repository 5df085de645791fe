import type { ApiRouter } from '../api-router';
import { accessRoutes } from './access';
import { caseRoutes } from './cases';
import { auditRoutes } from './audit';
import { exportRoutes } from './export';
import { letterRoutes } from './letters';
import { registerRoutes } from './register';
import { signingRoutes } from './signing';

/**
 * Every `/api/v1` route module. A domain's HTTP face is one file here that calls `api.route`
 * for each endpoint; add it to this list.
 */
export const apiRouteModules: Array<(api: ApiRouter) => void> = [accessRoutes, caseRoutes, letterRoutes, registerRoutes, exportRoutes, auditRoutes, signingRoutes];
