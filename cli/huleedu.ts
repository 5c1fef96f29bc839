#!/usr/bin/env node
/**
 * The `huleedu` command.
 *   huleedu process <folder> [--out DIR] [--data DIR] [--json]
 *                           spellcheck a folder of .txt essays in one process (embedded mode)
 *   huleedu suggest [--top N]   streaming suggestions for words on stdin
 *   huleedu spell FILE|- [--json]
 *   huleedu topics create   create Kafka topics (+ .DLT) and the NATS stream, idempotently
 *   huleedu topics list     print the event -> topic table
 *   huleedu submit <folder> submit a folder to the distributed stack's api and follow it
 *   huleedu status <batch>  follow a submitted batch to its end
 *   huleedu token --sub T   print a development token
 *   huleedu dlt ...         list, show and replay dead letters
 */
import { TOPIC_MAPPING } from '../common-core/index.ts';
import { dltCommand } from './dlt-command.ts';
import { machinesCommand } from './machines-command.ts';
import { parseProcessArgs, processCommand } from './process-command.ts';
import { spellCommand, suggestCommand } from './spell-commands.ts';
import { statusCommand, submitCommand, tokenCommand } from './submit-command.ts';
import { bootstrapTopics } from './topics-command.ts';
import { UsageError } from './usage-error.ts';
import { packageVersion } from './version.ts';

const USAGE = `usage:
  huleedu process <folder> [--out DIR] [--format html|json|csv] [--data DIR] [--json]
                          [--timeout SECONDS] [--inspect ws://…] [--pipeline spellcheck,metrics]
                          spellcheck and measure a folder of .txt essays with no servers (memory
                          bus, PGlite); --pipeline picks the phases, in order (default: all);
                          with --out, the corrected texts and report.html (or .json, .csv)
  huleedu suggest [--top N]
                          words on stdin, one per line -> the word and TAB-separated suggestions
  huleedu spell FILE|- [--json] [--lang en]
                          the corrected text (or, with --json, the corrections)
  huleedu topics create   create every mapped topic, its .DLT and the NATS stream (idempotent)
  huleedu topics list     print the event -> topic table
  huleedu submit <folder> [--api URL] [--token T] [--out DIR] [--format html|json|csv] [--course CODE]
                          submit .txt/.docx/.pdf essays to the api (npm run stack) as one batch,
                          follow it live, print the summary and write the corrected texts
  huleedu status <batch_id> [--api URL] [--token T] [--out DIR] [--format html|json|csv]
                          follow a submitted batch to its end (resumes after Ctrl-C)
  huleedu token --sub <teacher> [--expires-in SECONDS]
                          print a development token (HS256 with API_JWT_SECRET or the dev secret)
  huleedu dlt list --topic <topic> [--json]
  huleedu dlt show <partition:offset> --topic <topic>
  huleedu dlt replay --topic <topic> (--all | --only <p:o>,... | --code <HULEEDU_...>) [--dry-run]
                          inspect a topic's dead letters; replay chosen ones to it after a fix
  huleedu machines export [--machine essay|batch] [--format mermaid|dot|json]
                          the state charts, drawn from the machine definitions`;

const HELP = `huleedu ${packageVersion()}: essays through spell checking, on one machine or a cluster.

${USAGE}

  huleedu --help | -h     this text (also: huleedu <command> --help)
  huleedu --version | -V  the version`;

async function run(argv: string[]): Promise<number> {
  const [group, command] = argv;
  const rest = argv.slice(1);
  if (group === undefined) throw new UsageError(USAGE);
  if (group === '--help' || group === '-h' || group === 'help') {
    console.log(HELP);
    return 0;
  }
  if (group === '--version' || group === '-V') {
    console.log(packageVersion());
    return 0;
  }
  // `huleedu <command> --help`: the usage, on stdout, exit 0, before any work.
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  if (group === 'suggest') return suggestCommand(rest, process.stdout);
  if (group === 'spell') return spellCommand(rest, process.stdout);
  if (group === 'process') {
    const report = await processCommand(parseProcessArgs(rest), (line) => console.log(line));
    return report.essays.every((e) => e.status === 'essay_all_processing_completed') ? 0 : 3;
  }
  if (group === 'submit') return await submitCommand(rest, (l) => console.log(l));
  if (group === 'status') return await statusCommand(rest, (l) => console.log(l));
  if (group === 'token') return tokenCommand(rest, (l) => console.log(l));
  if (group === 'dlt') return await dltCommand(rest, (l) => console.log(l));
  if (group === 'machines') return machinesCommand(rest, (text) => process.stdout.write(text));
  if (group === 'topics' && command === 'create' && argv.length === 2) {
    await bootstrapTopics({ env: process.env, log: (m) => console.log(m) });
    return 0;
  }
  if (group === 'topics' && command === 'list' && argv.length === 2) {
    for (const [event, topic] of Object.entries(TOPIC_MAPPING)) console.log(`${event}\t${topic}`);
    return 0;
  }
  throw new UsageError(`unknown command: huleedu ${argv.join(' ')}`);
}

/** Exit once standard output has drained: a pipe must get the whole output, not its first 64 KiB. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

run(process.argv.slice(2)).then(exit, (error: unknown) => {
  // node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for bad options.
  const code = (error as { code?: string }).code ?? '';
  if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
    console.error(`huleedu: ${(error as Error).message}\n(huleedu --help lists the commands)`);
    exit(2);
    return;
  }
  console.error(`huleedu: ${error instanceof Error ? error.message : String(error)}`);
  exit(1);
});
