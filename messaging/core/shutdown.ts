import type { Logger } from '../../common-core/index.ts';

/**
 * Run `stop` once on SIGTERM or SIGINT, then exit: 0 when it finished, 1 when it threw
 * or took longer than `timeoutMs`. A second signal exits at once.
 */
export function onShutdownSignal(
  stop: () => Promise<void>,
  logger: Logger,
  timeoutMs = 30_000,
): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight work');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info({}, 'stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: (error as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
