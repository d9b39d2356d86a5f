import { NexoraError } from '../errors.ts'
import type { Plugin, PluginContext } from './define-plugin.ts'
import { isMultiPort, portNames, type MultiPort, type PortMap, type PortName, type SinglePort } from './port-map.ts'

export interface ResolvedPorts {
  get<K extends SinglePort>(port: K): PortMap[K]
  getAll<K extends MultiPort>(port: K): PortMap[K][]
  has(port: PortName): boolean
  /** Which plugin provides each single port (for /health and diagnostics). */
  providers: Partial<Record<SinglePort, string>>
}

/** Ports core can fill itself when no plugin provides them. */
export type Defaults = Partial<{ [K in SinglePort]: () => PortMap[K] }>

/**
 * Check and start plugins (Fastify-style metadata checks, ONNX-Runtime-style fallback):
 * duplicate names, unknown or missing requirements, ambiguous providers and cycles fail
 * with coded errors naming the plugins; among providers of one port, the highest priority
 * that sets up wins, and if all fail one error lists every failure.
 */
export async function resolvePlugins(plugins: Plugin[], config: Record<string, unknown>, defaults: Defaults, required: SinglePort[]): Promise<ResolvedPorts> {
  const byName = new Map<string, Plugin>()
  for (const p of plugins) {
    if (byName.has(p.name)) throw new NexoraError('plugin.duplicate', { detail: `two plugins are named "${p.name}"` })
    byName.set(p.name, p)
  }
  const byPort = new Map<PortName, Plugin[]>()
  for (const p of plugins) byPort.set(p.provides, [...(byPort.get(p.provides) ?? []), p])
  for (const list of byPort.values()) list.sort((a, b) => b.priority - a.priority)

  for (const [port, list] of byPort) {
    if (!isMultiPort(port) && list.length > 1 && list[0]!.priority === list[1]!.priority) {
      throw new NexoraError('plugin.ambiguous', {
        detail: `plugins "${list[0]!.name}" and "${list[1]!.name}" both provide "${port}" at priority ${list[0]!.priority}; give one a higher priority`,
      })
    }
  }
  const available = (port: PortName) => byPort.has(port) || port in defaults
  for (const p of plugins) {
    for (const r of p.requires) {
      if (!available(r)) throw new NexoraError('plugin.missing_requirement', { detail: `plugin "${p.name}" requires "${r}", which no plugin provides` })
    }
  }
  for (const r of required) {
    if (!available(r)) throw new NexoraError('plugin.missing_requirement', { detail: `nexora requires "${r}", which no plugin provides` })
  }

  const single = new Map<PortName, unknown>()
  const multi = new Map<PortName, unknown[]>()
  const providers: Partial<Record<SinglePort, string>> = {}
  const ctx: PluginContext = {
    config,
    get: (port) => single.get(port) as never,
    getAll: (port) => (multi.get(port) ?? []) as never,
  }
  const state = new Map<PortName, 'starting' | 'done'>()

  async function start(port: PortName, chain: string[]): Promise<void> {
    if (state.get(port) === 'done') return
    if (state.get(port) === 'starting') throw new NexoraError('plugin.cycle', { detail: `requirement cycle: ${[...chain, port].join(' -> ')}` })
    state.set(port, 'starting')
    const candidates = byPort.get(port) ?? []
    for (const p of candidates) for (const r of p.requires) await start(r, [...chain, `${port} (${p.name})`])
    if (isMultiPort(port)) {
      multi.set(port, await Promise.all(candidates.map((p) => setupOne(p))))
    } else if (candidates.length === 0) {
      const make = defaults[port as SinglePort]
      if (make) single.set(port, make())
    } else {
      const failures: unknown[] = []
      for (const p of candidates) {
        try {
          single.set(port, await p.setup(ctx))
          providers[port as SinglePort] = p.name
          break
        } catch (error) {
          failures.push(error)
        }
      }
      if (!single.has(port)) {
        // A package to install is the one fix the caller needs: say that, not only that setup failed.
        if (failures.every(isMissingDependency)) throw failures[0]
        const reasons = failures.map((error, i) => `${candidates[i]!.name}: ${reason(error)}`)
        throw new NexoraError('plugin.setup_failed', { detail: `no provider of "${port}" started (${reasons.join('; ')})` })
      }
    }
    state.set(port, 'done')
  }

  async function setupOne(p: Plugin): Promise<unknown> {
    try {
      return await p.setup(ctx)
    } catch (cause) {
      if (isMissingDependency(cause)) throw cause
      throw new NexoraError('plugin.setup_failed', {
        detail: `plugin "${p.name}" failed to set up: ${reason(cause)}`,
        cause,
      })
    }
  }

  for (const port of portNames()) await start(port, [])
  return { get: ctx.get, getAll: ctx.getAll, has: (port) => single.has(port) || (multi.get(port)?.length ?? 0) > 0, providers }
}

const isMissingDependency = (error: unknown) => error instanceof NexoraError && error.code === 'dependency.missing'
const reason = (error: unknown) =>
  error instanceof NexoraError ? `${error.code}: ${error.detail ?? error.title}` : error instanceof Error ? error.message : String(error)
