import type { Logger } from '../../common-core/index.ts';

/** A logger that drops everything: the default for libraries and unit tests. */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};
