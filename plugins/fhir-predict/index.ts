import { definePlugin, type FrontDoor } from '../../core/index.ts'
import { operationOutcome } from './operation-outcome.ts'
import { fhirPredictPolicy, fhirPredictRoute } from './route.ts'

/**
 * The FHIR front door: `POST /fhir/patient/{id}/predict`, answering errors as OperationOutcomes.
 * Requires a `fhirSource` (e.g. `fhirServer({ baseUrl })` from plugins/fhir).
 * @example
 * await createNexora({ plugins: [sqlStorage(), linearModel(), fhirServer({ baseUrl }), fhirPredict()] })
 */
export function fhirPredict() {
  return definePlugin({
    name: 'fhir-predict', provides: 'frontDoor', requires: ['fhirSource'],
    setup: (ctx): FrontDoor => ({
      name: 'fhir-predict',
      policies: fhirPredictPolicy,
      register: (app, door) => fhirPredictRoute(app, door, ctx.get('fhirSource')),
      errors: { prefix: '/fhir/', render: operationOutcome },
    }),
  })
}

export { operationOutcome } from './operation-outcome.ts'
export { toRiskAssessment } from './risk-assessment.ts'
