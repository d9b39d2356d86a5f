import { NexoraError, type PopulationJob, type PopulationStore } from '../../core/index.ts'
import './errors.ts'

export interface JobStatus {
  job: PopulationJob
  progress: {
    total: number
    done: number
    scored: number
    skipped: number
    failed: number
    /** Patients a second since scoring started. */
    rate: number | null
    /** Seconds left at that rate. */
    etaSeconds: number | null
  }
  /** Skipped and failed patients by coded reason. */
  reasons: { status: string; reason: string; count: number }[]
}

/** Where a job stands: counts from its results, the rate since scoring started, and the reasons patients were not scored. */
export async function jobStatus(store: PopulationStore, id: string, now: number): Promise<JobStatus> {
  const job = await store.getJob(id)
  if (!job) throw new NexoraError('population.not_found')
  const [counts, reasons] = await Promise.all([store.progress(id), store.reasons(id)])
  const done = counts.scored + counts.skipped + counts.failed
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now
  const seconds = job.startedAt ? (end - Date.parse(job.startedAt)) / 1000 : 0
  const rate = seconds > 0 && done > 0 ? done / seconds : null
  const left = job.state === 'scoring' ? Math.max(0, job.total - done) : 0
  return {
    job,
    progress: { total: job.total, done, ...counts, rate, etaSeconds: rate ? Math.round(left / rate) : job.state === 'scoring' ? null : 0 },
    reasons,
  }
}
