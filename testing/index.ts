/**
 * `nexora/testing`: the conformance suites a plugin kept in its own repository runs, the same ones
 * every shipped plugin and store passes here. They are Vitest suites: call one at the top level
 * of a test file. Vitest is the only thing this entry needs beyond Nexora itself. `datasetFromCsv`
 * reads a training CSV as `nexora train` does.
 * @example
 * import { modelPluginConformance } from 'nexora/testing'
 * modelPluginConformance('my-model', async () => ({ plugin: myModelPlugin, train, score, options, metrics: ['auroc'] }))
 */
export { datasetFromCsv, inferInputs, type TabularDataset } from './dataset.ts'
export { auditEvent, type AuditHarness, auditSinkConformance } from './audit-sink.suite.ts'
export {
  type ModelPluginHarness,
  modelPluginConformance,
  type RemoteModelPluginHarness,
  remoteModelPluginConformance,
} from './model-plugin.suite.ts'
export { modelStoreConformance } from './model-store.suite.ts'
export { adverseEventStoreConformance, predictionLogConformance } from './monitoring-stores.suite.ts'
export { rateLimitConformance } from './rate-limit.suite.ts'
export { type JobQueueHarness, jobQueueConformance } from './job-queue.suite.ts'
export { featureStoreConformance } from './feature-store.suite.ts'
