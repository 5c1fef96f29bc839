import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ContentStore, STORAGE_ID, type StoredContent } from './content-store.ts';

/**
 * File-system store. Objects live at `<root>/<id[0:2]>/<id[2:4]>/<id>`: one file holding the
 * content type, a newline (HTTP forbids it in a header value), then the bytes. One file per
 * object keeps a write to one fsync and a read to one open. Writes are atomic: temp file,
 * fsync, rename, so a file present is a complete object.
 */
export class FsContentStore implements ContentStore {
  private readonly sync: boolean;

  /**
   * @param options.sync fsync each object before it counts as stored (default true): a stored
   *   object survives a power loss. Without it a write is still atomic and survives the process
   *   being killed (the kernel has the data), which is what embedded mode promises: its PGlite
   *   database runs without fsync too, so a synced text would outlive the state that refers to it
   *   and buy nothing.
   */
  constructor(
    private readonly root: string,
    options: { sync?: boolean } = {},
  ) {
    this.sync = options.sync ?? true;
  }

  private pathOf(storageId: string): string {
    // Defence in depth: the HTTP layer validates too, but no other id may ever build a path.
    if (!STORAGE_ID.test(storageId))
      throw new Error(`invalid storage id ${JSON.stringify(storageId)}`);
    return join(this.root, storageId.slice(0, 2), storageId.slice(2, 4), storageId);
  }

  async put(storageId: string, body: Buffer, contentType: string): Promise<'created' | 'exists'> {
    const path = this.pathOf(storageId);
    if (await exists(path)) return 'exists';
    await mkdir(join(path, '..'), { recursive: true });
    const header = Buffer.from(`${contentType.replace(/[\r\n]/g, ' ')}\n`, 'utf8');
    await writeAtomic(path, Buffer.concat([header, body]), this.sync);
    return 'created';
  }

  async get(storageId: string): Promise<StoredContent | undefined> {
    const path = this.pathOf(storageId);
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
      return true;
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

  async close(): Promise<void> {}
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomic(path: string, data: Buffer, sync = true): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    if (sync) await handle.sync();
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
