import { createNexora, definePlugin, memoryAuditSink, memoryJobQueue, memoryStorage } from '../core/index.ts'
import { importModels } from '../bin/demo-models.ts'
import { createDevFhirServer, type DevFhirServerOptions } from '../devtools/fhir-server/index.ts'
import { fhirServer } from '../plugins/fhir/index.ts'
import { fhirPredict } from '../plugins/fhir-predict/index.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { populationJobs, type RescoreOptions } from '../plugins/population/index.ts'
import { listen } from './dev-fhir-http.ts'

/**
 * Population jobs on memory ports (a fast in-process queue) with the demo models, reading a dev FHIR
 * server started here (static token `ehr-token`); `events` is the audit trail as it is written.
 */
export async function populationNexora(dev: DevFhirServerOptions, options: { feeds?: RescoreOptions } = {}) {
  const server = createDevFhirServer({ staticTokens: ['ehr-token'], ...dev })
  const fhir = await listen(server)
  const audit = memoryAuditSink()
  const nexora = await createNexora({
    plugins: [
      memoryStorage(),
      definePlugin({ name: 'audit', provides: 'auditSink', setup: () => audit }),
      definePlugin({ name: 'queue', provides: 'jobQueue', setup: () => memoryJobQueue({ pollIntervalMs: 10 }) }),
      linearModel(),
      fhirServer({ baseUrl: fhir.url, auth: { type: 'static', token: 'ehr-token' }, retries: 0 }),
      fhirPredict(),
      populationJobs(options),
    ],
  })
  await importModels(nexora)
  return { nexora, dev: server, fhir, events: audit.events }
}
