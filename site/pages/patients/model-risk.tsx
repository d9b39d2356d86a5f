import { useEffect } from 'react'
import { ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { AdverseEventReport } from './adverse-event-form.tsx'
import { predictPatient, type ApplicableModel } from './api.ts'
import { ContributionsChart } from './contributions-chart.tsx'
import { FeaturesTable } from './features-table.tsx'
import { percent } from './format.ts'
import { WriteBack } from './write-back.tsx'

/** One model's risk for the patient: score, explanation, inputs with sources, and actions. */
export function ModelRisk({ patientId, model, onScored }: { patientId: string; model: ApplicableModel; onScored(): void }) {
  const result = useApi(() => predictPatient(patientId, model), [patientId, model.name, model.version])
  useEffect(() => {
    if (result.data || result.error) onScored()
  }, [result.data, result.error, onScored])
  const headingId = `risk-${model.name.replace(/[^A-Za-z0-9_-]/g, '-')}`
  const data = result.data
  const score = data?.prediction.score
  const high = score !== undefined && model.threshold !== undefined && score >= model.threshold
  return (
    <article className="card model-risk" aria-labelledby={headingId}>
      <h2 id={headingId}>{model.description ?? model.name}</h2>
      <p className="muted">
        Model{' '}
        <code>
          {model.name}@{model.version}
        </code>
      </p>
      {result.loading ? (
        <Loading label={`Scoring with ${model.name}…`} />
      ) : result.error ? (
        <>
          <ErrorState error={result.error} />
          <button type="button" className="secondary" onClick={result.reload}>
            Try again
          </button>
        </>
      ) : data && score !== undefined ? (
        <>
          <p className="risk-score">
            <strong>{percent(score)}</strong> <span>predicted risk</span>
            {data.prediction.label ? (
              <>
                {' '}
                <span className={`badge ${high ? 'critical' : 'ok'}`}>{data.prediction.label}</span>
              </>
            ) : null}
            {model.threshold !== undefined ? (
              <span className="muted">
                {' '}
                ({high ? 'at or above' : 'below'} the model's threshold of {percent(model.threshold)})
              </span>
            ) : null}
          </p>
          <h3>What drove this score</h3>
          <ContributionsChart id={`${headingId}-why`} contributions={data.prediction.explanation ?? []} method={model.explanationMethod} />
          <h3>Inputs and where they came from</h3>
          <FeaturesTable inputs={model.inputs} features={data.features} sources={data.sources} basis={data.basis} />
          <div className="risk-actions">
            <WriteBack patientId={patientId} model={model} onWritten={onScored} />
            <AdverseEventReport patientId={patientId} model={model} predictionId={`${data.requestId}#0`} />
          </div>
        </>
      ) : null}
    </article>
  )
}
