/**
 * The plan a pruning or repacking run seals into the container before it deletes anything, read back so an
 * interrupted run resumes exactly it. One reader for both, so a damaged plan is refused the same way.
 */
import type { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { open as openSealed } from '../backup/crypto.ts';
import { onBlob, statusOf } from './blob-errors.ts';
import type { OnlineRepo } from './repo.ts';

/** null when there is no plan; throws CORRUPT_DATA (nothing deleted) when it does not open or parse. */
export async function readSealedPlan<T>(
  repo: OnlineRepo,
  plan: { path: string; aad: Buffer; schema: z.ZodType<T>; what: 'pruning plan' | 'repacking plan' },
): Promise<T | null> {
  let bytes: Buffer;
  try {
    bytes = await repo.cc.getBlobClient(repo.blobName(plan.path)).downloadToBuffer();
  } catch (err) {
    if (statusOf(err) === 404) return null;
    return onBlob(`reading the ${plan.what}`, repo.where, () => Promise.reject(err));
  }
  const plain = openSealed(repo.keys.enc, bytes, plan.aad);
  const parsed = plain ? plan.schema.safeParse(JSON.parse(plain.toString('utf8'))) : null;
  if (!parsed?.success)
    throw new AppError(
      'CORRUPT_DATA',
      `The ${plan.what} ${repo.where}${plan.path} is damaged; nothing was deleted. Remove it only after \`obc verify --from-container\` of every restore point.`,
      { path: plan.path },
    );
  return parsed.data;
}
