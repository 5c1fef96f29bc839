// After `tsc -p tsconfig.build.json`: the files the compiled code reads beside itself.
import { cpSync, rmSync } from 'node:fs';

rmSync('dist/db/migrations', { recursive: true, force: true });
cpSync('db/migrations', 'dist/db/migrations', { recursive: true });
cpSync('services/api/viewer/viewer-client.js', 'dist/services/api/viewer/viewer-client.js');
