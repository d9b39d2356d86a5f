/** Group fairness: per-group metric tables and between-group disparities. Definitions: README.md. */
export { MISSING, groupValue, groupRows, groupKey } from './groups.ts'
export { metricFrame, type MetricFrame, type MetricFrameOptions, type GroupMetrics, type GroupRow } from './metric-frame.ts'
export { disparities, type Disparities } from './disparities.ts'
