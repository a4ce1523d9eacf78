import { join } from 'node:path';
import { repoRoot } from '../paths.ts';

/** The official Azure REST examples used as contract fixtures (../shared/azure-examples, or OBC_AZURE_EXAMPLES). */
export const EXAMPLES_DIR = process.env.OBC_AZURE_EXAMPLES ?? join(repoRoot, '..', 'shared', 'azure-examples');
