import type { Route } from './arm.ts';

export const authorizationRoutes: Route[] = [];
