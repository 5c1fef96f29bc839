#!/usr/bin/env -S npx tsx
/**
 * The `huleedu` command.
 *   huleedu process <folder> [--out DIR] [--data DIR] [--json]
 *                           spellcheck a folder of .txt essays in one process (embedded mode)
 *   huleedu suggest [--top N]   streaming suggestions for words on stdin
 *   huleedu spell FILE|- [--json]
 *   huleedu topics create   create Kafka topics (+ .DLT) and the NATS stream, idempotently
 *   huleedu topics list     print the event -> topic table
 */
import { TOPIC_MAPPING } from '../common-core/index.ts';
import { parseProcessArgs, processCommand } from './process-command.ts';
import { spellCommand, suggestCommand } from './spell-commands.ts';
import { bootstrapTopics } from './topics-command.ts';

const USAGE = `usage:
  huleedu process <folder> [--out DIR] [--data DIR] [--json]
                          spellcheck a folder of .txt essays with no servers (memory bus, PGlite)
  huleedu suggest [--top N]
                          words on stdin, one per line -> the word and TAB-separated suggestions
  huleedu spell FILE|- [--json] [--lang en]
                          the corrected text (or, with --json, the corrections)
  huleedu topics create   create every mapped topic, its .DLT and the NATS stream (idempotent)
  huleedu topics list     print the event -> topic table`;

async function main(argv: string[]): Promise<number> {
  const [group, command] = argv;
  if (group === 'suggest') return suggestCommand(argv.slice(1), process.stdout);
  if (group === 'spell') return spellCommand(argv.slice(1), process.stdout);
  if (group === 'process') {
    const args = parseProcessArgs(argv.slice(1));
    if (typeof args === 'string') {
      console.error(`huleedu process: ${args}\n${USAGE}`);
      return 2;
    }
    const report = await processCommand(args, (line) => console.log(line));
    return report.essays.every((e) => e.status === 'essay_all_processing_completed') ? 0 : 3;
  }
  if (group === 'topics' && command === 'create') {
    await bootstrapTopics({ env: process.env, log: (m) => console.log(m) });
    return 0;
  }
  if (group === 'topics' && command === 'list') {
    for (const [event, topic] of Object.entries(TOPIC_MAPPING)) console.log(`${event}\t${topic}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`huleedu: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
