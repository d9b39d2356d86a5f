import { useCallback, useState } from 'react'
import type { Session } from '../../session.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { applicableModels, picked } from './api.ts'
import { PredictionHistory } from './history.tsx'
import { ModelRisk } from './model-risk.tsx'

/** One patient: a risk card per applicable model, then the history of past predictions. */
export function PatientView({ id, session }: { id: string; session: Session }) {
  const summary = picked.get(id)
  const models = useApi(applicableModels, [])
  const [scored, setScored] = useState(0)
  const onScored = useCallback(() => setScored((n) => n + 1), [])
  return (
    <>
      <p className="crumbs">
        <a href="#/patients">← Patients</a>
      </p>
      <h1>{summary?.name ?? `Patient ${id}`}</h1>
      <p className="patient-meta">
        <span>
          Id <code>{id}</code>
        </span>
        {summary?.birthDate ? <span>Born {summary.birthDate}</span> : null}
        {summary?.gender ? <span>Gender {summary.gender}</span> : null}
      </p>
      <section aria-labelledby="risk-heading">
        <h2 id="risk-heading" className="sr-only">
          Risk
        </h2>
        {models.loading ? (
          <Loading label="Finding models that can score from FHIR…" />
        ) : models.error ? (
          <ErrorState error={models.error} />
        ) : !models.data?.length ? (
          <Empty>No registered model has a FHIR feature spec, so none can score this patient from their record.</Empty>
        ) : (
          models.data.map((m) => <ModelRisk key={`${m.name}@${m.version}`} patientId={id} model={m} onScored={onScored} />)
        )}
      </section>
      <PredictionHistory patientId={id} session={session} refresh={scored} />
    </>
  )
}
