import { defineConfig } from 'drizzle-kit'

/** `npm run db:generate` also writes the PostgreSQL migrations. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './plugins/storage-sql/schema-pg.ts',
  out: './plugins/storage-sql/migrations/postgres',
})
