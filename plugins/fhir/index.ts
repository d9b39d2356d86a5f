import { definePlugin } from '../../core/index.ts'
import { createFhirClient, type FhirClientOptions } from './client.ts'

/**
 * The `fhirSource` port backed by a FHIR R4 server.
 * @example
 * await createNexora({ plugins: [sqlStorage(), linearModel(), fhirServer({ baseUrl: 'https://ehr.example/fhir', auth: { type: 'static', token } })] })
 */
export function fhirServer(options: FhirClientOptions) {
  return definePlugin({
    name: 'fhir-client',
    provides: 'fhirSource',
    requires: ['clock'],
    setup: (ctx) => createFhirClient({ clock: ctx.get('clock'), ...options }),
  })
}

export { createFhirClient, type FhirClient, type FhirClientOptions } from './client.ts'
export type { BulkExport, BulkExportProgress, BulkExportRequest, BulkManifest } from './bulk-export.ts'
export { parseResource } from './parse.ts'
export { bundleResources, resolveBundleReferences, patientIdOf } from './bundle.ts'
export { smartBackendAuth, type SmartBackendOptions } from './smart-backend.ts'
export { fhirError } from './outcome.ts'
// The resources Nexora writes: shared by the FHIR and CDS Hooks front doors, so neither imports the other.
export { operationOutcome } from './operation-outcome.ts'
export { toRiskAssessment, type RiskAssessmentInput } from './risk-assessment.ts'
export { baseUrl, onBase, type BaseUrl } from './base-url.ts'
export { createTransport, type FhirResponse, type TransportOptions } from './transport.ts'
