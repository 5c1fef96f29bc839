import type { ColumnSpec } from './recordset.ts';

/**
 * Inserts rows into a table inside the transaction, in their order (a serial column numbers
 * them in that order); resolves to the number inserted. Spec keys are the columns in camelCase.
 * On node-postgres a binary COPY; on PGlite an INSERT ... SELECT over a `recordset`.
 */
export type Copy = <R>(table: string, spec: ColumnSpec<R>, rows: readonly R[]) => Promise<number>;
