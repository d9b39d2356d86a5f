import type { FhirResource } from './fhir.ts'

/**
 * Where a population job stands. `staging`: its records are being read in; `scoring`: its shards
 * are on the queue. `live`: the standing job of a model's re-scores on change (feeds), never done.
 */
export type PopulationJobState = 'staging' | 'scoring' | 'completed' | 'failed' | 'cancelled' | 'live'

/** Whose records a job scores: a Bulk Data export of the FHIR server (system, a Group, or all patients), or records already staged. */
export interface PopulationSource {
  level: 'system' | 'patient' | 'group' | 'staged'
  group?: string
  /** Only resources changed after this instant (`_since`). */
  since?: string
  /** Resource types to export (`_type`). Default: the server's choice. */
  types?: string[]
}

export interface PopulationJob {
  id: string
  model: string
  /** Resolved when the job is created: every shard scores with the same version, retried or not. */
  version: string
  source: PopulationSource
  /** Features look back from this instant, for every patient of the job. */
  indexTime: string
  state: PopulationJobState
  /** Patients staged (known once staging is done). */
  total: number
  shards: number
  shardSize: number
  /** Create each scored patient's RiskAssessment on the FHIR server too. */
  writeBack: boolean
  createdBy: string
  createdAt: string
  startedAt?: string
  finishedAt?: string
  /** Why the job failed, as a stable code (never a message: it may carry data). */
  error?: string
}

/**
 * One patient's result: scored; skipped with a coded reason (`patient.deceased`, `features.invalid`,
 * …); or failed, when its shard's attempts were spent (the shard's last error code). Exactly one
 * per job, patient and model version.
 */
export interface RiskScore {
  job: string
  patient: string
  model: string
  version: string
  status: 'scored' | 'skipped' | 'failed'
  score: number | null
  label: string | null
  reason: string | null
  scoredAt: string
}

export interface StagedResource {
  patient: string
  type: string
  id: string
  resource: FhirResource
}

export interface WorklistQuery {
  limit?: number
  offset?: number
  /** Only scores at or above. */
  minScore?: number
  label?: string
  status?: RiskScore['status']
}

/**
 * Population jobs' storage: the jobs, their staged records (regrouped by patient as they arrive,
 * so no process holds an export in memory) and their results, written idempotently.
 */
export interface PopulationStore {
  createJob(job: PopulationJob): Promise<void>
  getJob(id: string): Promise<PopulationJob | undefined>
  updateJob(id: string, patch: Partial<Omit<PopulationJob, 'id'>>): Promise<void>
  listJobs(limit?: number): Promise<PopulationJob[]>
  /**
   * Stage resources; staging the same (job, patient, type, id) again keeps the first (a retried
   * export stages the same data), or with `replace` the newest (a live feed's updates).
   */
  stage(job: string, resources: StagedResource[], options?: { replace?: boolean }): Promise<void>
  /** The staged patients' ids, sorted, from `after` (exclusive), at most `limit`. */
  stagedPatients(job: string, after: string | null, limit: number): Promise<string[]>
  /** The staged resources of patients `from`..`to` (inclusive, in id order). */
  staged(job: string, from: string, to: string): Promise<StagedResource[]>
  clearStaging(job: string): Promise<void>
  /**
   * Insert results; one already there for the same job, patient, model and version is kept (a
   * retried shard adds nothing), or with `replace` overwritten (a live re-score).
   */
  putScores(scores: RiskScore[], options?: { replace?: boolean }): Promise<void>
  /** Results of a job, counted by status. */
  progress(job: string): Promise<Record<RiskScore['status'], number>>
  /** Skipped and failed results counted by reason code, most frequent first. */
  reasons(job: string): Promise<{ status: RiskScore['status']; reason: string; count: number }[]>
  /** The patients `from`..`to` (inclusive) that already have a result: a retried shard skips them. */
  resultsIn(job: string, from: string, to: string): Promise<string[]>
  /** Results by descending score (skipped last). */
  scores(job: string, query?: WorklistQuery): Promise<RiskScore[]>
  close?(): Promise<void>
}
