import { HuleEduError } from '../common-core/index.ts';

/**
 * A command line the command does not take: printed, exit 2, before any work. Given a usage
 * line (`huleedu …`), the message is that usage; given anything else, it is the message.
 */
export class UsageError extends HuleEduError {
  constructor(text: string) {
    super('HULEEDU_USAGE', text.startsWith('huleedu ') ? `usage: ${text}` : text);
    this.name = 'UsageError';
  }
}
