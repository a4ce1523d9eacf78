import type { Route } from './arm.ts';

export const graphRoutes: Route[] = [];
