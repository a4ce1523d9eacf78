/**
 * Direct I/O (O_DIRECT) for the byte paths that write or read whole files once: Disk Prep's copy and read-back
 * (diskprep/copy-worker.ts) and the backup's packs and their read-back (backup/pack-writer.ts). O_DIRECT skips the
 * page cache: no kernel copy into fresh cache pages (on the VMs here that copy cost more CPU than an MD5 pass), and a
 * read-back reads what the device returns, not what the cache still holds.
 *
 * The rules, in one place:
 * - Linux only; elsewhere (Windows, macOS) every open is the ordinary cached one.
 * - Offsets, lengths and the memory address of a direct read or write are multiples of `BLOCK` (every logical block
 *   size in use divides 4096). A Buffer's address is not aligned and Node cannot tell it, so the buffers come from
 *   `alignedBuffer` (WebAssembly memory, allocated in whole 64 KiB pages).
 * - A file system that refuses O_DIRECT (EINVAL: tmpfs, some FUSE), at the open or at a later read or write, is used
 *   through the cache instead: `isEinval` tells that refusal from a real error, which is thrown as before.
 * - Writers write whole blocks through the direct descriptor and a last partial block through a second, buffered
 *   descriptor of the same file, so a file never holds a byte it should not (no padded block to truncate later); one
 *   fsync of either descriptor flushes both (same inode).
 * - Test hook (OBC_TEST_HOOKS=1): `refusedDirect(envName)` lists the opens a test wants refused with EINVAL, as tmpfs
 *   does, so the cached fallback is exercised on any file system.
 */
import { constants, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** O_DIRECT offsets, lengths and addresses are multiples of this. */
export const BLOCK = 4096;

/** The O_DIRECT flag where it is used (Linux), else undefined. */
export const O_DIRECT: number | undefined =
  process.platform === 'linux' ? (constants as { O_DIRECT?: number }).O_DIRECT : undefined;

const Wasm = (
  globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }
).WebAssembly; // the electron tsconfig has no DOM lib, which declares it

/** A Buffer of at least `bytes` (rounded up to 64 KiB) at a page-aligned address, as O_DIRECT needs. */
export function alignedBuffer(bytes: number): Buffer {
  return Buffer.from(new Wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) }).buffer);
}

export const isEinval = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'EINVAL';

/** The names in `envName` (comma-separated) when OBC_TEST_HOOKS=1: opens a test wants refused. */
export function refusedDirect(envName: string): Set<string> {
  return new Set(process.env.OBC_TEST_HOOKS === '1' ? (process.env[envName] ?? '').split(',') : []);
}

function refusal(path: string, envName: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EINVAL: O_DIRECT refused (${envName}), open '${path}'`), { code: 'EINVAL' });
}

/**
 * Opens with O_DIRECT where Linux and the file system allow it, else as asked. `refused` (the test hook) makes the
 * direct open fail as tmpfs does.
 */
export function openDirectSync(
  path: string,
  flags: number,
  refused: { set: Set<string>; what: string; envName: string },
): { fd: number; direct: boolean } {
  if (O_DIRECT) {
    try {
      if (refused.set.has(refused.what)) throw refusal(path, refused.envName);
      return { fd: openSync(path, flags | O_DIRECT, 0o666), direct: true };
    } catch (err) {
      if (!isEinval(err)) throw err; // tmpfs and some FUSE file systems refuse O_DIRECT
    }
  }
  return { fd: openSync(path, flags, 0o666), direct: false };
}

/** `openDirectSync` on the thread pool, as a FileHandle. */
export async function openDirect(
  path: string,
  flags: number,
  mode: number,
  refused: { set: Set<string>; what: string; envName: string },
): Promise<{ fh: FileHandle; direct: boolean }> {
  if (O_DIRECT) {
    try {
      if (refused.set.has(refused.what)) throw refusal(path, refused.envName);
      return { fh: await open(path, flags | O_DIRECT, mode), direct: true };
    } catch (err) {
      if (!isEinval(err)) throw err;
    }
  }
  return { fh: await open(path, flags, mode), direct: false };
}

/** How much of `len` bytes goes through a direct descriptor: the whole blocks (the rest goes through the cache). */
export const directPart = (len: number): number => len - (len % BLOCK);
