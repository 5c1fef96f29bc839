import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storageIdOf } from '../../../../services/content/store/content-store.ts';
import { FsContentStore } from '../../../../services/content/store/fs-store.ts';
import { PackLog } from '../../../../services/content/store/pack-log.ts';

const work = mkdtempSync(join(tmpdir(), 'huleedu-packs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(work, `packs-${n++}`);
const TYPE = 'text/plain; charset=utf-8';

/** An object of about `bytes` bytes and its id. */
function object(i: number, bytes = 100): { id: string; body: Buffer } {
  const body = Buffer.from(`object ${i} `.padEnd(bytes, 'x'));
  return { id: storageIdOf(body, TYPE), body };
}

describe('PackLog', () => {
  it('uploads that come together share one write (group commit), and all read back', async () => {
    const log = await PackLog.open(fresh(), { sync: true, maxPackBytes: 1 << 30 });
    const objects = Array.from({ length: 200 }, (_, i) => object(i));
    const outcomes = await Promise.all(objects.map((o) => log.append(o.id, TYPE, o.body)));
    expect(outcomes.every((o) => o === 'created')).toBe(true);
    // The first append starts a write at once; the other 199 wait for it and go together.
    expect(log.groupWrites).toBeLessThanOrEqual(3);
    for (const o of objects)
      expect(await log.read(o.id)).toEqual({ contentType: TYPE, body: o.body });
    await log.close();
  });

  it('keeps everything across a restart and sealed packs (their indexes), and writes on after', async () => {
    const dir = fresh();
    const objects = Array.from({ length: 50 }, (_, i) => object(i, 300));
    let log = await PackLog.open(dir, { sync: true, maxPackBytes: 2_000 });
    for (const o of objects.slice(0, 30)) await log.append(o.id, TYPE, o.body);
    await log.close();
    // Sealed packs have their index; the last one is scanned.
    const files = readdirSync(dir).sort();
    expect(files.filter((f) => f.endsWith('.idx')).length).toBeGreaterThan(2);
    log = await PackLog.open(dir, { sync: true, maxPackBytes: 2_000 });
    for (const o of objects.slice(30)) await log.append(o.id, TYPE, o.body);
    for (const o of objects) expect((await log.read(o.id))?.body).toEqual(o.body);
    expect(await log.append(objects[3]?.id as string, TYPE, objects[3]?.body as Buffer)).toBe(
      'exists',
    );
    await log.close();
  });

  it('a write cut short by a crash is dropped at open; what came before stays, and writes go on', async () => {
    const dir = fresh();
    const [a, b, c] = [object(1), object(2), object(3)];
    let log = await PackLog.open(dir, { sync: true, maxPackBytes: 1 << 30 });
    await log.append(a.id, TYPE, a.body);
    await log.append(b.id, TYPE, b.body);
    await log.close();
    const pack = join(dir, '1.pack');
    const whole = statSync(pack).size;
    // Half a record, as a process killed mid-write leaves it.
    appendFileSync(pack, Buffer.from([0x31, 0x43, 0x55, 0x48, 1, 2, 3, 4, 5]));
    log = await PackLog.open(dir, { sync: true, maxPackBytes: 1 << 30 });
    expect(statSync(pack).size).toBe(whole);
    expect((await log.read(a.id))?.body).toEqual(a.body);
    expect((await log.read(b.id))?.body).toEqual(b.body);
    expect(await log.append(c.id, TYPE, c.body)).toBe('created');
    await log.close();
    log = await PackLog.open(dir, { sync: true, maxPackBytes: 1 << 30 });
    expect((await log.read(c.id))?.body).toEqual(c.body);
    await log.close();
  });

  it('a record whose bytes changed on disk (checksum) ends the pack there', async () => {
    const dir = fresh();
    const [a, b] = [object(1), object(2)];
    let log = await PackLog.open(dir, { sync: false, maxPackBytes: 1 << 30 });
    await log.append(a.id, TYPE, a.body);
    await log.append(b.id, TYPE, b.body);
    await log.close();
    const pack = join(dir, '1.pack');
    const size = statSync(pack).size;
    // Flip the last byte of the second record's body.
    const { openSync, readSync, writeSync, closeSync } = await import('node:fs');
    const fd = openSync(pack, 'r+');
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    writeSync(fd, Buffer.from([last[0] === 0x78 ? 0x79 : 0x78]), 0, 1, size - 1);
    closeSync(fd);
    log = await PackLog.open(dir, { sync: false, maxPackBytes: 1 << 30 });
    expect((await log.read(a.id))?.body).toEqual(a.body);
    expect(await log.read(b.id)).toBeUndefined();
    await log.close();
  });

  it('the same object uploaded twice at once is stored once: created, then exists', async () => {
    const log = await PackLog.open(fresh(), { sync: true, maxPackBytes: 1 << 30 });
    const o = object(9);
    const outcomes = await Promise.all([
      log.append(o.id, TYPE, o.body),
      log.append(o.id, TYPE, o.body),
    ]);
    expect(outcomes).toEqual(['created', 'exists']);
    await log.close();
  });

  it('one writer at a time: a live holder is refused, a lock left by a killed process is taken over', async () => {
    const dir = fresh();
    const log = await PackLog.open(dir, { sync: false, maxPackBytes: 1 << 30 });
    await log.close();
    // A live process of this host holds it (this test's parent, say).
    writeFileSync(
      join(dir, 'writer.lock'),
      JSON.stringify({ pid: process.ppid, host: hostname() }),
    );
    await expect(PackLog.open(dir, { sync: false, maxPackBytes: 1 << 30 })).rejects.toThrow(
      `the content store ${dir} is in use by process ${process.ppid} (one writer at a time: stop it, or use another directory)`,
    );
    // A process that is gone: its lock is taken over.
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {
      encoding: 'utf8',
    });
    writeFileSync(
      join(dir, 'writer.lock'),
      JSON.stringify({ pid: Number(gone.stdout.trim()), host: hostname() }),
    );
    const again = await PackLog.open(dir, { sync: false, maxPackBytes: 1 << 30 });
    await again.close();
    // Another host's lock: refused while renewed, taken over once its lease ran out.
    const lock = join(dir, 'writer.lock');
    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'elsewhere' }));
    await expect(PackLog.open(dir, { sync: false, maxPackBytes: 1 << 30 })).rejects.toThrow(
      /is in use by process 1 on elsewhere \(lock renewed 0 s ago; taken over once not renewed for 30 s\)/,
    );
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, longAgo, longAgo);
    await (await PackLog.open(dir, { sync: false, maxPackBytes: 1 << 30 })).close();
    // Released on close.
    expect(readdirSync(dir)).not.toContain('writer.lock');
  });
});

describe('FsContentStore over packs', () => {
  it('still reads objects of the one-file-per-object layout, and does not store them again', async () => {
    const root = fresh();
    const body = Buffer.from('an essay stored by an earlier version');
    const id = storageIdOf(body, TYPE);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, id.slice(0, 2), id.slice(2, 4)), { recursive: true });
    writeFileSync(
      join(root, id.slice(0, 2), id.slice(2, 4), id),
      Buffer.concat([Buffer.from(`${TYPE}\n`), body]),
    );
    const store = new FsContentStore(root);
    expect(await store.get(id)).toEqual({ contentType: TYPE, body });
    expect(await store.put(id, body, TYPE)).toBe('exists');
    const other = Buffer.from('a new essay');
    const otherId = storageIdOf(other, TYPE);
    expect(await store.put(otherId, other, TYPE)).toBe('created');
    expect((await store.get(otherId))?.body).toEqual(other);
    expect(await store.get('0'.repeat(32))).toBeUndefined();
    await store.close();
  });
});
