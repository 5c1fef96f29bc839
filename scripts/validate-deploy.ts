/**
 * `npm run validate:deploy`: the deployment files checked by real validators, here where no
 * Docker engine runs (and in .ci/run):
 *   - docker-compose.yml against the Compose specification's JSON schema, plus dclint's rules
 *     (.dclintrc turns off the ones about key order, and require-quotes-in-ports, which
 *     misreads flow-style lists whose ports are quoted);
 *   - every workflow under .github/workflows with action-validator (GitHub's workflow schema,
 *     and that the paths its globs name exist).
 * Exits 1 with the validators' messages when anything fails.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

function run(label: string, command: string, args: string[]): boolean {
  const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  const ok = r.status === 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}`);
  if (!ok) console.log(`${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}`.trim());
  return ok;
}

const workflows = readdirSync(join(ROOT, '.github', 'workflows')).filter((f) => /\.ya?ml$/.test(f));
const results = [
  run('docker-compose.yml: Compose specification schema and dclint rules', bin('dclint'), [
    'docker-compose.yml',
    '--max-warnings',
    '0',
    '--color',
    'false',
  ]),
  ...workflows.map((f) =>
    run(`.github/workflows/${f}: action-validator`, bin('action-validator'), [
      join('.github', 'workflows', f),
    ]),
  ),
];
if (workflows.length === 0) {
  console.log('FAIL no workflow under .github/workflows');
  results.push(false);
}
process.exit(results.every(Boolean) ? 0 : 1);
