import { NexoraError } from '../../core/index.ts'

/** The tracing SDK's settings, read from the standard `OTEL_*` variables. */
export interface OtelSettings {
  /** `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`: no SDK at all (core's spans stay no-ops). */
  disabled: boolean
  /** Where spans are POSTed: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
  url: string
  /** `OTEL_EXPORTER_OTLP_HEADERS` then `OTEL_EXPORTER_OTLP_TRACES_HEADERS` (`key=value,…`, values URL-encoded). */
  headers: Record<string, string>
  /** `OTEL_EXPORTER_OTLP(_TRACES)_PROTOCOL`: `http/protobuf` (the default) or `http/json`. */
  protocol: 'http/protobuf' | 'http/json'
  /** `OTEL_EXPORTER_OTLP(_TRACES)_TIMEOUT` in ms. Default 10 000. */
  timeoutMs: number
  /** `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, else `nexora`. */
  serviceName: string
  /** `OTEL_RESOURCE_ATTRIBUTES` (`key=value,…`). */
  resourceAttributes: Record<string, string>
  /** `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`. Default `parentbased_always_on`. */
  sampler: { root: 'always_on' | 'always_off' | 'traceidratio'; parentBased: boolean; ratio: number }
  /** `OTEL_BSP_*`: the batch span processor's delay, queue, batch size and export timeout. */
  batch: { scheduledDelayMillis?: number; maxQueueSize?: number; maxExportBatchSize?: number; exportTimeoutMillis?: number }
}

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio']
const PROTOCOLS = ['http/protobuf', 'http/json']

/** `key=value,key2=value2` with URL-encoded values (the W3C Baggage-like form the spec uses for headers and attributes). */
export function parseKeyValues(text: string | undefined, variable: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of (text ?? '').split(',')) {
    if (pair.trim() === '') continue
    const at = pair.indexOf('=')
    if (at <= 0) throw invalid(variable, 'expected key=value pairs separated by commas')
    try {
      out[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim())
    } catch {
      throw invalid(variable, 'a value is not valid URL encoding')
    }
  }
  return out
}

// Names the variable, never its value: a header value is a credential.
const invalid = (variable: string, why: string) => new NexoraError('config.invalid', { detail: `${variable}: ${why}` })

function number(env: (name: string) => string | undefined, name: string): number | undefined {
  const text = env(name)
  if (text === undefined || text.trim() === '') return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0) throw invalid(name, 'expected a non-negative number')
  return value
}

/**
 * The SDK settings from `OTEL_*` variables, as the OpenTelemetry specification defines them.
 * @example
 * const settings = otelSettings(process.env)
 */
export function otelSettings(variables: Record<string, unknown>): OtelSettings {
  const env = (name: string) => {
    const value = variables[name]
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
  }
  const protocol = env('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? env('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf'
  if (!PROTOCOLS.includes(protocol)) throw invalid('OTEL_EXPORTER_OTLP_PROTOCOL', `expected one of ${PROTOCOLS.join(', ')} (grpc is not supported)`)
  const base = env('OTEL_EXPORTER_OTLP_ENDPOINT') ?? 'http://localhost:4318'
  const url = env('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? `${base.replace(/\/+$/, '')}/v1/traces`
  if (!/^https?:\/\//i.test(url)) throw invalid('OTEL_EXPORTER_OTLP_ENDPOINT', 'expected an http(s) URL')
  const sampler = (env('OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on').toLowerCase()
  if (!SAMPLERS.includes(sampler)) throw invalid('OTEL_TRACES_SAMPLER', `expected one of ${SAMPLERS.join(', ')}`)
  const ratio = sampler.endsWith('traceidratio') ? (number(env, 'OTEL_TRACES_SAMPLER_ARG') ?? 1) : 1
  if (ratio > 1) throw invalid('OTEL_TRACES_SAMPLER_ARG', 'expected a ratio between 0 and 1')
  const exporter = (env('OTEL_TRACES_EXPORTER') ?? 'otlp').toLowerCase()
  if (exporter !== 'otlp' && exporter !== 'none') throw invalid('OTEL_TRACES_EXPORTER', 'expected otlp or none')
  const resourceAttributes = parseKeyValues(env('OTEL_RESOURCE_ATTRIBUTES'), 'OTEL_RESOURCE_ATTRIBUTES')
  return {
    disabled: env('OTEL_SDK_DISABLED')?.toLowerCase() === 'true' || exporter === 'none',
    url,
    headers: {
      ...parseKeyValues(env('OTEL_EXPORTER_OTLP_HEADERS'), 'OTEL_EXPORTER_OTLP_HEADERS'),
      ...parseKeyValues(env('OTEL_EXPORTER_OTLP_TRACES_HEADERS'), 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
    },
    protocol: protocol as OtelSettings['protocol'],
    timeoutMs: number(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ?? number(env, 'OTEL_EXPORTER_OTLP_TIMEOUT') ?? 10_000,
    serviceName: env('OTEL_SERVICE_NAME') ?? resourceAttributes['service.name'] ?? 'nexora',
    resourceAttributes,
    sampler: {
      root: sampler.replace('parentbased_', '') as OtelSettings['sampler']['root'],
      parentBased: sampler.startsWith('parentbased_'),
      ratio,
    },
    batch: {
      scheduledDelayMillis: number(env, 'OTEL_BSP_SCHEDULE_DELAY'),
      maxQueueSize: number(env, 'OTEL_BSP_MAX_QUEUE_SIZE'),
      maxExportBatchSize: number(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
      exportTimeoutMillis: number(env, 'OTEL_BSP_EXPORT_TIMEOUT'),
    },
  }
}

/** Whether the variables ask for trace export at all (what `nexora serve` turns tracing on by). */
export function otelRequested(variables: Record<string, unknown>): boolean {
  const set = (name: string) => typeof variables[name] === 'string' && (variables[name] as string).trim() !== ''
  return (set('OTEL_EXPORTER_OTLP_ENDPOINT') || set('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) && String(variables.OTEL_SDK_DISABLED).toLowerCase() !== 'true'
}
