/** The content service process: `npm run content`. */
import { resolve } from 'node:path';
import { loadSettings } from '../../common-core/index.ts';
import { openDatabase } from '../../db/index.ts';
import { onShutdownSignal } from '../../messaging/index.ts';
import { runMain } from '../run-main.ts';
import { buildApp } from './app.ts';
import { ContentSettingsSchema } from './settings.ts';
import type { ContentStore } from './store/content-store.ts';
import { FsContentStore } from './store/fs-store.ts';
import { PgContentStore } from './store/pg-store.ts';

runMain('content', async () => {
  const settings = loadSettings('content', ContentSettingsSchema);
  let store: ContentStore;
  let fsStore: FsContentStore | undefined;
  if (settings.CONTENT_STORE_BACKEND === 'postgres') {
    const database = await openDatabase({ url: settings.DATABASE_URL });
    store = new PgContentStore(database.db, () => database.close());
  } else {
    fsStore = new FsContentStore(resolve(settings.CONTENT_STORE_PATH));
    store = fsStore;
  }
  const app = await buildApp({
    store,
    maxBytes: settings.CONTENT_MAX_BYTES,
    requestTimeoutMs: settings.CONTENT_REQUEST_TIMEOUT_MS,
    logger: { level: settings.LOG_LEVEL },
  });
  onShutdownSignal(() => app.close(), app.log);
  await app.listen({ host: settings.CONTENT_HOST, port: settings.CONTENT_PORT });
  app.log.info(
    { backend: settings.CONTENT_STORE_BACKEND, max_bytes: settings.CONTENT_MAX_BYTES },
    'content service ready',
  );
  // In the background: a large store takes a while to walk, and nothing waits for it.
  void fsStore?.sweepTemporaryFiles().then(
    (removed) => {
      if (removed > 0) app.log.warn({ removed }, 'removed temporary files of interrupted writes');
    },
    (error: unknown) =>
      app.log.warn({ err: (error as Error).message }, 'temporary file sweep failed'),
  );
});
