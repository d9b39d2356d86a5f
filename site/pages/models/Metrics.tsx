import { Empty } from '../../ui/states.tsx'

const NAMES: Record<string, string> = {
  auroc: 'AUROC',
  auprc: 'AUPRC',
  brier: 'Brier score',
  logLoss: 'Log-loss',
  ece: 'Expected calibration error',
  n: 'Rows (n)',
  cIndex: 'C-index',
  logLikelihood: 'Log-likelihood',
  meanPredictedRisk: 'Mean predicted risk',
  observedRisk: 'Observed risk',
  sensitivity: 'Sensitivity',
  specificity: 'Specificity',
  ppv: 'PPV',
  npv: 'NPV',
  accuracy: 'Accuracy',
  f1: 'F1',
}

/** `heldout_auroc` → { group: 'Held-out', name: 'AUROC' }. */
export function metricLabel(key: string): { group: string; name: string } {
  const m = /^(heldout|validation|train|training|test)_(.+)$/.exec(key)
  const group = m
    ? ({ heldout: 'Held-out', validation: 'Validation', train: 'Training', training: 'Training', test: 'Test' } as Record<string, string>)[m[1]!]!
    : ''
  const rest = m ? m[2]! : key
  return { group, name: NAMES[rest] ?? rest.replace(/_/g, ' ') }
}

const format = (v: number) => (Number.isInteger(v) ? v.toLocaleString() : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3))

/** The manifest's metrics (minus calibration bins, which the plot shows) and the decision threshold. */
export function Metrics({ metrics, threshold }: { metrics?: Record<string, number>; threshold?: number }) {
  const rows = Object.entries(metrics ?? {}).filter(([k]) => !/_(predicted|pred|observed|obs)$/.test(k))
  if (rows.length === 0 && threshold === undefined) return <Empty>This version records no metrics.</Empty>
  return (
    <div className="table-wrap">
      <table className="metrics">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {threshold !== undefined ? (
            <tr>
              <th scope="row">Decision threshold</th>
              <td>{threshold}</td>
            </tr>
          ) : null}
          {rows.map(([k, v]) => {
            const { group, name } = metricLabel(k)
            return (
              <tr key={k}>
                <th scope="row">
                  {name}
                  {group ? <span className="muted"> ({group.toLowerCase()})</span> : null}
                </th>
                <td>{format(v)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
