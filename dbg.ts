import { ActorRepository } from './db/index.ts';

const orig = ActorRepository.prototype.writeBatch;
let w = 0,
  p = 0;
ActorRepository.prototype.writeBatch = async function (b) {
  const t = performance.now();
  await orig.call(this, b);
  w += performance.now() - t;
};
const origP = ActorRepository.prototype.processedAmong;
ActorRepository.prototype.processedAmong = async function (k) {
  const t = performance.now();
  const r = await origP.call(this, k);
  p += performance.now() - t;
  return r;
};
process.on('exit', () =>
  console.log('writeBatch ms', Math.round(w), 'processedAmong ms', Math.round(p)),
);
await import('./benchmarks/actors.bench.ts');
