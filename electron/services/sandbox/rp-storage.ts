import type { Route } from './arm.ts';

export const storageRoutes: Route[] = [];
