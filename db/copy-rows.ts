import { type ColumnSpec, type ColumnType, type ColumnValue, specColumns } from './recordset.ts';

/**
 * Rows encoded as the input of `COPY <table> (<columns>) FROM STDIN (FORMAT binary)`: each value
 * in its type's binary form, written straight into one buffer. Postgres inserts a COPY's rows
 * with its multi-insert path (one WAL record per page, not per row) and reads binary values
 * without parsing text; and this side builds no per-column strings (a batch's column of
 * snapshots or envelopes was a large string: a fresh large-object page, page faults, a copy).
 *
 * The column names are the spec's keys in snake_case (`actorType` -> `actor_type`).
 */
export function copyStatement<R>(table: string, spec: ColumnSpec<R>): string {
  const shape = shapeOf(spec);
  let text = shape.statements.get(table);
  if (text === undefined) {
    const columns = specColumns(spec).map((c) => columnName(c.name));
    text = `copy ${table} (${columns.join(', ')}) from stdin (format binary)`;
    shape.statements.set(table, text);
  }
  return text;
}

/** The column a spec key names: the key in snake_case. */
export const columnName = (key: string): string =>
  key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The COPY data for `rows` (header, one tuple per row, trailer), with `frame` bytes left
 * unwritten before and after it: room for the caller's protocol framing, so that the data is
 * not copied again to be framed.
 */
export function encodeCopyRows<R>(rows: readonly R[], spec: ColumnSpec<R>, frame = 0): Buffer {
  const shape = shapeOf(spec);
  const columns = specColumns(spec);
  // Sized from the previous batch of this spec: growing the buffer means copying it.
  const out = new Encoder(Math.ceil(rows.length * shape.bytesPerRow * 1.25) + 64);
  out.reserve(frame);
  out.bytes(HEADER);
  const start = out.length;
  for (const row of rows) {
    out.int16(columns.length);
    for (const { name, type, get } of columns) out.value(name, type, get(row));
  }
  if (rows.length) shape.bytesPerRow = (out.length - start) / rows.length;
  out.int16(-1);
  out.reserve(frame);
  return out.done();
}

// "PGCOPY\n\377\r\n\0", then 32-bit flags (0: no OIDs) and header extension length (0).
const HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
/** Postgres counts time in microseconds from 2000-01-01 UTC. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

/** A growable buffer of binary COPY data. */
class Encoder {
  private buf: Buffer;
  private at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private room(n: number): void {
    if (this.buf.length - this.at >= n) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  get length(): number {
    return this.at;
  }

  /** `n` bytes left unwritten, for the caller to fill. */
  reserve(n: number): void {
    this.room(n);
    this.at += n;
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.at);
    this.at += b.length;
  }

  int16(n: number): void {
    this.room(2);
    this.at = this.buf.writeInt16BE(n, this.at);
  }

  /** One field: its byte length, then its bytes (-1 and nothing for NULL). */
  value(name: string, type: ColumnType, value: ColumnValue): void {
    // SQL NULL; but a json column's null is the JSON text `null`, as in `recordset`.
    if ((value === null || value === undefined) && type !== 'json' && type !== 'jsonb') {
      this.room(4);
      this.at = this.buf.writeInt32BE(-1, this.at);
      return;
    }
    switch (type) {
      case 'int':
        // As strict as Postgres parsing the text form: no fraction, no NaN silently written as 0.
        if (!Number.isInteger(value)) throw new TypeError(`column ${name}: not an integer`);
        this.room(8);
        this.at = this.buf.writeInt32BE(4, this.at);
        this.at = this.buf.writeInt32BE(value as number, this.at);
        return;
      case 'bigint':
        if (!Number.isInteger(value)) throw new TypeError(`column ${name}: not an integer`);
        this.room(12);
        this.at = this.buf.writeInt32BE(8, this.at);
        this.at = this.buf.writeBigInt64BE(BigInt(value as number), this.at);
        return;
      case 'bool':
        this.room(5);
        this.at = this.buf.writeInt32BE(1, this.at);
        this.buf[this.at++] = value ? 1 : 0;
        return;
      case 'timestamptz': {
        if (!(value instanceof Date) || Number.isNaN(value.getTime()))
          throw new TypeError(`column ${name}: not a valid Date`);
        this.room(12);
        this.at = this.buf.writeInt32BE(8, this.at);
        const us = BigInt(value.getTime() - PG_EPOCH_MS) * 1000n;
        this.at = this.buf.writeBigInt64BE(us, this.at);
        return;
      }
      case 'json':
        this.text(JSON.stringify(value), 0);
        return;
      case 'json text':
        if (typeof value !== 'string')
          throw new TypeError(`column ${name}: not a serialised JSON text`);
        this.text(value, 0);
        return;
      case 'jsonb':
        // jsonb's binary form: a version byte (1), then the JSON text.
        this.text(JSON.stringify(value), 1);
        return;
      case 'text':
        this.text(typeof value === 'string' ? value : String(value), 0);
        return;
    }
  }

  /** A text value (after `prefix` bytes: jsonb's version). */
  private text(s: string, prefix: 0 | 1): void {
    // At most 3 bytes per UTF-16 unit; written first, its length filled in after.
    this.room(4 + prefix + s.length * 3);
    const start = this.at;
    if (prefix) this.buf[start + 4] = 1;
    const n = this.buf.write(s, start + 4 + prefix, 'utf8');
    this.buf.writeInt32BE(n + prefix, start);
    this.at = start + 4 + prefix + n;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** What COPY keeps per spec besides its columns. */
interface Shape {
  /** Encoded bytes per row in the last batch: the next buffer's size. */
  bytesPerRow: number;
  /** COPY statement text per table. */
  statements: Map<string, string>;
}

const shapes = new WeakMap<object, Shape>();

function shapeOf(spec: object): Shape {
  let shape = shapes.get(spec);
  if (!shape) {
    shape = { bytesPerRow: 64, statements: new Map() };
    shapes.set(spec, shape);
  }
  return shape;
}
