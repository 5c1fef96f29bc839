import { HuleEduError } from '../errors/huleedu-error.ts';

/** One bad variable: its name and why. Never the value: it may be a secret. */
export interface SettingProblem {
  variable: string;
  reason: string;
}

/** Settings failed validation; the message names every bad variable at once. */
export class SettingsError extends HuleEduError {
  readonly problems: readonly SettingProblem[];
  constructor(processName: string, problems: readonly SettingProblem[]) {
    super(
      'HULEEDU_INVALID_SETTINGS',
      `Invalid settings for ${processName}:\n${problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n')}`,
      { details: { problems } },
    );
    this.name = 'SettingsError';
    this.problems = problems;
  }
}
