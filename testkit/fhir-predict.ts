import { createNexora, definePlugin, memoryAuditSink, memoryModelStore } from '../core/index.ts'
import { importModels } from '../bin/demo-models.ts'
import { fhirServer } from '../plugins/fhir/index.ts'
import { fhirPredict } from '../plugins/fhir-predict/index.ts'
import { linearModel } from '../plugins/model-linear/index.ts'

/**
 * The FHIR front door on memory ports with the demo models, reading the FHIR server at `baseUrl`
 * with a static token (no retries); `events` is the audit trail as it is written.
 */
export async function fhirPredictNexora(baseUrl: string, token: string) {
  const audit = memoryAuditSink()
  const nexora = await createNexora({
    plugins: [
      definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
      definePlugin({ name: 'audit', provides: 'auditSink', setup: () => audit }),
      linearModel(),
      fhirServer({ baseUrl, auth: { type: 'static', token }, retries: 0 }),
      fhirPredict(),
    ],
  })
  await importModels(nexora)
  return { nexora, events: audit.events }
}
