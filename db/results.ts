// Reading statement results the same way on both drivers (node-postgres and PGlite).

/** The rows a statement returned. */
export function rows<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** Rows a statement changed (node-postgres says rowCount, PGlite affectedRows). */
export function affected(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? 0;
}
