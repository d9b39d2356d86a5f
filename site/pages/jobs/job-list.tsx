import { useState } from 'react'
import { api } from '../../api/client.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { TableWrap } from '../../ui/table.tsx'
import { useApi } from '../../ui/use-api.ts'
import { ProgressBar } from './progress-bar.tsx'
import { fmtEta, fmtRate, fmtTime, isRunning, jobPath, STATE_BADGE, type JobStatus, type PopulationJob } from './types.ts'
import { usePoll } from './use-poll.ts'

const STEP = 20

/** The jobs, newest first; refreshed every 2 s while any is staging or scoring. `refresh` changes when a job was started here. */
export function JobList({ refresh }: { refresh: number }) {
  const jobs = useApi(() => api.get<{ jobs: PopulationJob[] }>('/jobs/population'), [refresh])
  const [shown, setShown] = useState(STEP)
  const list = jobs.data?.jobs ?? []
  usePoll(
    jobs.reload,
    list.some((j) => isRunning(j.state)),
    jobs.data,
  )

  if (jobs.loading && !jobs.data) return <Loading label="Loading jobs…" />
  if (jobs.error) return <ErrorState error={jobs.error} />
  if (!list.length) return <Empty>No population jobs yet. Start one above.</Empty>
  return (
    <>
      <TableWrap label="Population jobs">
        <table className="jobs-list">
          <caption className="visually-hidden">Population jobs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">State</th>
              <th scope="col">Created</th>
              <th scope="col">Progress</th>
              <th scope="col">Rate</th>
              <th scope="col">ETA</th>
            </tr>
          </thead>
          <tbody>
            {list.slice(0, shown).map((j) => (
              <JobRow key={j.id} job={j} tick={jobs.data} />
            ))}
          </tbody>
        </table>
      </TableWrap>
      {list.length > shown ? (
        <button type="button" className="secondary" onClick={() => setShown((n) => n + STEP)}>
          Show older jobs
        </button>
      ) : null}
    </>
  )
}

/** One job: its counts come from its own status (the list carries none); asked again on each poll only while it runs. */
function JobRow({ job, tick }: { job: PopulationJob; tick: unknown }) {
  const running = isRunning(job.state)
  const status = useApi(() => api.get<JobStatus>(jobPath(job.id)), [job.id, job.state, running ? tick : undefined])
  const p = status.data?.progress
  const name = `${job.model}@${job.version}`
  return (
    <tr data-job={job.id} data-state={job.state}>
      <th scope="row">
        <a href={`#/jobs/${encodeURIComponent(job.id)}`}>{name}</a>
      </th>
      <td>
        <span className={STATE_BADGE[job.state]}>{job.state}</span>
      </td>
      <td>
        <time dateTime={job.createdAt}>{fmtTime(job.createdAt)}</time>
      </td>
      <td>{p ? <ProgressBar done={p.done} total={p.total} label={`Progress of ${name}`} /> : '—'}</td>
      <td>{fmtRate(p?.rate)}</td>
      <td>{running ? fmtEta(p?.etaSeconds) : '—'}</td>
    </tr>
  )
}
