import { useState } from 'react'
import type { PageProps } from '../../pages.ts'
import { hasScope } from '../../session.ts'
import { Empty } from '../../ui/states.tsx'
import { JobDetail } from './job-detail.tsx'
import { JobList } from './job-list.tsx'
import { StartJobForm } from './start-form.tsx'

/**
 * Population scoring jobs (nexora/jobs): `#/jobs` starts a job and lists them with live progress;
 * `#/jobs/<id>` follows one and shows its risk-stratified worklist.
 */
export default function JobsPage({ session, params }: PageProps) {
  const [started, setStarted] = useState(0)
  if (!hasScope(session, 'nexora/jobs'))
    return (
      <>
        <h1>Population jobs</h1>
        <Empty>Population jobs need the nexora/jobs scope.</Empty>
      </>
    )
  if (params[0]) return <JobDetail key={params[0]} id={params[0]} />
  return (
    <>
      <h1>Population jobs</h1>
      <section aria-labelledby="jobs-start">
        <h2 id="jobs-start">Start a job</h2>
        <StartJobForm onStarted={() => setStarted((n) => n + 1)} />
      </section>
      <section aria-labelledby="jobs-all">
        <h2 id="jobs-all">Jobs</h2>
        <JobList refresh={started} />
      </section>
    </>
  )
}
