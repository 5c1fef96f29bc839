import { hash } from 'node:crypto';
import type pg from 'pg';
import type { Copy } from '../copy.ts';
import { copyStatement, encodeCopyRows } from '../copy-rows.ts';
import type { Run } from '../statement-types.ts';

/**
 * The node-postgres driver of `inTransaction`: one pooled connection, begin/commit, statements
 * prepared once per connection by name, and `copy` as a binary COPY framed straight onto the
 * connection's socket.
 */
export async function onPool<T>(
  pool: pg.Pool,
  work: (run: Run, copy: Copy) => Promise<T>,
): Promise<T> {
  const connection = await pool.connect();
  let broken = false;
  try {
    await connection.query('begin');
    try {
      const result = await work(
        async ({ text, values }) => {
          const r = await connection.query<Record<string, unknown>>({
            name: preparedName(text),
            text,
            values,
          });
          return { rows: r.rows, rowCount: r.rowCount ?? r.rows.length };
        },
        (table, spec, rows) => {
          if (rows.length === 0) return Promise.resolve(0);
          // Encoded before the COPY starts: a value that cannot be encoded fails this call, not
          // the connection's message handler.
          const message = encodeCopyRows(rows, spec, MESSAGE_HEADER);
          return new Promise<number>((resolve, reject) => {
            connection.query(
              new CopyIn(copyStatement(table, spec), message, (e, n) =>
                e ? reject(e) : resolve(n),
              ),
            );
          });
        },
      );
      await connection.query('commit');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is not given back to the pool.
      await connection.query('rollback').catch(() => {
        broken = true;
      });
      throw error;
    }
  } finally {
    connection.release(broken);
  }
}

const names = new Map<string, string>();

/** A name per distinct text: node-postgres prepares a named statement once per connection. */
function preparedName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `huleedu_${hash('sha256', text, 'hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** A protocol message's header: its type byte and its length, which counts itself. */
const MESSAGE_HEADER = 5;

/**
 * `COPY ... FROM STDIN` as a node-postgres Submittable (the extension point pg-cursor and
 * pg-copy-streams use): the client hands it the connection and routes the server's replies to
 * its `handle*` methods.
 */
class CopyIn {
  private rowCount = 0;

  constructor(
    private readonly text: string,
    /** The rows, encoded with MESSAGE_HEADER bytes free before and after them. */
    private readonly data: Buffer,
    readonly callback: (error: Error | null, rowCount: number) => void,
  ) {}

  submit(connection: pg.Connection): void {
    connection.query(this.text);
  }

  /**
   * The server is ready for the data. It goes as one CopyData message, then CopyDone, framed in
   * the buffer it was encoded into and written to the socket as it is (node-postgres's
   * `sendCopyFromChunk` would first copy it into a buffer of its own).
   */
  handleCopyInResponse(connection: pg.Connection): void {
    const framed = this.data;
    const end = framed.length - MESSAGE_HEADER;
    framed[0] = 0x64; // 'd': CopyData
    framed.writeInt32BE(end - 1, 1);
    framed[end] = 0x63; // 'c': CopyDone
    framed.writeInt32BE(4, end + 1);
    // As node-postgres's own sends: a closed socket fails the query through the client's
    // connection-error handling, not a write error here.
    if (connection.stream.writable) connection.stream.write(framed);
  }

  handleCommandComplete(message: { text: string }): void {
    // "COPY <rows>"
    this.rowCount = Number(message.text.slice(message.text.indexOf(' ') + 1));
  }

  handleError(error: Error): void {
    this.callback(error, 0);
  }

  handleReadyForQuery(): void {
    this.callback(null, this.rowCount);
  }

  // Not sent in reply to a COPY FROM; part of the interface.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}
