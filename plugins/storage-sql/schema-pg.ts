import { bigint, customType, doublePrecision, index, integer, pgTable, primaryKey, serial, text } from 'drizzle-orm/pg-core'

// The same tables as schema.ts, for PostgreSQL. JSON stays text so both dialects read it alike.
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })

export const modelVersions = pgTable('model_versions', {
  name: text('name').notNull(),
  version: text('version').notNull(),
  kind: text('kind').notNull(),
  manifest: text('manifest').notNull(),
  stage: text('stage').notNull().default('none'),
  createdAt: text('created_at').notNull(),
}, (t) => [primaryKey({ columns: [t.name, t.version] })])

export const modelFiles = pgTable('model_files', {
  name: text('name').notNull(),
  version: text('version').notNull(),
  path: text('path').notNull(),
  bytes: bytea('bytes').notNull(),
}, (t) => [primaryKey({ columns: [t.name, t.version, t.path] })])

export const modelAliases = pgTable('model_aliases', {
  name: text('name').notNull(),
  alias: text('alias').notNull(),
  version: text('version').notNull(),
}, (t) => [primaryKey({ columns: [t.name, t.alias] })])

export const auditEvents = pgTable('audit_events', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  ts: text('ts').notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  outcome: text('outcome').notNull(),
  patientRef: text('patient_ref'),
  model: text('model'),
  version: text('version'),
  reason: text('reason'),
  requestId: text('request_id'),
  ip: text('ip'),
  context: text('context').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
}, (t) => [
  index('audit_events_ts').on(t.ts),
  index('audit_events_patient').on(t.patientRef),
  index('audit_events_actor').on(t.actor),
  index('audit_events_request').on(t.requestId),
])

export const auditCheckpoints = pgTable('audit_checkpoints', {
  id: serial('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  ts: text('ts').notNull(),
})

export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  allowed: integer('allowed').notNull(),
})
