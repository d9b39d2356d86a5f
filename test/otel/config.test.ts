import { describe, expect, it } from 'vitest'
import type { NexoraError } from '../../core/index.ts'
import { otelRequested, otelSettings } from '../../plugins/otel/index.ts'

describe('OTEL_* configuration', () => {
  it('follows the specification’s defaults with nothing set', () => {
    const s = otelSettings({})
    expect(s).toMatchObject({ disabled: false, url: 'http://localhost:4318/v1/traces', protocol: 'http/protobuf', timeoutMs: 10_000, serviceName: 'nexora' })
    expect(s.sampler).toEqual({ root: 'always_on', parentBased: true, ratio: 1 })
  })

  it('appends /v1/traces to the base endpoint, and takes the traces endpoint as it is', () => {
    expect(otelSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318/' }).url).toBe('https://collector:4318/v1/traces')
    expect(otelSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://a', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/custom' }).url).toBe('https://b/custom')
  })

  it('reads headers, resource attributes, the service name, the sampler and the batch settings', () => {
    const s = otelSettings({
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-tenant=north',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=south',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=ignored',
      OTEL_SERVICE_NAME: 'nexora-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    })
    expect(s.headers).toEqual({ authorization: 'Bearer abc', 'x-tenant': 'south' })
    expect(s.resourceAttributes).toEqual({ 'deployment.environment': 'prod', 'service.name': 'ignored' })
    expect(s.serviceName).toBe('nexora-eu')
    expect(s.sampler).toEqual({ root: 'traceidratio', parentBased: true, ratio: 0.25 })
    expect(s.batch.scheduledDelayMillis).toBe(200)
    expect(s.protocol).toBe('http/json')
  })

  it('is off with OTEL_SDK_DISABLED, and requested only when an endpoint is set', () => {
    expect(otelSettings({ OTEL_SDK_DISABLED: 'TRUE' }).disabled).toBe(true)
    expect(otelRequested({})).toBe(false)
    expect(otelRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(true)
    expect(otelRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(true)
    expect(otelRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false)
  })

  it('refuses a bad value with config.invalid naming the variable, never echoing a header value', () => {
    const fail = (env: Record<string, string>) => {
      try {
        otelSettings(env)
      } catch (error) {
        return error as NexoraError
      }
      throw new Error('no error')
    }
    expect(fail({ OTEL_TRACES_SAMPLER: 'sometimes' }).code).toBe('config.invalid')
    expect(fail({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }).detail).toContain('OTEL_TRACES_SAMPLER_ARG')
    expect(fail({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).detail).toContain('grpc is not supported')
    const header = fail({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=%E0%A4%A' })
    expect(header.detail).toContain('OTEL_EXPORTER_OTLP_HEADERS')
    expect(header.detail).not.toContain('%E0')
  })
})
