import { initialTransition, transition } from 'xstate';
import { essayMachine } from './machines/index.ts';

const [s] = initialTransition(essayMachine, { essayId: 'e', textStorageId: 't' });
const [n, a] = transition(essayMachine, s, { type: 'DISPATCH_SPELLCHECK' });
console.log('rejected same ref:', n === s, a.length);
const [n2] = transition(essayMachine, s, {
  type: 'CONTENT_PROVISIONED',
  textStorageId: 't',
  batchId: null,
});
console.log('accepted self-transition same ref:', n2 === s);
let t = performance.now();
for (let i = 0; i < 20000; i++)
  transition(essayMachine, s, {
    type: 'SPELLCHECK_INITIATED',
    language: 'en',
    correlationId: null,
  });
console.log('transition us', (((performance.now() - t) / 20000) * 1000).toFixed(1));
t = performance.now();
for (let i = 0; i < 20000; i++)
  s.can({ type: 'SPELLCHECK_INITIATED', language: 'en', correlationId: null });
console.log('can us', (((performance.now() - t) / 20000) * 1000).toFixed(1));
