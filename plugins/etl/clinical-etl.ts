import type { FeatureDef, FeatureValue, FhirSource } from '../../core/index.ts'
import { compileSpec, extractPatient, type CompiledSpec } from './extract.ts'
import { emptyReport, type EtlReport } from './report.ts'
import { buildSequence, type SequenceEvent } from './sequence.ts'
import { recordsFromBundle, recordsFromNdjson, recordsFromServer, type PatientRecord } from './sources.ts'
import { inputsFromSpec, parseFeatureSpec, type FeatureSpec } from './spec.ts'

export interface ExtractedRow {
  patientId: string
  features: Record<string, FeatureValue>
  sequence?: SequenceEvent[]
  /** References (`Type/id`) of the resources the features came from. */
  basis: string[]
}

export interface Dataset {
  rows: ExtractedRow[]
  /** The spec and the inputs it produced: stored in the model's manifest, so prediction uses the same. */
  manifest: { spec: FeatureSpec; inputs: FeatureDef[] }
  report: EtlReport
}

export interface ExtractOptions {
  /** Each patient's index time (ms or ISO); default `now`, i.e. predicting today. */
  indexTime?: number | string | ((patientId: string) => number | string | undefined)
  /** When the extraction runs (ms); later dates are data errors. Default Date.now(). */
  now?: number
}

const ms = (t: number | string) => (typeof t === 'number' ? t : Date.parse(t))

/**
 * The seed's ClinicalETL: load records (a FHIR server, a Bundle, or Bulk Data NDJSON), and turn
 * them into model rows with one feature spec, so training and prediction cannot drift apart.
 * @example
 * const etl = new ClinicalETL(spec)
 * const { rows, report } = await etl.extractFeatures(etl.fromBundle(bundle), { indexTime: '2026-06-01' })
 */
export class ClinicalETL {
  readonly spec: FeatureSpec
  readonly report: EtlReport = emptyReport()
  private readonly compiled: CompiledSpec

  constructor(spec: unknown) {
    this.spec = parseFeatureSpec(spec)
    this.compiled = compileSpec(this.spec)
  }

  /** The seed's load_from_source, one method per kind of source. */
  fromBundle(bundle: { entry?: { fullUrl?: string; resource?: unknown }[] }): PatientRecord[] {
    return recordsFromBundle(bundle as never, this.report)
  }

  fromServer(source: FhirSource, patientIds: Iterable<string>): AsyncIterable<PatientRecord> {
    return recordsFromServer(source, patientIds, this.report)
  }

  fromNdjson(lines: AsyncIterable<string>, options: { grouped?: boolean } = {}): AsyncIterable<PatientRecord> {
    return recordsFromNdjson(lines, this.report, options.grouped)
  }

  /** The seed's transform: one record to one row. */
  transform(record: PatientRecord, options: ExtractOptions = {}): ExtractedRow {
    const now = options.now ?? Date.now()
    const chosen = typeof options.indexTime === 'function' ? options.indexTime(record.patientId) : options.indexTime
    const indexTime = chosen === undefined ? now : ms(chosen)
    const used = new Set<string>()
    return {
      patientId: record.patientId,
      features: extractPatient(this.compiled, record.resources, { indexTime, now }, this.report, used),
      basis: [...used].sort(),
      ...(this.spec.sequence ? { sequence: buildSequence(record.resources, this.spec.sequence, indexTime, now) } : {}),
    }
  }

  /** The seed's extract_features: every record to rows, plus the feature manifest used. */
  async extractFeatures(records: Iterable<PatientRecord> | AsyncIterable<PatientRecord>, options: ExtractOptions = {}): Promise<Dataset> {
    const rows: ExtractedRow[] = []
    for await (const record of records) rows.push(this.transform(record, options))
    return { rows, manifest: { spec: this.spec, inputs: inputsFromSpec(this.spec) }, report: this.report }
  }
}
