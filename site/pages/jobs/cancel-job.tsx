import { useState } from 'react'
import { api } from '../../api/client.ts'
import { ErrorState } from '../../ui/states.tsx'
import { jobPath } from './types.ts'

/** Cancel a running job, after asking: its queued shards then do nothing; results already written stay. */
export function CancelJob({ id, onCancelled }: { id: string; onCancelled: () => void }) {
  const [asking, setAsking] = useState(false)
  const [state, setState] = useState<{ busy?: boolean; error?: unknown }>({})
  const cancel = async () => {
    setState({ busy: true })
    try {
      await api.post(`${jobPath(id)}/cancel`)
      setAsking(false)
      setState({})
      onCancelled()
    } catch (error) {
      setState({ error })
    }
  }
  return (
    <div className="jobs-cancel">
      {asking ? (
        <div className="confirm" role="group" aria-labelledby="jobs-cancel-q">
          <p id="jobs-cancel-q">Cancel this job? Patients not scored yet stay unscored; results already written are kept.</p>
          <div className="actions">
            <button type="button" className="secondary danger" disabled={state.busy} onClick={() => void cancel()}>
              {state.busy ? 'Cancelling…' : 'Yes, cancel the job'}
            </button>
            <button type="button" className="secondary" onClick={() => setAsking(false)}>
              Keep it running
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="secondary danger" onClick={() => setAsking(true)}>
          Cancel job
        </button>
      )}
      {state.error ? <ErrorState error={state.error} /> : null}
    </div>
  )
}
