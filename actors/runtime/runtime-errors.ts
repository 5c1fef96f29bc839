import { HuleEduError } from '../../common-core/index.ts';

/** Another writer (a host that still owns the partition) changed the actor first. Retry helps. */
export class ActorFencedError extends HuleEduError {
  constructor(actors: readonly string[]) {
    super('HULEEDU_TRANSIENT', `fenced by a concurrent writer: ${actors.slice(0, 5).join(', ')}`, {
      retryable: true,
      details: { actors },
    });
    this.name = 'ActorFencedError';
  }
}

/** A stored snapshot of a machine version this build cannot read or migrate. */
export class UnknownMachineVersionError extends HuleEduError {
  constructor(actorType: string, actorId: string, found: number, current: number) {
    super(
      'HULEEDU_PROCESSING_FAILED',
      `${actorType} ${actorId}: snapshot of machine version ${found} cannot be loaded by version ${current} (no migration path)`,
      { retryable: false, details: { actorType, actorId, found, current } },
    );
    this.name = 'UnknownMachineVersionError';
  }
}
