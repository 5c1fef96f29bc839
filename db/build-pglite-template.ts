/**
 * Builds a PGlite template cluster in the directory given (`seedFromTemplate`'s build step) as a
 * process of its own (`huleedu process` runs it so): PGlite's initdb peaks at ~600-850 MB
 * resident for a few seconds, which a run bounded to ~500 MB must not carry. Exit 0 once the
 * cluster is initialised, migrated and cleanly closed; otherwise the reason on stderr, exit 1.
 */
import { openDatabase } from './database.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: build-pglite-template <directory>');
  process.exit(2);
}
try {
  const database = await openDatabase({ url: `pglite://${dir}` });
  await database.close();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
