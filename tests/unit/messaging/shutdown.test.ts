import { afterEach, describe, expect, it, vi } from 'vitest';
import { onShutdownSignal } from '../../../messaging/index.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/** onShutdownSignal with process.on and process.exit captured: the test sends the signals. */
function install(stop: () => Promise<void>, timeoutMs?: number) {
  const handlers = new Map<string, (signal: NodeJS.Signals) => void>();
  vi.spyOn(process, 'on').mockImplementation(((event: string, fn: (s: NodeJS.Signals) => void) => {
    handlers.set(event, fn);
    return process;
  }) as typeof process.on);
  const exits: number[] = [];
  vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
    exits.push(code ?? 0);
  }) as typeof process.exit);
  const logged: string[] = [];
  const fields: object[] = [];
  const logger = {
    info: (f: object, m: string) => logged.push(`info ${m}`) && fields.push(f),
    warn: (f: object, m: string) => logged.push(`warn ${m}`) && fields.push(f),
    error: (f: object, m: string) => logged.push(`error ${m}`) && fields.push(f),
    debug: () => {},
    child: () => logger,
  };
  onShutdownSignal(stop, logger, timeoutMs);
  const signal = (name: NodeJS.Signals) => handlers.get(name)?.(name);
  return { handlers, exits, logged, fields, signal };
}

describe('onShutdownSignal', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('on SIGTERM or SIGINT runs stop once and exits 0 when it finished', async () => {
    let stops = 0;
    const { handlers, exits, logged, signal } = install(async () => {
      stops++;
    });
    expect([...handlers.keys()].sort()).toEqual(['SIGINT', 'SIGTERM']);
    signal('SIGTERM');
    await waitFor('exit', () => exits.length > 0);
    expect(stops).toBe(1);
    expect(exits).toEqual([0]);
    expect(logged).toEqual(['info shutting down: draining in-flight work', 'info stopped cleanly']);
  });

  it('exits 1 when stop throws', async () => {
    const { exits, logged, signal } = install(async () => {
      throw new Error('drain failed');
    });
    signal('SIGINT');
    await waitFor('exit', () => exits.length > 0);
    expect(exits).toEqual([1]);
    expect(logged.at(-1)).toBe('error shutdown failed');
  });

  it('exits 1 at once on a second signal, and when stop outlives the timeout', async () => {
    const never = () => new Promise<void>(() => {});
    const first = install(never, 60_000);
    first.signal('SIGTERM');
    first.signal('SIGTERM');
    // (The mocked exit returns; a real one would end the process here.)
    expect(first.exits[0]).toBe(1);
    expect(first.logged[1]).toBe('warn second signal: exiting now');
    vi.restoreAllMocks();
    const slow = install(never, 20);
    slow.signal('SIGTERM');
    await waitFor('exit after the timeout', () => slow.exits.length > 0);
    expect(slow.exits).toEqual([1]);
    expect(slow.logged.at(-1)).toBe('error shutdown timed out');
  });

  it('logs the signal, the timeout and the failure with their values', async () => {
    const never = () => new Promise<void>(() => {});
    const first = install(never, 60_000);
    first.signal('SIGTERM');
    first.signal('SIGINT');
    // (process.exit is captured here, so the handler goes on after the second signal's exit.)
    expect(first.fields.slice(0, 2)).toEqual([{ signal: 'SIGTERM' }, { signal: 'SIGINT' }]);
    vi.restoreAllMocks();
    const failing = install(async () => {
      throw new Error('drain failed');
    });
    failing.signal('SIGTERM');
    await waitFor('exit', () => failing.exits.length > 0);
    expect(failing.fields.at(-1)).toEqual({ err: 'drain failed' });
    vi.restoreAllMocks();
    vi.useFakeTimers();
    try {
      const slow = install(never, 50);
      slow.signal('SIGTERM');
      vi.advanceTimersByTime(60);
      expect(slow.fields.at(-1)).toEqual({ timeoutMs: 50 });
      expect(slow.exits).toEqual([1]);
    } finally {
      vi.useRealTimers();
    }
  });
});
