/** The NATS <-> Kafka bridge process (`npm run bridge`). */
import Fastify from 'fastify';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { loadSettings } from '../common-core/index.ts';
import { connectNats, createKafka, onShutdownSignal } from '../messaging/index.ts';
import { runMain } from '../services/run-main.ts';
import { startBridge } from './bridge.ts';
import { defaultRoutes, loadRoutes } from './routes.ts';
import { BridgeSettingsSchema } from './settings.ts';

runMain('bridge', async () => {
  const s = loadSettings('bridge', BridgeSettingsSchema);
  const logger = pino({ level: s.LOG_LEVEL, base: { service: 'bridge' } });
  const routes = s.BRIDGE_ROUTES
    ? loadRoutes(s.BRIDGE_ROUTES)
    : defaultRoutes(s.BRIDGE_NATS_STREAM);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const nc = await connectNats(s.NATS_SERVERS, 'huleedu-bridge');
  const kafka = createKafka({ brokers: s.KAFKA_BROKERS, clientId: 'huleedu-bridge', logger });
  const bridge = await startBridge({
    routes,
    nc,
    kafka,
    registry,
    logger,
    batchSize: s.BRIDGE_BATCH_SIZE,
  });
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_req, reply) => {
    const h = bridge.health();
    return reply.status(h.healthy ? 200 : 503).send(h);
  });
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
  await app.listen({ host: s.BRIDGE_HOST, port: s.BRIDGE_PORT });
  logger.info({ routes: bridge.routes.map((r) => r.name), port: s.BRIDGE_PORT }, 'bridge ready');
  onShutdownSignal(async () => {
    await app.close();
    await bridge.close();
    await nc.drain();
  }, logger);
});
