// The shapes a statement and its result take, for both drivers: a leaf every write-path file
// may import without importing the transaction logic (statements.ts) or a driver (drivers/).

/** SQL text with numbered parameters ($1, $2, ...) and their values, as both drivers take it. */
export interface Statement {
  text: string;
  values: unknown[];
}

export interface StatementResult {
  rows: Record<string, unknown>[];
  /** Rows the statement changed (or returned). */
  rowCount: number;
}

/** Runs one statement inside the transaction it was handed to. */
export type Run = (statement: Statement) => Promise<StatementResult>;
