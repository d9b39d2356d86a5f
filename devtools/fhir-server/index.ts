/**
 * The dev FHIR server example: a deterministic synthetic FHIR R4 cohort with a documented
 * readmission ground truth, and a small FHIR server (Hono, Web standards only) that serves it.
 */
export { generateFhirCohort, type FhirCohort, type GenerateFhirCohortOptions, type PatientOutcome } from './cohort.ts'
export { readmissionProbability, truthFeatures, indexAdmission, TRUTH_COEFFICIENTS, TRUTH_FORMULA, type TruthFeatures } from './truth.ts'
export { createDevFhirServer, type DevFhirServer, type DevFhirServerOptions } from './server.ts'
export {
  populationCohort,
  populationStore,
  POPULATION_TYPES,
  type NdjsonOptions,
  type PopulationCohort,
  type PopulationCohortOptions,
  type PopulationOutcome,
  type PopulationRange,
  type PopulationType,
} from './population.ts'
export { createFhirStore, patientOf, type FhirJson, type FhirStore } from './store.ts'
export { createClientRegistry, parseScope, type ClientRegistry, type DevClient, type Grant } from './auth.ts'
export type { FaultOptions, Faults } from './faults.ts'
export { createSmartApp, type SmartApp, type SmartAppOptions } from './smart-app.ts'
export { dateRange } from './search.ts'
export * as codes from './codes.ts'
