import { definePlugin, type FrontDoor } from '../../core/index.ts'
import { operationOutcome } from '../fhir/index.ts'
import { patientSearchPolicy, patientSearchRoute } from './patient-search.ts'
import { fhirPredictPolicy, fhirPredictRoute } from './route.ts'

/**
 * The FHIR front door: `POST /fhir/patient/{id}/predict` and `GET /fhir/patients` (find whom to
 * score), answering errors as OperationOutcomes.
 * Requires a `fhirSource` (e.g. `fhirServer({ baseUrl })` from plugins/fhir).
 * @example
 * await createNexora({ plugins: [sqlStorage(), linearModel(), fhirServer({ baseUrl }), fhirPredict()] })
 */
export function fhirPredict() {
  return definePlugin({
    name: 'fhir-predict',
    provides: 'frontDoor',
    requires: ['fhirSource'],
    setup: (ctx): FrontDoor => ({
      name: 'fhir-predict',
      policies: { ...fhirPredictPolicy, ...patientSearchPolicy },
      register: (app, door) => {
        patientSearchRoute(app, door, ctx.get('fhirSource'))
        fhirPredictRoute(app, door, ctx.get('fhirSource'))
      },
      errors: { prefix: '/fhir/', render: operationOutcome },
    }),
  })
}

// Built in plugins/fhir (shared with CDS Hooks); re-exported for callers that import them from here.
export { operationOutcome, toRiskAssessment } from '../fhir/index.ts'
export { displayName, MAX_SCANNED, PATIENT_SEARCH_PATH } from './patient-search.ts'
