import type { PredictionObserver } from '../../../core/index.ts'
import { Adwin, type AdwinOptions } from '../streaming/adwin.ts'
import type { AlertEngine } from './alerts.ts'

/**
 * ADWIN over each model version's score stream, as a PredictionObserver: a change in the mean
 * score (case mix, an upstream feed, a silent unit change) shows up here long before outcomes
 * arrive. A detection sets `score_drift` to 1 for that version; `settle()` (each evaluation)
 * sets it back to 0 for versions with no detection since the last one.
 */
export function scoreWatch(alerts: AlertEngine, options: AdwinOptions = {}): PredictionObserver & { settle(): void } {
  const detectors = new Map<string, { adwin: Adwin; model: string; version: string; detected: boolean }>()
  return {
    name: 'score-watch',
    observe(event) {
      const key = `${event.model}@${event.version}`
      let d = detectors.get(key)
      if (!d) detectors.set(key, (d = { adwin: new Adwin(options), model: event.model, version: event.version, detected: false }))
      for (const p of event.predictions) {
        if (d.adwin.update(p.score)) {
          d.detected = true
          alerts.observe([{ quantity: 'score_drift', model: d.model, version: d.version, value: 1 }])
        }
      }
    },
    settle() {
      for (const d of detectors.values()) {
        if (!d.detected) alerts.observe([{ quantity: 'score_drift', model: d.model, version: d.version, value: 0 }])
        d.detected = false
      }
    },
  }
}
