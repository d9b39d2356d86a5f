/** The synthetic population's API (population.ts makes it; population-store.ts serves it). */
import type { FhirJson } from './store.ts'
import type { TruthFeatures } from './truth.ts'

export interface PopulationCohortOptions {
  /** How many patients: ids `pp-000001` … (indices 1 … patients). */
  patients: number
  /** Default 20261207. */
  seed?: number
  /** The extract date: every stay, result and order lies before it; `meta.lastUpdated` of every resource. Default 2026-06-30T00:00:00Z. */
  now?: string
}

/** Patients `from` … `to`, both included, 1-based (the number in the id). Default: all of them. */
export interface PopulationRange {
  from?: number
  to?: number
}

export interface NdjsonOptions extends PopulationRange {
  /** Drop resources (e.g. a Bulk Data `_typeFilter`). */
  keep?: (r: FhirJson) => boolean
  /** Characters per chunk before it is handed out (at a patient boundary). Default 32,768. */
  chunkChars?: number
}

export const POPULATION_TYPES = ['Patient', 'Encounter', 'Condition', 'Observation', 'MedicationRequest'] as const
export type PopulationType = (typeof POPULATION_TYPES)[number]

export interface PopulationOutcome {
  readmitted30d: 0 | 1
  /** The true probability (truth.ts) the outcome was drawn with. */
  probability: number
  features: TruthFeatures
}

export interface PopulationCohort {
  readonly patients: number
  readonly seed: number
  readonly now: string
  /** `meta.lastUpdated` of every generated resource (= `now`). */
  readonly lastUpdated: string
  readonly types: readonly PopulationType[]
  /** The id of patient `index` (1-based), e.g. `pp-000073`. */
  id(index: number): string
  /** The index of a patient id of this population, or undefined. */
  indexOf(patientId: string): number | undefined
  patientIds(range?: PopulationRange): IterableIterator<string>
  /** Patient `index`'s resources (the Patient first), or only those of one type. */
  record(index: number, type?: PopulationType): FhirJson[]
  /** One generated resource by type and id (any resource of the population), or undefined. */
  read(type: string, id: string): FhirJson | undefined
  /** Resources per type over a range, from the plans alone (nothing is rendered). */
  counts(range?: PopulationRange): Record<PopulationType, number>
  /**
   * One type's NDJSON over a range, generated as it is read: chunks of whole patients' lines (each
   * line ends with `\n`), ~32 KiB each; a range with no resource of the type yields nothing.
   */
  ndjson(type: PopulationType, options?: NdjsonOptions): AsyncIterable<string>
  /** The same chunks as UTF-8 bytes, pull-based: a chunk is generated when the reader asks for it. */
  stream(type: PopulationType, options?: NdjsonOptions): ReadableStream<Uint8Array>
  /** A 30-day readmission outcome drawn with the documented ground truth (truth.ts) from the patient's record. */
  outcome(index: number): PopulationOutcome
}
