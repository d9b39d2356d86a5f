import { api } from '../../api/client.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { TableWrap } from '../../ui/table.tsx'
import { useApi } from '../../ui/use-api.ts'
import { CancelJob } from './cancel-job.tsx'
import { ProgressBar } from './progress-bar.tsx'
import { fmtEta, fmtRate, fmtTime, isRunning, jobPath, STATE_BADGE, type JobStatus, type PopulationJob } from './types.ts'
import { usePoll } from './use-poll.ts'
import { Worklist } from './worklist.tsx'

const source = (s: PopulationJob['source']) => (s.level === 'group' ? `Group ${s.group}` : s.level === 'patient' ? 'All patients' : `${s.level} export`)

/** One job (#/jobs/<id>): progress (polled every 2 s while it runs), cancel, the reasons patients were not scored, the worklist. */
export function JobDetail({ id }: { id: string }) {
  const status = useApi(() => api.get<JobStatus>(jobPath(id)), [id])
  const job = status.data?.job
  const running = !!job && isRunning(job.state)
  usePoll(status.reload, running, status.data)
  const crumbs = (
    <p className="crumbs">
      <a href="#/jobs">← Population jobs</a>
    </p>
  )
  if (!status.data)
    return (
      <>
        {crumbs}
        <h1>Population job</h1>
        {status.error ? <ErrorState error={status.error} /> : <Loading label="Loading the job…" />}
      </>
    )
  const { progress: p, reasons } = status.data
  const { job: j } = status.data
  return (
    <>
      {crumbs}
      <h1>
        {j.model}@{j.version}
      </h1>
      <dl className="jobs-meta">
        <div>
          <dt>Job</dt>
          <dd className="mono">{j.id}</dd>
        </div>
        <div>
          <dt>Population</dt>
          <dd>{source(j.source)}</dd>
        </div>
        <div>
          <dt>Index time</dt>
          <dd>{fmtTime(j.indexTime)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            {fmtTime(j.createdAt)} by {j.createdBy}
          </dd>
        </div>
        <div>
          <dt>Shards</dt>
          <dd>
            {j.shards} of {j.shardSize} patients
          </dd>
        </div>
      </dl>
      <section className="card" aria-labelledby="jobs-progress">
        <h2 id="jobs-progress">
          Progress <span className={STATE_BADGE[j.state]}>{j.state}</span>
        </h2>
        <ProgressBar done={p.done} total={p.total} label="Patients done" />
        <p className="jobs-counts" aria-live="polite" aria-atomic="true">
          {p.done.toLocaleString()} of {p.total.toLocaleString()} done: {p.scored.toLocaleString()} scored, {p.skipped.toLocaleString()} skipped,{' '}
          {p.failed.toLocaleString()} failed. Rate {fmtRate(p.rate)}
          {running ? `, about ${fmtEta(p.etaSeconds)} left` : ''}.{j.error ? ` Failed: ${j.error}.` : ''}
        </p>
        {running ? <CancelJob id={j.id} onCancelled={status.reload} /> : null}
        {status.error ? <ErrorState error={status.error} /> : null}
      </section>
      <section className="card" aria-labelledby="jobs-reasons">
        <h2 id="jobs-reasons">Not scored, by reason</h2>
        {reasons.length === 0 ? (
          <Empty>Every patient done so far was scored.</Empty>
        ) : (
          <TableWrap label="Reasons patients were not scored">
            <table className="jobs-reasons">
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col">Status</th>
                  <th scope="col">Patients</th>
                </tr>
              </thead>
              <tbody>
                {reasons.map((r) => (
                  <tr key={`${r.status}:${r.reason}`}>
                    <th scope="row">
                      <code>{r.reason}</code>
                    </th>
                    <td>{r.status}</td>
                    <td>{r.count.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
      <Worklist id={j.id} refresh={p.done} />
    </>
  )
}
