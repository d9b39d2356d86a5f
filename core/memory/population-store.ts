import type { PopulationJob, PopulationStore, RiskScore, StagedResource } from '../ports/population.ts'

const scoreKey = (s: RiskScore) => `${s.patient}\u0000${s.model}\u0000${s.version}`

/** Descending score, skipped last, then patient id: the worklist order of every store. */
export const byRisk = (a: RiskScore, b: RiskScore) => (b.score ?? -1) - (a.score ?? -1) || (a.patient < b.patient ? -1 : a.patient > b.patient ? 1 : 0)

/** Population jobs in this process's memory: tests, the browser, a laptop run that needs no file. */
export function memoryPopulationStore(): PopulationStore {
  const jobs = new Map<string, PopulationJob>()
  const staging = new Map<string, Map<string, Map<string, StagedResource>>>()
  const results = new Map<string, Map<string, RiskScore>>()
  const of = <V>(map: Map<string, Map<string, V>>, job: string) => map.get(job) ?? map.set(job, new Map()).get(job)!
  return {
    async createJob(job) {
      jobs.set(job.id, structuredClone(job))
    },
    async getJob(id) {
      const job = jobs.get(id)
      return job && structuredClone(job)
    },
    async updateJob(id, patch) {
      const job = jobs.get(id)
      if (job) jobs.set(id, { ...job, ...structuredClone(patch) })
    },
    async listJobs(limit = 50) {
      return [...jobs.values()]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit)
        .map((j) => structuredClone(j))
    },
    async stage(job, resources, options = {}) {
      const patients = of(staging, job)
      for (const r of resources) {
        const held = patients.get(r.patient) ?? patients.set(r.patient, new Map()).get(r.patient)!
        if (options.replace || !held.has(`${r.type}/${r.id}`)) held.set(`${r.type}/${r.id}`, structuredClone(r))
      }
    },
    async stagedPatients(job, after, limit) {
      return [...of(staging, job).keys()]
        .filter((p) => after === null || p > after)
        .sort()
        .slice(0, limit)
    },
    async staged(job, from, to) {
      return [...of(staging, job)]
        .filter(([p]) => p >= from && p <= to)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .flatMap(([, held]) => [...held.values()].map((r) => structuredClone(r)))
    },
    async clearStaging(job) {
      staging.delete(job)
    },
    async putScores(scores, options = {}) {
      for (const s of scores) {
        const held = of(results, s.job)
        if (options.replace || !held.has(scoreKey(s))) held.set(scoreKey(s), { ...s })
      }
    },
    async progress(job) {
      const out = { scored: 0, skipped: 0, failed: 0 }
      for (const s of of(results, job).values()) out[s.status]++
      return out
    },
    async reasons(job) {
      const counts = new Map<string, { status: RiskScore['status']; reason: string; count: number }>()
      for (const s of of(results, job).values()) {
        if (s.reason === null) continue
        const key = `${s.status}\u0000${s.reason}`
        const held = counts.get(key) ?? counts.set(key, { status: s.status, reason: s.reason, count: 0 }).get(key)!
        held.count++
      }
      return [...counts.values()].sort((a, b) => b.count - a.count)
    },
    async resultsIn(job, from, to) {
      return [...of(results, job).values()].filter((s) => s.patient >= from && s.patient <= to).map((s) => s.patient)
    },
    async scores(job, query = {}) {
      return [...of(results, job).values()]
        .filter((s) => (query.minScore === undefined || (s.score ?? -1) >= query.minScore) && (query.label === undefined || s.label === query.label))
        .filter((s) => query.status === undefined || s.status === query.status)
        .sort(byRisk)
        .slice(query.offset ?? 0, (query.offset ?? 0) + (query.limit ?? 100))
        .map((s) => ({ ...s }))
    },
  }
}
