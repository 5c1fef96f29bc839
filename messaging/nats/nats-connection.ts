import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DependencyUnavailableError } from '../../common-core/index.ts';

/** Connect to NATS; once connected, reconnects forever with capped waits. */
export async function connectNats(
  servers: readonly string[],
  name: string,
): Promise<NatsConnection> {
  try {
    return await connect({
      servers: [...servers],
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      timeout: 3_000,
      // Capturing a stack trace for every request (two Error objects per JetStream publish)
      // cost ~15% of the bridge's CPU; errors keep their message and code without it.
      noAsyncTraces: true,
    });
  } catch (error) {
    throw new DependencyUnavailableError(
      `cannot connect to NATS at ${servers.join(',')}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
