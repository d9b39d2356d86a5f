import { defineConfig } from 'drizzle-kit'

/** `npm run db:generate` writes the SQL migrations that storage-sql applies at start-up. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './plugins/storage-sql/schema.ts',
  out: './plugins/storage-sql/migrations/sqlite',
})
