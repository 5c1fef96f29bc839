import type { NatsConnection } from '@nats-io/transport-node';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from '../common-core/index.ts';
import { KafkaPublisher } from '../messaging/index.ts';
import { BridgeMetrics } from './bridge-metrics.ts';
import { Connectivity, type ServerName } from './connectivity.ts';
import { startKafkaToNats } from './kafka-to-nats.ts';
import { type RouteHandle, startNatsToKafka } from './nats-to-kafka.ts';
import type { Routes } from './routes.ts';

export interface Bridge extends AsyncDisposable {
  routes: RouteHandle[];
  /**
   * Each route's state and each server's; a route is up when its loop runs and both servers
   * answer. The bridge is healthy when every route is.
   */
  health(): {
    healthy: boolean;
    routes: Record<string, 'up' | 'down'>;
    servers: Record<ServerName, 'up' | 'down'>;
  };
  close(): Promise<void>;
}

/** The bridge's health from its servers' and routes' states (see `Bridge.health`). */
export function bridgeHealth(
  servers: Record<ServerName, 'up' | 'down'>,
  handles: readonly Pick<RouteHandle, 'name' | 'healthy'>[],
): ReturnType<Bridge['health']> {
  const reachable = servers.nats === 'up' && servers.kafka === 'up';
  const routes = Object.fromEntries(
    handles.map((h) => [h.name, reachable && h.healthy() ? 'up' : 'down'] as const),
  );
  return { healthy: Object.values(routes).every((s) => s === 'up'), routes, servers };
}

/** Start every route of the table. Closing stops reading, drains in-flight batches, then disconnects. */
export async function startBridge(options: {
  routes: Routes;
  nc: NatsConnection;
  kafka: Kafka;
  registry: Registry;
  logger: Logger;
  batchSize?: number;
}): Promise<Bridge> {
  const metrics = new BridgeMetrics(options.registry);
  const connectivity = new Connectivity(
    options.nc,
    options.kafka,
    options.registry,
    options.logger,
  );
  const publisher = await KafkaPublisher.connect(options.kafka);
  const handles: RouteHandle[] = [];
  for (const route of options.routes.natsToKafka) {
    handles.push(
      await startNatsToKafka(route, {
        nc: options.nc,
        kafka: publisher,
        metrics,
        logger: options.logger,
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      }),
    );
  }
  for (const route of options.routes.kafkaToNats) {
    handles.push(
      await startKafkaToNats(route, {
        nc: options.nc,
        kafka: options.kafka,
        dlt: publisher,
        metrics,
        logger: options.logger,
      }),
    );
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await Promise.allSettled(handles.map((h) => h.stop()));
      await publisher.close();
      await connectivity.close();
    })();
    return closing;
  };
  return {
    routes: handles,
    health: () => bridgeHealth(connectivity.servers(), handles),
    close,
    [Symbol.asyncDispose]: close,
  };
}
