import { modelSuite } from './model-suite.ts';

// The default suite: the durable runtime on PGlite (embedded Postgres).
modelSuite(() => 'pglite://memory');
