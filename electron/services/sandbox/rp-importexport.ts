import type { Route } from './arm.ts';

export const importExportRoutes: Route[] = [];
