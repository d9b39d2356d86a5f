import { definePlugin, type FrontDoor } from '../../core/index.ts'
import { operationOutcome } from '../fhir/index.ts'
import type { ExportingSource, PopulationDeps } from './engine.ts'
import { type RescoreOptions, rescoreFeed } from './rescore.ts'
import { populationPolicy, populationRoutes } from './routes.ts'
import { NOTIFY_PATH, subscriptionPolicy, subscriptionRoutes } from './subscription.ts'

/**
 * Population scoring: `POST /jobs/population` starts a job (a Bulk Data export of the FHIR
 * server, staged by patient, sharded onto the job queue), `GET /jobs/population/{id}` follows it,
 * `…/scores` is its risk-stratified worklist (JSON, CSV, NDJSON). Shards run wherever
 * `startPopulationWorker` runs (`nexora worker`, or `nexora serve` itself with the in-process queue).
 * Requires a `jobQueue` and a `populationStore` (`memoryStorage`, `sqlStorage`, `d1Storage`); a
 * `fhirSource` that exports, for jobs that read the FHIR server. With `feeds`, also the FHIR
 * Subscription endpoint (`/fhir/notify`): a notified change enqueues a debounced re-score.
 * @example
 * await createNexora({ plugins: [sqlStorage(), pgBossJobs({ url }), fhirServer({ baseUrl }), populationJobs(), linearModel()] })
 */
export function populationJobs(options: { feeds?: RescoreOptions } = {}) {
  return definePlugin({
    name: 'population',
    provides: 'frontDoor',
    requires: ['jobQueue', 'populationStore'],
    setup: (ctx): FrontDoor => ({
      name: 'population',
      policies: { ...populationPolicy, ...(options.feeds ? subscriptionPolicy : {}) },
      register: (app, door) => {
        const deps = (): PopulationDeps => ({
          store: ctx.get('populationStore'),
          queue: ctx.get('jobQueue'),
          registry: door.registry,
          audit: door.audit,
          clock: door.clock,
          predict: (request, caller) => door.predict(request, caller, crypto.randomUUID()),
          // Optional: looked up at request time, when every plugin has been set up.
          fhir: ctx.get('fhirSource') as ExportingSource | undefined,
        })
        populationRoutes(app, door, deps)
        if (options.feeds) {
          const feeds = options.feeds
          subscriptionRoutes(
            app,
            (event) => rescoreFeed(deps(), feeds).accept(event),
            () => deps().fhir,
          )
        }
      },
      errors: { prefix: NOTIFY_PATH, render: operationOutcome },
    }),
  })
}

export {
  createJob,
  planJob,
  splitJob,
  finishIfDone,
  PLAN_QUEUE,
  SPLIT_QUEUE,
  SHARD_QUEUE,
  DEFAULT_SHARD_SIZE,
  type CreateJobInput,
  type PopulationDeps,
} from './engine.ts'
export { runShard, featureNames } from './shard.ts'
export { rescoreFeed, liveJobId, RESCORE_QUEUE, FEED_STAGE, type ChangeEvent, type RescoreOptions } from './rescore.ts'
export { startPopulationWorker, populationDeps, type PopulationWorkerOptions } from './worker.ts'
export { jobStatus, type JobStatus } from './status.ts'
export { toCsv, toNdjson } from './worklist-format.ts'
export { JOBS_PATH } from './routes.ts'
export { NOTIFY_PATH, subscribe, type SubscribeOptions } from './subscription.ts'
export { POPULATION_ERRORS } from './errors.ts'
