import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { GENERATED_FILE, MIGRATIONS_DIR, renderMigrationsModule } from '../../plugins/storage-d1/_generate-migrations.ts'
import { SQLITE_MIGRATIONS } from '../../plugins/storage-d1/index.ts'

describe('the D1 migrations module', () => {
  it('is exactly what the generator makes from the committed .sql files (regenerate: node --import tsx plugins/storage-d1/_generate-migrations.ts)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(renderMigrationsModule())
  })

  it('carries every .sql file, in order, with every statement of each', () => {
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort()
    expect(SQLITE_MIGRATIONS.map((m) => m.name)).toEqual(files)
    for (const m of SQLITE_MIGRATIONS) {
      const text = readFileSync(new URL(m.name, MIGRATIONS_DIR), 'utf8')
      expect(m.statements.length, m.name).toBe(text.split('--> statement-breakpoint').filter((s) => s.trim()).length)
      for (const statement of m.statements) expect(text, m.name).toContain(statement)
    }
  })
})
