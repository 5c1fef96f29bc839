import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration under db/migrations from db/schema.ts;
// `npx drizzle-kit migrate` / `studio` use DATABASE_URL (the same default as every process).
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
  dbCredentials: {
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  },
});
