import type { Logger } from '../../common-core/index.ts';

/** One log call: its level, its fields and its message. */
export interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug';
  fields: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger that keeps every call (children share the record, with their bindings merged). */
export function recordingLogger(
  records: LogRecord[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { records: LogRecord[] } {
  const at =
    (level: LogRecord['level']) =>
    (obj: object, msg?: string): void => {
      records.push({ level, fields: { ...bindings, ...obj }, msg });
    };
  return {
    records,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (more) => recordingLogger(records, { ...bindings, ...more }),
  };
}
