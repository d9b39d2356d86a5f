import { describe, expect, it } from 'vitest'
import { CORE_PORTS, createNexora, definePlugin, definePort, memoryStorage, NexoraError, portNames } from '../../core/index.ts'

interface Greeter {
  greet(name: string): string
}
interface Listener {
  heard: string
}
interface Vault {
  health(): Promise<{ ok: boolean; detail?: string }>
  close(): Promise<void>
}

// A plugin's own ports, typed by declaration merging as a plugin outside this repository would do it.
declare module '../../core/index.ts' {
  interface PortMap {
    testGreeter: Greeter
    testListener: Listener
    testVault: Vault
  }
  interface MultiPorts {
    testListener: true
  }
}

const GREETER = definePort('testGreeter', { multi: false })
const LISTENER = definePort('testListener', { multi: true })
const VAULT = definePort('testVault', { multi: false, store: true })

const greeter = definePlugin({ name: 'greeter', provides: GREETER, setup: () => ({ greet: (name: string) => `hello ${name}` }) })
const listener = (name: string) => definePlugin({ name, provides: LISTENER, requires: [GREETER], setup: (ctx) => ({ heard: ctx.get(GREETER).greet(name) }) })

describe('ports: one table in core, open to plugins', () => {
  it("derives the list of ports from core's one table, in its order", () => {
    expect(portNames().slice(0, Object.keys(CORE_PORTS).length)).toEqual(Object.keys(CORE_PORTS))
    expect(portNames()).toEqual(expect.arrayContaining(['testGreeter', 'testListener']))
  })

  it("serves a plugin's own ports: a single one to the plugins that require it, and every provider of a multi one", async () => {
    const nexora = await createNexora({ plugins: [memoryStorage(), greeter, listener('ana'), listener('ben')] })
    expect(nexora.ports.get('testGreeter').greet('x')).toBe('hello x')
    expect(
      nexora.ports
        .getAll('testListener')
        .map((l) => l.heard)
        .sort(),
    ).toEqual(['hello ana', 'hello ben'])
    await nexora.close()
  })

  it("reports a plugin's store in /health with core's stores, and closes it on close()", async () => {
    let closed = false
    const vault = definePlugin({
      name: 'vault',
      provides: VAULT,
      setup: () => ({
        health: async () => ({ ok: false, detail: 'sealed' }),
        close: async () => {
          closed = true
        },
      }),
    })
    const nexora = await createNexora({ plugins: [memoryStorage(), vault] })
    const report = await nexora.health()
    expect(Object.keys(report.ports)).toEqual(expect.arrayContaining(['modelStore', 'auditSink', 'rateLimitStore', 'testVault']))
    expect(report.ports.testVault).toMatchObject({ ok: false, detail: 'sealed', provider: 'vault', required: false })
    expect(report.status).toBe('ok')
    await nexora.close()
    expect(closed).toBe(true)
  })

  it('fails a plugin port whose provider is missing the way it fails a core one', async () => {
    const error = await createNexora({ plugins: [memoryStorage(), listener('ana')] }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'plugin.missing_requirement', detail: expect.stringContaining('"testGreeter"') })
  })

  it('refuses to redefine a port with the other cardinality, and a name that is not one camelCase word', () => {
    expect(definePort('testGreeter', { multi: false })).toBe('testGreeter')
    expect(() => definePort('model', { multi: false } as never)).toThrow(NexoraError)
    expect(() => definePort('model', { multi: false } as never)).toThrow(/already registered as a multi port/)
    expect(() => definePort('not-a-port' as never, { multi: false } as never)).toThrow(/camelCase/)
  })
})
