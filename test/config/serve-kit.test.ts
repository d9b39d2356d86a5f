/**
 * The serve kit every server adapter (Node, Deno, Bun) runs on, driven through a fake runtime: the
 * adapter supplies primitives only, and the kit reads the one configuration from the runtime's
 * environment, so every runtime honours the same NEXORA_* variables.
 */
import { describe, expect, it } from 'vitest'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { memoryStorage, startServer, type Nexora, type ServerRuntime } from '../../core/index.ts'

type Handler = (request: Request) => Response | Promise<Response>

function fakeRuntime(vars: Record<string, string>, files: Record<string, string> = {}) {
  const calls = { listen: [] as { port: number; host: string }[], stop: [] as number[], exit: [] as number[], err: [] as string[] }
  const signals = new Map<string, () => void>()
  let handler: Handler | undefined
  const runtime: ServerRuntime<{ fake: true }, Handler> = {
    env: (name) => vars[name],
    writeErr: (line) => calls.err.push(line),
    readText: async (path) => files[path] ?? Promise.reject(new Error('ENOENT')),
    importModule: (spec) => import(new URL(`../../testkit/plugins/${spec}`, import.meta.url).href),
    handler: (nexora: Nexora) => (request) => nexora.fetch(request),
    nexoraConfig: {},
    plugins: async () => [memoryStorage(), linearModel()],
    async listen(h, at) {
      handler = h
      calls.listen.push({ port: at.port, host: at.host })
      return {
        server: { fake: true },
        hostname: at.host,
        port: at.port || 4321,
        stop: async (ms) => {
          calls.stop.push(ms)
        },
      }
    },
    onSignal: (signal, run) => signals.set(signal, run),
    exit: (code) => calls.exit.push(code),
  }
  return { runtime, calls, signals, fetch: (request: Request) => handler!(request) }
}

describe('startServer (the adapter kit)', () => {
  it('reads PORT, HOST, the limits, CORS and the drain deadline from the runtime environment, over NEXORA_CONFIG', async () => {
    const fake = fakeRuntime(
      {
        NEXORA_CONFIG: '/etc/nexora.json',
        HOST: '0.0.0.0',
        NEXORA_BODY_LIMIT_BYTES: '64',
        NEXORA_CORS_ORIGINS: 'https://app.example',
        NEXORA_DRAIN_MS: '250',
      },
      { '/etc/nexora.json': JSON.stringify({ port: 9100, host: '10.0.0.1', logLevel: 'silent' }) },
    )
    const server = await startServer(fake.runtime)
    expect(fake.calls.listen).toEqual([{ port: 9100, host: '0.0.0.0' }])
    expect(server.url).toBe('http://0.0.0.0:9100')
    expect(server.config).toMatchObject({ port: 9100, limits: { bodyBytes: 64 }, cors: { origins: ['https://app.example'] }, drainMs: 250 })
    const big = await fake.fetch(
      new Request('http://x/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(200) }) }),
    )
    expect(big.status).toBe(413)
    const cors = await fake.fetch(new Request('http://x/health/live', { headers: { origin: 'https://app.example' } }))
    expect(cors.headers.get('access-control-allow-origin')).toBe('https://app.example')

    fake.signals.get('SIGTERM')!()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(fake.calls.stop).toEqual([250])
    expect(fake.calls.exit).toEqual([0])
  })

  it('takes the adapter options over the environment, and an invalid environment stops start-up with config.invalid at its path', async () => {
    const fake = fakeRuntime({ PORT: '9200', NEXORA_LOG_LEVEL: 'silent' })
    const server = await startServer(fake.runtime, { port: 0, handleSignals: false })
    expect(fake.calls.listen[0]!.port).toBe(0)
    expect(fake.signals.size).toBe(0)
    await server.close()
    await expect(startServer(fakeRuntime({ NEXORA_MAX_ROWS: 'lots' }).runtime, { handleSignals: false })).rejects.toMatchObject({
      code: 'config.invalid',
      issues: [{ path: 'limits.maxRows', message: expect.stringContaining('(from NEXORA_MAX_ROWS)') }],
    })
  })

  it('loads the plugin modules the configuration names (NEXORA_PLUGINS here) through the runtime, beside its own', async () => {
    const fake = fakeRuntime({ NEXORA_PLUGINS: 'stumps.ts', NEXORA_LOG_LEVEL: 'silent' })
    const server = await startServer(fake.runtime, { handleSignals: false })
    expect(
      server.nexora.ports
        .getAll('model')
        .map((p) => p.kind)
        .sort(),
    ).toEqual(['linear', 'stumps'])
    await server.close()
  })
})
