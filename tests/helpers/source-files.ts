import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (recursively) whose name matches `name`, as paths joined to `dir`. */
export function sourceFiles(dir: string, name: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name), name)
      : name.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}
