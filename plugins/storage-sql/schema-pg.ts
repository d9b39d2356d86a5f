import { bigint, customType, doublePrecision, index, integer, pgTable, primaryKey, serial, text } from 'drizzle-orm/pg-core'

// The same tables as schema.ts, for PostgreSQL. JSON stays text so both dialects read it alike.
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })

export const modelVersions = pgTable(
  'model_versions',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    kind: text('kind').notNull(),
    manifest: text('manifest').notNull(),
    stage: text('stage').notNull().default('none'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
)

export const modelFiles = pgTable(
  'model_files',
  {
    name: text('name').notNull(),
    version: text('version').notNull(),
    path: text('path').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version, t.path] })],
)

export const modelAliases = pgTable(
  'model_aliases',
  {
    name: text('name').notNull(),
    alias: text('alias').notNull(),
    version: text('version').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.alias] })],
)

/** See schema.ts. */
export const modelLifecycle = pgTable('model_lifecycle', {
  name: text('name').primaryKey(),
  state: text('state').notNull(),
  revision: integer('revision').notNull(),
  updatedAt: text('updated_at').notNull(),
})

export const auditEvents = pgTable(
  'audit_events',
  {
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
  },
  (t) => [
    index('audit_events_ts').on(t.ts),
    index('audit_events_patient').on(t.patientRef),
    index('audit_events_actor').on(t.actor),
    index('audit_events_request').on(t.requestId),
  ],
)

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

export const predictionLog = pgTable(
  'prediction_log',
  {
    id: text('id').primaryKey(),
    ts: text('ts').notNull(),
    model: text('model').notNull(),
    version: text('version').notNull(),
    subjectKey: text('subject_key'),
    featuresHash: text('features_hash').notNull(),
    score: doublePrecision('score').notNull(),
    label: text('label'),
    features: text('features'),
    /** A shadow prediction (issue 20): the champion version it ran beside; null for served predictions. */
    shadowOf: text('shadow_of'),
    /** A shadow prediction: the champion's score for the same row. */
    championScore: doublePrecision('champion_score'),
  },
  (t) => [index('prediction_log_model_ts').on(t.model, t.ts), index('prediction_log_subject').on(t.model, t.subjectKey)],
)

export const predictionOutcomes = pgTable(
  'prediction_outcomes',
  {
    id: serial('id').primaryKey(),
    model: text('model').notNull(),
    subjectKey: text('subject_key'),
    predictionId: text('prediction_id'),
    value: doublePrecision('value').notNull(),
    observedAt: text('observed_at').notNull(),
    source: text('source').notNull(),
  },
  (t) => [index('prediction_outcomes_model_at').on(t.model, t.observedAt)],
)

export const adverseEvents = pgTable(
  'adverse_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    severity: text('severity').notNull(),
    description: text('description').notNull(),
    status: text('status').notNull(),
    occurredAt: text('occurred_at').notNull(),
    predictionId: text('prediction_id'),
    model: text('model'),
    version: text('version'),
    patientRef: text('patient_ref'),
    reporter: text('reporter').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('adverse_events_created').on(t.createdAt), index('adverse_events_model').on(t.model)],
)

/** Feature values by entity (a patient pseudonym), every write kept so reads can be point-in-time (ts: ms since epoch; value: JSON). */
export const featureValues = pgTable(
  'feature_values',
  {
    entityKey: text('entity_key').notNull(),
    name: text('name').notNull(),
    ts: bigint('ts', { mode: 'number' }).notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entityKey, t.name, t.ts] })],
)

/** Population jobs (plugins/population): what to score, with which model version, as of when, and how far it got. */
export const populationJobs = pgTable(
  'population_jobs',
  {
    id: text('id').primaryKey(),
    model: text('model').notNull(),
    version: text('version').notNull(),
    source: text('source').notNull(),
    indexTime: text('index_time').notNull(),
    state: text('state').notNull(),
    total: integer('total').notNull(),
    shards: integer('shards').notNull(),
    shardSize: integer('shard_size').notNull(),
    writeBack: integer('write_back').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    startedAt: text('started_at'),
    finishedAt: text('finished_at'),
    error: text('error'),
  },
  (t) => [index('population_jobs_created').on(t.createdAt)],
)

/** A job's exported records regrouped by patient (the key's order): a shard reads a range of patients. Cleared when the job ends. */
export const populationStaging = pgTable(
  'population_staging',
  {
    job: text('job').notNull(),
    patient: text('patient').notNull(),
    type: text('type').notNull(),
    id: text('id').notNull(),
    resource: text('resource').notNull(),
  },
  (t) => [primaryKey({ columns: [t.job, t.patient, t.type, t.id] })],
)

/** One result per job, patient and model version: a retried shard inserts nothing twice. */
export const riskScores = pgTable(
  'risk_scores',
  {
    job: text('job').notNull(),
    patient: text('patient').notNull(),
    model: text('model').notNull(),
    version: text('version').notNull(),
    status: text('status').notNull(),
    score: doublePrecision('score'),
    label: text('label'),
    reason: text('reason'),
    scoredAt: text('scored_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.job, t.patient, t.model, t.version] }), index('risk_scores_rank').on(t.job, t.score)],
)
