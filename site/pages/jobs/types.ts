/** The shapes of the population job API's answers the Jobs page reads (plugins/population/routes.ts, status.ts). */
import type { Query } from '../../api/client.ts'

/** `live`: a model's standing job of re-scores on change (feeds); never done, so never polled. */
export type JobState = 'staging' | 'scoring' | 'completed' | 'failed' | 'cancelled' | 'live'

export interface PopulationJob {
  id: string
  model: string
  version: string
  source: { level: 'system' | 'patient' | 'group' | 'staged'; group?: string; since?: string }
  indexTime: string
  state: JobState
  total: number
  shards: number
  shardSize: number
  writeBack: boolean
  createdBy: string
  createdAt: string
  startedAt?: string
  finishedAt?: string
  /** A stable code, never a message. */
  error?: string
}

export interface JobProgress {
  total: number
  done: number
  scored: number
  skipped: number
  failed: number
  /** Patients a second since scoring started. */
  rate: number | null
  etaSeconds: number | null
}

export interface JobStatus {
  job: PopulationJob
  progress: JobProgress
  reasons: { status: string; reason: string; count: number }[]
}

/** One worklist row: the API gives the patient's FHIR id and the result, nothing else about them. */
export interface RiskScore {
  patient: string
  status: 'scored' | 'skipped' | 'failed'
  score: number | null
  label: string | null
  reason: string | null
  scoredAt: string
}

export const JOBS = '/jobs/population'
export const jobPath = (id: string) => `${JOBS}/${encodeURIComponent(id)}`

/** A job still has work to do (the page polls while one does). */
export const isRunning = (state: JobState) => state === 'staging' || state === 'scoring'

export const STATE_BADGE: Record<JobState, string> = {
  staging: 'badge warning',
  scoring: 'badge warning',
  completed: 'badge ok',
  failed: 'badge critical',
  cancelled: 'badge',
  live: 'badge ok',
}

export const fmtRate = (rate: number | null | undefined) => (rate ? `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/s` : '—')

/** Seconds as `1 h 5 min`, `3 min 20 s` or `45 s`; unknown as an em dash. */
export function fmtEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—'
  const s = Math.round(seconds)
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${s} s`
}

export const fmtTime = (iso: string | undefined) => {
  const d = new Date(iso ?? '')
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/** The worklist filters as typed: the minimum risk in percent, as the table shows scores. */
export interface WorklistFilters {
  minPercent: string
  label: string
  status: '' | RiskScore['status']
}
export const NO_FILTERS: WorklistFilters = { minPercent: '', label: '', status: '' }

/** The filters as the API's query: `minScore` is a probability (0–1). */
export function worklistQuery(f: WorklistFilters, limit: number): Query {
  const min = f.minPercent.trim() === '' ? undefined : Number(f.minPercent) / 100
  return {
    limit,
    minScore: min !== undefined && Number.isFinite(min) ? Math.min(1, Math.max(0, min)) : undefined,
    label: f.label.trim() || undefined,
    status: f.status || undefined,
  }
}
