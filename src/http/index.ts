/** The HTTP face of the service: the only part of the code that knows Express. */
export { createApp } from './create-app';
export type { ApiContext, RouteSpec } from './api-router';
