/**
 * A path in a request (staging location, items, disk folders, destinations): present, at most 4096 characters, no
 * NUL. Whether it is a full path, and what it may be, is each request's own rule on top (policy.ts checkPath,
 * backup-wizard.ts checkFullPath, the services' checks on disk).
 */
import { z } from 'zod';

export const zPath = z
  .string()
  .min(1, 'a path is required')
  .max(4096)
  .refine((s) => !s.includes('\0'), 'path contains a NUL character');
