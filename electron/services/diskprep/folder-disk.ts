import { access, constants, mkdir, readdir, rm, stat, lstat } from 'node:fs/promises';
import { join, resolve, relative, sep } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { FOLDER_DISK_DESCRIPTOR, folderDiskSchema, type FolderDiskDescriptor } from '../../../shared/disks.ts';
import { readJsonStrict, writeJsonAtomic } from '../store/atomic.ts';
import { assertPreparable, assessDisk, generateRecoveryPassword, isInside } from './disk-checks.ts';
import type { DiskContext, DiskInfo, DiskProvider, PreparedVolume, PrepareOptions } from './types.ts';

/** Folder disks account space in 4 KiB clusters, like NTFS does. */
export const CLUSTER = 4096;
export const roundCluster = (n: number): number => Math.ceil(n / CLUSTER) * CLUSTER;

/** `500M`, `2G`, `1.5T`, `123456` → bytes (binary units: K=1024). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B)?\s*$/i.exec(text);
  if (!m)
    throw new AppError('VALIDATION', `Not a size: "${text}" (use e.g. 500M, 2G, 1T or a number of bytes).`, {
      value: text,
    });
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[
    m[2].toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'
  ];
  const n = Math.floor(Number(m[1]) * mult);
  if (!(n > 0) || !Number.isSafeInteger(n))
    throw new AppError('VALIDATION', `Size out of range: "${text}".`, { value: text });
  return n;
}

/** Creates a folder disk: the directory must be missing or empty. */
export async function initFolderDisk(
  dir: string,
  serial: string,
  capacityBytes: number,
  model?: string,
): Promise<FolderDiskDescriptor> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const entries = await readdir(root);
  if (entries.includes(FOLDER_DISK_DESCRIPTOR))
    throw new AppError('ALREADY_EXISTS', `${root} is already a folder disk (${FOLDER_DISK_DESCRIPTOR} exists).`, {
      path: root,
    });
  if (entries.length)
    throw new AppError('CONFLICT', `${root} is not empty; a folder disk starts as an empty directory.`, { path: root });
  const parsed = folderDiskSchema.safeParse({
    format: 'obc-folder-disk',
    formatVersion: 1,
    serial,
    capacityBytes,
    model: model ?? 'Rehearsal folder disk',
    createdAt: new Date().toISOString(),
  });
  if (!parsed.success)
    throw new AppError(
      'VALIDATION',
      `Folder disk: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  await writeJsonAtomic(join(root, FOLDER_DISK_DESCRIPTOR), parsed.data);
  return parsed.data;
}

export async function readFolderDisk(dir: string): Promise<FolderDiskDescriptor> {
  return readJsonStrict(join(resolve(dir), FOLDER_DISK_DESCRIPTOR), folderDiskSchema, 'Folder disk descriptor');
}

/** Every file under root except the descriptor: relative path (platform separators) → size. */
async function usage(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (dir: string): Promise<void> => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, d.name);
      if (d.isDirectory()) await walk(full);
      else if (dir === root && d.name === FOLDER_DISK_DESCRIPTOR) continue;
      else out.set(relative(root, full).split(sep).join('/'), (await lstat(full)).size);
    }
  };
  await walk(root);
  return out;
}

export class FolderDiskProvider implements DiskProvider {
  readonly kind = 'folder' as const;
  /** Folders whose sub-directories holding a descriptor are listed (e.g. `<dataDir>/rehearsal-disks`). */
  private readonly searchRoots: string[];
  constructor(opts: { searchRoots?: string[] } = {}) {
    this.searchRoots = opts.searchRoots ?? [];
  }

  async list(ctx: DiskContext): Promise<DiskInfo[]> {
    const found: DiskInfo[] = [];
    for (const r of this.searchRoots) {
      const subs = await readdir(r, { withFileTypes: true }).catch(() => []);
      for (const s of subs) {
        if (!s.isDirectory()) continue;
        const dir = join(r, s.name);
        if (await stat(join(dir, FOLDER_DISK_DESCRIPTOR)).catch(() => null)) found.push(await this.inspect(dir, ctx));
      }
    }
    return found;
  }

  async inspect(id: string, ctx: DiskContext): Promise<DiskInfo> {
    const root = resolve(id);
    const desc = await readFolderDisk(root);
    const files = await usage(root);
    let usedBytes = 0;
    for (const n of files.values()) usedBytes += roundCluster(n);
    const readOnly = await access(root, constants.W_OK).then(
      () => false,
      () => true,
    );
    const holdsStaging =
      ctx.stagingLocation !== undefined && (isInside(ctx.stagingLocation, root) || isInside(root, ctx.stagingLocation));
    const facts = {
      serial: desc.serial,
      sizeBytes: desc.capacityBytes,
      busType: 'Folder',
      isSystem: false,
      isBoot: false,
      readOnly,
      holdsStaging,
      usedBytes,
      ...(desc.jobName !== undefined ? { jobName: desc.jobName } : {}),
      rehearsal: true,
    };
    const { refusals, warnings } = assessDisk(facts, ctx.jobName);
    return {
      id: root,
      kind: 'folder',
      rehearsal: true,
      serial: desc.serial,
      model: desc.model,
      sizeBytes: desc.capacityBytes,
      busType: 'Folder',
      partitionStyle: 'n/a',
      volumes: [
        {
          mount: root,
          fileSystem: 'folder',
          sizeBytes: desc.capacityBytes,
          freeBytes: Math.max(0, desc.capacityBytes - usedBytes),
        },
      ],
      isSystem: false,
      isBoot: false,
      readOnly,
      holdsStaging,
      usedBytes,
      ...(desc.jobName ? { jobName: desc.jobName } : {}),
      ...(desc.bitLockerKey ? { bitLockerKey: desc.bitLockerKey } : {}),
      refusals,
      warnings,
    };
  }

  async prepare(id: string, opts: PrepareOptions): Promise<PreparedVolume> {
    const root = resolve(id);
    const info = await this.inspect(root, { stagingLocation: opts.stagingLocation, jobName: opts.jobName });
    assertPreparable(info, opts);
    const desc = await readFolderDisk(root);
    const resume = opts.resume === true && desc.jobName === opts.jobName && desc.bitLockerKey !== undefined;
    // As on Windows: a key given for a disk that already has one must be that disk's key.
    if (resume && opts.existingBitLockerKey && opts.existingBitLockerKey !== desc.bitLockerKey)
      throw new AppError(
        'VALIDATION',
        `The BitLocker key given for disk ${desc.serial} does not match the volume's recovery password.`,
        { serial: desc.serial },
      );
    if (!resume) {
      // "Format": erase everything but the descriptor, then "encrypt" with a fresh recovery password.
      for (const e of await readdir(root))
        if (e !== FOLDER_DISK_DESCRIPTOR) await rm(join(root, e), { recursive: true, force: true });
      const next: FolderDiskDescriptor = {
        ...desc,
        jobName: opts.jobName,
        bitLockerKey: opts.existingBitLockerKey ?? generateRecoveryPassword(),
      };
      await writeJsonAtomic(join(root, FOLDER_DISK_DESCRIPTOR), next);
      desc.bitLockerKey = next.bitLockerKey;
    }
    const sizes = await usage(root);
    let used = 0;
    for (const n of sizes.values()) used += roundCluster(n);
    const capacity = desc.capacityBytes;
    return {
      root,
      serial: desc.serial,
      bitLockerKey: desc.bitLockerKey!,
      capacityBytes: capacity,
      ensureRoom(relPath, newLength) {
        const key = relPath.replace(/\\/g, '/');
        const before = roundCluster(sizes.get(key) ?? 0);
        const after = roundCluster(newLength);
        if (used - before + after > capacity) {
          throw new AppError(
            'NO_SPACE',
            `Disk ${desc.serial} (${root}) is full: writing ${key} (${newLength} bytes) needs ${used - before + after - capacity} bytes more than its ${capacity}-byte capacity.`,
            {
              serial: desc.serial,
              path: key,
              neededBytes: used - before + after - capacity,
            },
          );
        }
        used += after - before;
        sizes.set(key, newLength);
      },
      released(relPath) {
        const key = relPath.replace(/\\/g, '/');
        used -= roundCluster(sizes.get(key) ?? 0);
        sizes.delete(key);
      },
    };
  }
}
