import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createLogger, createNexora, definePlugin, memoryStorage, type Caller, type NexoraConfig, type Plugin } from '../core/index.ts'
import { importModels } from '../bin/demo-models.ts'
import { generateCohort } from '../models/readmission-risk/cohort.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { monitoring, type MonitoringOptions } from '../plugins/monitoring/index.ts'

export const MONITORING_KEY = 'monitoring-test-key-0123456789'
export const CLINICIAN: Caller = { subject: 'dr-test', scopes: ['nexora/predict'], roles: [], via: 'in-process' }

/** The demo readmission model on the given storage (memory by default), with the monitoring plugin. */
export async function monitoredNexora(
  options: Partial<MonitoringOptions> = {},
  storage: Plugin[] = memoryStorage(),
  extra: Plugin[] = [],
  config: NexoraConfig = {},
) {
  const logs: string[] = []
  const nexora = await createNexora({
    plugins: [
      ...storage,
      linearModel(),
      monitoring({ key: MONITORING_KEY, ...options }),
      ...extra,
      definePlugin({ name: 'captured-logs', provides: 'logger', setup: () => createLogger({ write: (line) => logs.push(line) }) }),
    ],
    config: { resolveTtlMs: 0, rateLimits: false, ...config },
  })
  await importModels(nexora)
  /** Write out the prediction log's buffer now instead of in 25 ms. */
  const flush = () => Promise.all(nexora.ports.getAll('predictionObserver').map((o) => o.flush?.()))
  return { nexora, logs, flush }
}

/** The held-out 800 rows of the demo cohort (the model never saw them). */
export const heldOut = () => generateCohort(4000).slice(3200)

/**
 * Score rows in-process, one request per patient `Patient/h<i>`; returns the scores and each
 * prediction's id in the log (`<the server's request id>#0`).
 */
export async function scoreCohort(
  nexora: Awaited<ReturnType<typeof monitoredNexora>>['nexora'],
  rows: ReturnType<typeof heldOut>,
  shift: (r: Record<string, unknown>) => Record<string, unknown> = (r) => r,
) {
  const results = await Promise.all(
    rows.map(({ readmitted_30d: _y, ...features }, i) =>
      nexora.predict(
        { model: 'readmission-risk', rows: [{ patientRef: `Patient/h${i}`, features: shift(features) as never }], requestId: `req-${i}` },
        CLINICIAN,
      ),
    ),
  )
  return { scores: results.map((r) => r.predictions[0]!.score), predictionIds: results.map((r) => `${r.requestId}#0`) }
}

export interface Received {
  path: string
  headers: IncomingMessage['headers']
  body: Record<string, unknown>
}

/** A real HTTP receiver for webhooks; `answers` are the statuses it gives, in order (then 200). */
export async function webhookReceiver(answers: number[] = []) {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let data = ''
    req.on('data', (c) => {
      data += c
    })
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(data) as Record<string, unknown> })
      res.writeHead(answers.shift() ?? 200).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) }
}
