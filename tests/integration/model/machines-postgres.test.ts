import { DATABASE_URL } from '../../helpers/infra.ts';
import { modelSuite } from '../../model/model-suite.ts';

// The same generated paths, through the runtime on the real Postgres server.
modelSuite(() => DATABASE_URL);
