import { Kafka, type LogEntry, logLevel } from 'kafkajs';
import type { Logger } from '../../common-core/index.ts';
import { dropKafkajsNegativeTimeoutWarnings } from './kafkajs-timeout-warning.ts';

export interface KafkaClientConfig {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /** How long one connection attempt may take. */
  connectionTimeoutMs?: number;
  /** Client-level retries of a failed request or connection (kafkajs default: 5). */
  retries?: number;
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go through our structured logger (warnings and errors only). */
export function createKafka(config: KafkaClientConfig): Kafka {
  dropKafkajsNegativeTimeoutWarnings();
  return new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs ?? 3_000,
    retry: { retries: config.retries ?? 5, initialRetryTime: 300, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, namespace, log }: LogEntry) => {
        const { message, ...rest } = log;
        config.logger[LEVEL_NAMES[level] ?? 'info'](
          { ...rest, namespace, component: 'kafkajs' },
          message,
        );
      },
  });
}
