import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { type AppEnv, type FrontDoorContext, NexoraError, SCOPES } from '../../core/index.ts'
import { createJob, type PopulationDeps } from './engine.ts'
import './errors.ts'
import { jobStatus } from './status.ts'
import { toCsv, toNdjson } from './worklist-format.ts'

// A job's UUID, or `live-<model>`: a model's standing job of re-scores on change.
const Id = z.object({
  id: z
    .string()
    .regex(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|live-[A-Za-z0-9._-]{1,128})$/, 'a job id')
    .openapi({ param: { name: 'id', in: 'path' } }),
})
const FhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'a FHIR id')
const CreateBody = z
  .object({
    model: z.string().min(1).max(128).openapi({ example: 'readmission-fhir' }),
    version: z.string().max(64).optional(),
    alias: z.enum(['production', 'staging', 'latest']).optional(),
    level: z
      .enum(['system', 'patient', 'group'])
      .default('system')
      .openapi({ description: 'Which Bulk Data export: `/$export`, `/Patient/$export` or `/Group/{group}/$export`' }),
    group: FhirId.optional(),
    since: z.string().datetime({ offset: true }).optional().openapi({ description: '`_since`: only resources changed after this instant' }),
    types: z
      .array(z.string().regex(/^[A-Z][A-Za-z]{1,63}$/))
      .max(50)
      .optional()
      .openapi({ description: '`_type`' }),
    indexTime: z.string().datetime({ offset: true }).optional().openapi({ description: 'Score every patient as of this instant (default now)' }),
    shardSize: z.number().int().min(1).max(1000).optional().openapi({ description: 'Patients a shard (a queue job). Default 250' }),
    writeBack: z.boolean().optional().openapi({ description: "Create each scored patient's RiskAssessment on the FHIR server (a transaction Bundle a shard)" }),
  })
  .refine((b) => (b.level === 'group') === (b.group !== undefined), { message: 'a group export names its group, and only it does', path: ['group'] })
  .openapi('PopulationJobRequest')
const JobSchema = z.record(z.string(), z.unknown()).openapi('PopulationJob')
const StatusSchema = z
  .object({ job: JobSchema, progress: z.record(z.string(), z.unknown()), reasons: z.array(z.record(z.string(), z.unknown())) })
  .openapi('PopulationJobStatus')
const ScoresQuery = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  minScore: z.coerce.number().min(0).max(1).optional(),
  label: z.string().max(64).optional(),
  status: z.enum(['scored', 'skipped', 'failed']).optional(),
  format: z.enum(['json', 'csv', 'ndjson']).default('json'),
})
const problem = (description: string) => ({ content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } }, description })

export const JOBS_PATH = '/jobs/population'

/** The population job routes: start a job, list jobs, follow one, read its risk-stratified worklist, cancel it. */
export function populationRoutes(app: OpenAPIHono<AppEnv>, door: FrontDoorContext, deps: () => Omit<PopulationDeps, 'predict'>) {
  app.openapi(
    createRoute({
      method: 'post',
      path: JOBS_PATH,
      tags: ['jobs'],
      summary: 'Score a population: a Bulk Data export of the FHIR server, sharded by patient onto the job queue',
      description:
        'Resolves the model version, records the job and enqueues its plan: the export is staged by patient, split into shards of `shardSize` ' +
        'patients and scored by any worker (`nexora worker`) with the one prediction pipeline, as of `indexTime`. Answers 202 with the job; follow ' +
        'it at `GET /jobs/population/{id}`.',
      request: { body: { content: { 'application/json': { schema: CreateBody } }, required: true } },
      responses: {
        202: { content: { 'application/json': { schema: JobSchema } }, description: 'The job, created' },
        400: problem('Bad request'),
        404: problem('No such model'),
        422: problem('The model has no FHIR feature spec, or no FHIR server can export'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const { level, group, since, types, ...rest } = body
      const job = await createJob(deps(), { ...rest, source: { level, group, since, types } }, c.get('caller').subject)
      return c.json(job as never, 202, { location: `${JOBS_PATH}/${job.id}` })
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: JOBS_PATH,
      tags: ['jobs'],
      summary: 'Population jobs, newest first',
      responses: { 200: { content: { 'application/json': { schema: z.object({ jobs: z.array(JobSchema) }) } }, description: 'The jobs' } },
    }),
    async (c) => c.json({ jobs: (await deps().store.listJobs(100)) as never[] }, 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: `${JOBS_PATH}/{id}`,
      tags: ['jobs'],
      summary: "A job's progress: total, done, scored, skipped, failed, rate, ETA, and the coded reasons patients were not scored",
      request: { params: Id },
      responses: { 200: { content: { 'application/json': { schema: StatusSchema } }, description: 'The job' }, 404: problem('No such job') },
    }),
    async (c) => c.json((await jobStatus(deps().store, c.req.valid('param').id, door.clock.now())) as never, 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: `${JOBS_PATH}/{id}/scores`,
      tags: ['jobs'],
      summary: "The job's risk-stratified worklist: results by descending score, filtered; JSON, CSV or NDJSON",
      description: 'Audited as data access (`population.worklist`) with the patients returned.',
      request: { params: Id, query: ScoresQuery },
      responses: {
        200: {
          content: { 'application/json': { schema: z.object({ scores: z.array(z.record(z.string(), z.unknown())) }) }, 'text/csv': { schema: z.string() } },
          description: 'The worklist',
        },
        404: problem('No such job'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { format, ...query } = c.req.valid('query')
      const { store, audit } = deps()
      if (!(await store.getJob(id))) throw new NexoraError('population.not_found')
      const scores = await store.scores(id, query)
      await audit.logDataAccess({
        userId: c.get('caller').subject,
        action: 'population.worklist',
        requestId: c.get('requestId'),
        context: { job: id, patients: scores.map((s) => `Patient/${s.patient}`) },
      })
      if (format === 'csv')
        return c.body(toCsv(scores), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="worklist-${id}.csv"`,
        }) as never
      if (format === 'ndjson') return c.body(toNdjson(scores), 200, { 'content-type': 'application/x-ndjson' }) as never
      return c.json({ scores: scores as never[] }, 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: `${JOBS_PATH}/{id}/cancel`,
      tags: ['jobs'],
      summary: 'Cancel a job: its queued shards then do nothing; results already written stay',
      request: { params: Id },
      responses: {
        200: { content: { 'application/json': { schema: JobSchema } }, description: 'The job' },
        404: problem('No such job'),
        409: problem('Already ended'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { store, audit, clock } = deps()
      const job = await store.getJob(id)
      if (!job) throw new NexoraError('population.not_found')
      if (job.state !== 'staging' && job.state !== 'scoring') throw new NexoraError('population.not_cancellable')
      await store.updateJob(id, { state: 'cancelled', finishedAt: new Date(clock.now()).toISOString() })
      await store.clearStaging(id)
      await audit.logDataAccess({ userId: c.get('caller').subject, action: 'population.cancel', requestId: c.get('requestId'), context: { job: id } })
      return c.json((await store.getJob(id)) as never, 200)
    },
  )
}

const jobs = { anyOf: [SCOPES.jobs] }
// A population spans every patient: never a patient-context token's business.
export const populationPolicy = {
  [`POST ${JOBS_PATH}`]: { access: jobs, rate: 'write' as const, audit: 'middleware' as const, patientContext: 'refuse' as const },
  [`GET ${JOBS_PATH}`]: { access: jobs, rate: 'read' as const, audit: 'middleware' as const, patientContext: 'refuse' as const },
  [`GET ${JOBS_PATH}/:id`]: { access: jobs, rate: 'read' as const, audit: 'middleware' as const, patientContext: 'refuse' as const },
  [`GET ${JOBS_PATH}/:id/scores`]: { access: jobs, rate: 'read' as const, audit: 'middleware' as const, patientContext: 'refuse' as const },
  [`POST ${JOBS_PATH}/:id/cancel`]: { access: jobs, rate: 'write' as const, audit: 'middleware' as const, patientContext: 'refuse' as const },
}
