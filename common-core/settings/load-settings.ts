import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotEnv } from 'dotenv';
import type { z } from 'zod';
import { SettingsError } from './settings-error.ts';

export type EnvSource = Readonly<Record<string, string | undefined>>;

export interface LoadSettingsOptions {
  /** Variables to read; defaults to `process.env` layered over `.env` in the working directory. */
  env?: EnvSource;
  /** `.env` file to layer under the environment; `null` disables it. */
  dotEnvPath?: string | null;
}

/**
 * Environment of a process: `.env` (when present) under the real environment, which wins.
 * The only file read in common-core, done once at start-up.
 */
export function environmentWithDotEnv(dotEnvPath: string | null = '.env'): EnvSource {
  const fromFile =
    dotEnvPath !== null && existsSync(dotEnvPath) ? parseDotEnv(readFileSync(dotEnvPath)) : {};
  return { ...fromFile, ...process.env };
}

/**
 * Parse a process's settings once at start. The schema's keys are the variable names
 * (`CONTENT_PORT`, ...). Empty strings count as unset so that defaults apply.
 * @throws SettingsError naming every bad variable and why, never a value.
 */
export function loadSettings<S extends z.ZodObject>(
  processName: string,
  schema: S,
  options: LoadSettingsOptions = {},
): z.output<S> {
  const env =
    options.env ??
    environmentWithDotEnv(options.dotEnvPath === undefined ? '.env' : options.dotEnvPath);
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new SettingsError(
    processName,
    result.error.issues.map((issue) => ({
      variable: issue.path.length ? String(issue.path[0]) : '(settings)',
      // zod messages for strings/enums may quote the input; keep only the expectation.
      reason:
        issue.code === 'invalid_value' || issue.code === 'invalid_format'
          ? describe(issue)
          : issue.message,
    })),
  );
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value')
    return `must be one of ${issue.values.map(String).join(', ')}`;
  // A pattern's own message says what is expected ("must be a postgres:// URL"); zod's default
  // for it names the regex, which a reader cannot act on.
  if (issue.code === 'invalid_format' && issue.format === 'regex')
    return issue.message.startsWith('Invalid string') ? 'has the wrong format' : issue.message;
  if (issue.code === 'invalid_format') return `must be a valid ${issue.format}`;
  return issue.message;
}

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_KEY|DATABASE_URL/i;

/** A copy safe to log: values of secret-looking variables are replaced. */
export function redactSettings<T extends Record<string, unknown>>(
  settings: T,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [
      k,
      SECRET_NAME.test(k) && v !== undefined ? '***' : v,
    ]),
  );
}
