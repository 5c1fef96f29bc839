import { HuleEduError } from '../../common-core/index.ts';

/** Thrown when shutdown interrupts a message: it must not be committed. */
export class DeliveryInterruptedError extends HuleEduError {
  constructor() {
    super('HULEEDU_CLOSED', 'consumer is shutting down; message left for redelivery', {
      retryable: true,
    });
    this.name = 'DeliveryInterruptedError';
  }
}
