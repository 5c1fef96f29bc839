import {
  closeSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { StoredContent } from './content-store.ts';

/**
 * Objects appended to pack files, many per write and per fsync (group commit). Uploads that
 * arrive while a write is on disk wait together for the next one: one `writev` and one
 * `fdatasync` for the lot. One file per object had cost ~7 file-system calls per upload (stat,
 * mkdir, open, write, fsync, close, rename) and most of the content service's CPU in the kernel.
 *
 * Layout: `<dir>/<n>.pack`, records back to back:
 *   magic u32 | id 16 bytes | content-type length u16 | body length u32 | crc32 u32 | type | body
 * (the crc covers everything after the magic but itself). A pack is sealed at `maxPackBytes`:
 * its index (`<n>.idx`, id -> offset) is written, so opening reads the indexes and scans only
 * the last pack, whose torn tail (a crash mid-write) is cut off at the last whole record.
 *
 * One process writes a pack directory at a time: `writer.lock` holds its pid and host, and the
 * writer renews it (its mtime) every few seconds. A lock whose process is gone (same host, no
 * such pid) or that was not renewed for LEASE_MS (another host: a container recreated after a
 * crash) is taken over; a live one is refused with a clear error.
 */
export class PackLog {
  /** Uploads waiting for the next group write, and the ids among them. */
  private queue: Pending[] = [];
  private readonly queued = new Map<string, Promise<'created' | 'exists'>>();
  private flushing: Promise<void> | undefined;
  private readonly readers = new Map<number, Promise<FileHandle>>();
  private broken: Error | undefined;
  private writes = 0;
  private readonly lease: NodeJS.Timeout;

  private constructor(
    /** Where each stored object's body is. */
    private readonly index: Map<string, Location>,
    private readonly dir: string,
    private readonly options: PackLogOptions,
    private pack: number,
    private writer: FileHandle,
    private size: number,
  ) {
    this.lease = setInterval(() => renewLock(dir), LEASE_MS / 4);
    this.lease.unref();
  }

  static async open(dir: string, options: PackLogOptions): Promise<PackLog> {
    await mkdir(dir, { recursive: true });
    takeLock(dir);
    const packs = (await readdir(dir))
      .map((f) => /^(\d+)\.pack$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const index = new Map<string, Location>();
    const last = packs.at(-1) ?? 1;
    for (const n of packs.slice(0, -1)) {
      const idx = await readFile(join(dir, `${n}.idx`)).catch(() => undefined);
      if (idx) readIndexFile(idx, n, index);
      else scan(await readFile(join(dir, `${n}.pack`)), n, index); // sealed before its index
    }
    const path = join(dir, `${last}.pack`);
    const existing = packs.length > 0 ? await readFile(path) : Buffer.alloc(0);
    const whole = scan(existing, last, index);
    const writer = await open(path, packs.length > 0 ? 'r+' : 'w+');
    // A torn tail (killed mid-write) is cut off: the next record starts at the last whole one.
    if (whole < existing.length) await writer.truncate(whole);
    if (packs.length === 0) await syncDir(dir);
    return new PackLog(index, dir, options, last, writer, whole);
  }

  has(id: string): boolean {
    return this.index.has(id) || this.queued.has(id);
  }

  /** Store an object; resolves once it is written (and, with `sync`, on disk). */
  append(id: string, contentType: string, body: Buffer): Promise<'created' | 'exists'> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.index.has(id)) return Promise.resolve('exists');
    const waiting = this.queued.get(id);
    if (waiting) return waiting.then(() => 'exists');
    const done = new Promise<'created' | 'exists'>((resolve, reject) => {
      this.queue.push({
        id,
        record: encodeRecord(id, contentType, body),
        contentType,
        resolve,
        reject,
      });
    });
    this.queued.set(id, done);
    this.flushing ??= this.flush();
    return done;
  }

  async read(id: string): Promise<StoredContent | undefined> {
    const at = this.index.get(id);
    if (!at) return undefined;
    const handle = await this.reader(at.pack);
    const body = Buffer.allocUnsafe(at.length);
    const { bytesRead } = await handle.read(body, 0, at.length, at.offset);
    if (bytesRead !== at.length) throw new Error(`pack ${at.pack} is shorter than its index says`);
    return { contentType: at.contentType, body };
  }

  /** Group writes so far: uploads that came together share one (and one fsync). */
  get groupWrites(): number {
    return this.writes;
  }

  /** Whether writes go on (false once a write failed and the log could not recover). */
  get healthy(): boolean {
    return this.broken === undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.lease);
    while (this.flushing) await this.flushing;
    await this.writer.close();
    for (const r of this.readers.values()) await (await r).close();
    this.readers.clear();
    releaseLock(this.dir);
  }

  /** Write what is queued, group after group, until nothing is. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        await this.write(group);
      } catch (error) {
        for (const p of group) {
          this.queued.delete(p.id);
          p.reject(error as Error);
        }
      }
    }
    this.flushing = undefined;
  }

  private async write(group: Pending[]): Promise<void> {
    this.writes++;
    const buffers = group.map((p) => p.record);
    const bytes = buffers.reduce((n, b) => n + b.length, 0);
    try {
      let written = 0;
      while (written < bytes) {
        const r = await this.writer.writev(skip(buffers, written), this.size + written);
        written += r.bytesWritten;
      }
      if (this.options.sync) await this.writer.datasync();
    } catch (error) {
      // Nothing of the group counts: cut the pack back to where the group began.
      await this.writer.truncate(this.size).catch((e: unknown) => {
        this.broken = new Error(`content pack ${this.pack} cannot be repaired: ${String(e)}`);
      });
      throw error;
    }
    let offset = this.size;
    for (const p of group) {
      const header = HEADER + p.record.readUInt16LE(20);
      this.index.set(p.id, {
        pack: this.pack,
        offset: offset + header,
        length: p.record.length - header,
        contentType: p.contentType,
      });
      offset += p.record.length;
      this.queued.delete(p.id);
      p.resolve('created');
    }
    this.size += bytes;
    if (this.size >= this.options.maxPackBytes) await this.seal();
  }

  /** Write the full pack's index and start the next pack. */
  private async seal(): Promise<void> {
    const entries = [...this.index].filter(([, at]) => at.pack === this.pack);
    const idx = join(this.dir, `${this.pack}.idx`);
    await writeIndexFile(`${idx}.tmp`, entries, this.options.sync);
    await rename(`${idx}.tmp`, idx);
    await this.writer.close();
    this.pack++;
    this.writer = await open(join(this.dir, `${this.pack}.pack`), 'w+');
    this.size = 0;
    if (this.options.sync) await syncDir(this.dir);
  }

  private reader(pack: number): Promise<FileHandle> {
    // The active pack is read through its own handle: positional reads do not disturb writes.
    let handle = this.readers.get(pack);
    if (!handle) {
      handle = open(join(this.dir, `${pack}.pack`), 'r');
      handle.catch(() => this.readers.delete(pack));
      this.readers.set(pack, handle);
    }
    return handle;
  }
}

export interface PackLogOptions {
  /** fdatasync each group write (default in the content service); embedded mode does not. */
  sync: boolean;
  /** A pack is sealed and the next begun past this size. */
  maxPackBytes: number;
}

interface Location {
  pack: number;
  /** Where the body starts in its pack, and its length. */
  offset: number;
  length: number;
  contentType: string;
}

interface Pending {
  id: string;
  record: Buffer;
  contentType: string;
  resolve: (outcome: 'created') => void;
  reject: (error: Error) => void;
}

const MAGIC = 0x48554331; // "HUC1"
const HEADER = 30;

function encodeRecord(id: string, contentType: string, body: Buffer): Buffer {
  const type = Buffer.from(contentType, 'utf8');
  const record = Buffer.allocUnsafe(HEADER + type.length + body.length);
  record.writeUInt32LE(MAGIC, 0);
  record.write(id, 4, 16, 'hex');
  record.writeUInt16LE(type.length, 20);
  record.writeUInt32LE(body.length, 22);
  type.copy(record, HEADER);
  body.copy(record, HEADER + type.length);
  record.writeUInt32LE(crc32(record.subarray(HEADER), crc32(record.subarray(4, 26))), 26);
  return record;
}

/** Index a pack's whole records; returns where the last whole one ends. */
function scan(data: Buffer, pack: number, index: Map<string, Location>): number {
  let at = 0;
  while (at + HEADER <= data.length) {
    if (data.readUInt32LE(at) !== MAGIC) break;
    const typeLength = data.readUInt16LE(at + 20);
    const bodyLength = data.readUInt32LE(at + 22);
    const end = at + HEADER + typeLength + bodyLength;
    if (end > data.length) break;
    const crc = crc32(data.subarray(at + HEADER, end), crc32(data.subarray(at + 4, at + 26)));
    if (crc !== data.readUInt32LE(at + 26)) break;
    index.set(data.toString('hex', at + 4, at + 20), {
      pack,
      offset: at + HEADER + typeLength,
      length: bodyLength,
      contentType: data.toString('utf8', at + HEADER, at + HEADER + typeLength),
    });
    at = end;
  }
  return at;
}

/** A sealed pack's index: JSON lines `[id, offset, length, contentType]`. */
async function writeIndexFile(
  path: string,
  entries: [string, Location][],
  sync: boolean,
): Promise<void> {
  const text = entries
    .map(([id, at]) => JSON.stringify([id, at.offset, at.length, at.contentType]))
    .join('\n');
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
}

function readIndexFile(data: Buffer, pack: number, index: Map<string, Location>): void {
  for (const line of data.toString('utf8').split('\n')) {
    if (line === '') continue;
    const [id, offset, length, contentType] = JSON.parse(line) as [string, number, number, string];
    index.set(id, { pack, offset, length, contentType });
  }
}

/** The buffers after the first `bytes` bytes (a short writev goes on from there). */
function skip(buffers: Buffer[], bytes: number): Buffer[] {
  if (bytes === 0) return buffers;
  const rest: Buffer[] = [];
  let left = bytes;
  for (const b of buffers) {
    if (left >= b.length) left -= b.length;
    else {
      rest.push(left > 0 ? b.subarray(left) : b);
      left = 0;
    }
  }
  return rest;
}

/** A new file's name is durable once its directory is synced. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function lockPath(dir: string): string {
  return join(dir, 'writer.lock');
}

/**
 * Take the writer lock: create it, or take over one whose process is gone (killed: same host,
 * no such pid) or that is empty; refuse one a live process holds, or a process on another host.
 */
function takeLock(dir: string): void {
  const path = lockPath(dir);
  const mine = JSON.stringify({ pid: process.pid, host: hostname() });
  try {
    const fd = openSync(path, 'wx');
    writeFileSync(fd, mine);
    closeSync(fd);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let holder: { pid?: number; host?: string } = {};
  try {
    holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
  } catch {
    // empty or half written: its writer died while taking it
  }
  const here = holder.host === undefined || holder.host === hostname();
  const renewedMs = Date.now() - statSync(path).mtimeMs;
  if (!here && renewedMs < LEASE_MS)
    throw new Error(
      `the content store ${dir} is in use by process ${holder.pid} on ${holder.host} (lock renewed ${Math.round(renewedMs / 1000)} s ago; taken over once not renewed for ${LEASE_MS / 1000} s)`,
    );
  const gone = holder.pid === undefined || holder.pid === process.pid || !alive(holder.pid);
  if (here && !gone)
    throw new Error(
      `the content store ${dir} is in use by process ${holder.pid} (one writer at a time: stop it, or use another directory)`,
    );
  writeFileSync(path, mine);
}

/** A lock not renewed for this long is another host's process that is gone. */
const LEASE_MS = 30_000;

function renewLock(dir: string): void {
  try {
    const now = new Date();
    utimesSync(lockPath(dir), now, now);
  } catch {
    // removed meanwhile: the next open takes it again
  }
}

function releaseLock(dir: string): void {
  try {
    const holder = JSON.parse(readFileSync(lockPath(dir), 'utf8')) as { pid?: number };
    if (holder.pid === process.pid) rmSync(lockPath(dir), { force: true });
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
