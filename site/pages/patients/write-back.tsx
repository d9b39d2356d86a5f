import { useState } from 'react'
import { ErrorState } from '../../ui/states.tsx'
import { predictPatient, type ApplicableModel } from './api.ts'

type State = { step: 'idle' } | { step: 'busy' } | { step: 'done'; id?: string } | { step: 'failed'; error: unknown }

/** Score again and create the RiskAssessment on the FHIR server; show the id it was given. */
export function WriteBack({ patientId, model, onWritten }: { patientId: string; model: ApplicableModel; onWritten?(): void }) {
  const [state, setState] = useState<State>({ step: 'idle' })
  async function write() {
    setState({ step: 'busy' })
    try {
      const result = await predictPatient(patientId, model, { writeBack: true })
      setState({ step: 'done', id: result.writeBack?.id })
      onWritten?.()
    } catch (error) {
      setState({ step: 'failed', error })
    }
  }
  return (
    <div className="write-back">
      <button type="button" onClick={write} disabled={state.step === 'busy'}>
        {state.step === 'busy' ? 'Writing…' : 'Write RiskAssessment back'}
      </button>
      <div aria-live="polite" className="action-result">
        {state.step === 'done' ? (
          <p className="state ok" role="status">
            Created <code>RiskAssessment/{state.id ?? '(no id returned)'}</code> on the FHIR server.
          </p>
        ) : null}
      </div>
      {state.step === 'failed' ? <ErrorState error={state.error} /> : null}
    </div>
  )
}
