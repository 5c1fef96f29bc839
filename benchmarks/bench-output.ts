/** Shared output of every benchmark: human lines, then with `--json` one JSON object as the last line. */
export function report(
  title: string,
  lines: string[],
  figures: Record<string, number | string | null>,
): void {
  const json = process.argv.includes('--json');
  console.log(`\n${title}`);
  for (const line of lines) console.log(`  ${line}`);
  if (json) console.log(JSON.stringify(figures));
}

/** `--name value` from argv, as a number, or the default. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
