import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ContentStore, STORAGE_ID, type StoredContent } from './content-store.ts';
import { PackLog } from './pack-log.ts';

/**
 * File-system store. Objects are appended to pack files under `<root>/packs` (see `PackLog`):
 * uploads that arrive together share one write and one fsync (group commit), and a pack's
 * records are whole or cut off at open, never half there.
 *
 * Stores written by earlier versions kept one file per object, at
 * `<root>/<id[0:2]>/<id[2:4]>/<id>` (the content type, a newline, the bytes; written to a temp
 * file, fsynced, renamed). They are still read: an id the packs do not have is looked up there,
 * and an upload of an object such a file holds is 'exists'.
 */
export class FsContentStore implements ContentStore {
  private readonly sync: boolean;
  private log: Promise<PackLog> | undefined;
  /** Whether the root holds objects of the one-file-per-object layout (known at first use). */
  private legacy = false;

  /**
   * @param options.sync fdatasync each group write before its uploads count as stored (default
   *   true): a stored object survives a power loss. Without it a write is still whole or cut off
   *   at open, and survives the process being killed (the kernel has the data), which is what
   *   embedded mode promises: its PGlite database runs without fsync too, so a synced text would
   *   outlive the state that refers to it and buy nothing.
   */
  constructor(
    private readonly root: string,
    options: { sync?: boolean } = {},
  ) {
    this.sync = options.sync ?? true;
  }

  /** The pack log, opened on first use (the constructor does no I/O). */
  private packs(): Promise<PackLog> {
    this.log ??= (async () => {
      const entries = await readdir(this.root).catch(() => [] as string[]);
      this.legacy = entries.some((f) => /^[0-9a-f]{2}$/.test(f));
      return PackLog.open(join(this.root, 'packs'), {
        sync: this.sync,
        maxPackBytes: PACK_BYTES,
      });
    })();
    // A failed open is tried again by the next call (the directory may be fixed meanwhile).
    this.log.catch(() => {
      this.log = undefined;
    });
    return this.log;
  }

  private pathOf(storageId: string): string {
    // Defence in depth: the HTTP layer validates too, but no other id may ever build a path.
    if (!STORAGE_ID.test(storageId))
      throw new Error(`invalid storage id ${JSON.stringify(storageId)}`);
    return join(this.root, storageId.slice(0, 2), storageId.slice(2, 4), storageId);
  }

  async put(storageId: string, body: Buffer, contentType: string): Promise<'created' | 'exists'> {
    const path = this.pathOf(storageId);
    const log = await this.packs();
    if (!log.has(storageId) && this.legacy && (await exists(path))) return 'exists';
    return log.append(storageId, contentType.replace(/[\r\n]/g, ' '), body);
  }

  async get(storageId: string): Promise<StoredContent | undefined> {
    const path = this.pathOf(storageId);
    const found = await (await this.packs()).read(storageId);
    if (found || !this.legacy) return found;
    try {
      const file = await readFile(path);
      const newline = file.indexOf(10);
      return {
        contentType: file.subarray(0, newline).toString('utf8'),
        body: file.subarray(newline + 1),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async healthy(): Promise<boolean> {
    const probe = join(this.root, `.health-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(this.root, { recursive: true });
      await writeAtomic(probe, Buffer.from('ok'));
      await rm(probe, { force: true });
      return (await this.packs()).healthy;
    } catch {
      return false;
    }
  }

  /**
   * Remove temporary files that writes left behind (a process killed between creating and
   * renaming one). Only those older than `olderThanMs`: a live write of another process sharing
   * the volume is never touched. Resolves to how many were removed.
   */
  async sweepTemporaryFiles(olderThanMs = 10 * 60_000, now = Date.now()): Promise<number> {
    let removed = 0;
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return; // the store is new, or the directory went away meanwhile
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && depth < 2) await walk(path, depth + 1);
        else if (entry.isFile() && entry.name.includes('.tmp-')) {
          const info = await stat(path).catch(() => undefined);
          if (info && now - info.mtimeMs > olderThanMs) {
            await rm(path, { force: true });
            removed++;
          }
        }
      }
    };
    await walk(this.root, 0);
    return removed;
  }

  async close(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    if (log) await (await log.catch(() => undefined))?.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Packs are sealed (their index written, the next begun) at this size. */
const PACK_BYTES = 64 * 1024 * 1024;

async function writeAtomic(path: string, data: Buffer): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
