/**
 * `remote` models: a model served by KServe, Triton, MLServer or another Nexora, scored through
 * this server's pipeline (validation, audit, PHI stages, CDS Hooks, monitoring) over the Open
 * Inference Protocol v2, REST or gRPC. The manifest says where and how (`remote` section); the
 * plugin's options say which servers may be called and with which credentials. This entry is web
 * standard (REST over fetch); `./node.ts` adds gRPC over HTTP/2 and mTLS.
 */
import type { Transport } from '@connectrpc/connect'
import { definePlugin, lazy, NexoraError, type Clock, type ModelArtifact, type ModelPlugin } from '../../core/index.ts'
import { allowedEndpoint, allowlist, type RemoteEndpoint } from './allowlist.ts'
import { createBreaker, type Breaker, type BreakerOptions, type BreakerState } from './breaker.ts'
import './errors.ts'
import { createRemoteModel } from './model.ts'
import { restClient, type FetchLike, type InferClient } from './rest.ts'
import type { RetryOptions } from './retry.ts'
import { parseRemote, type RemoteSection } from './section.ts'

/** A gRPC channel to one endpoint: a Connect transport and how to close its connection. */
export interface GrpcChannel {
  transport: Transport
  close(): void
}

export interface RemoteModelOptions<E extends RemoteEndpoint = RemoteEndpoint> {
  /** The allowlist: the only model servers a manifest may name, each with its credentials. */
  endpoints: readonly E[]
  /** The fetch for an endpoint's REST calls. Default: the global fetch. */
  fetchFor?: (endpoint: E) => FetchLike
  /** Opens a gRPC channel to `baseUrl` (an allowlisted endpoint). Without it, `grpc` manifests do not load: use `./node.ts`. */
  grpcChannel?: (endpoint: E, baseUrl: string) => GrpcChannel | Promise<GrpcChannel>
  breaker?: BreakerOptions
  retry?: RetryOptions
  /** Default: the wall clock (the plugin factory passes Nexora's). */
  clock?: Clock
}

/** The `remote` ModelPlugin, with a view of each endpoint's circuit for health checks and tests. */
export interface RemoteModelPlugin extends ModelPlugin {
  /** The circuit of `endpoint` (a manifest's `remote.endpoint`) for `protocol`; `closed` before any call. */
  circuit(endpoint: string, protocol: RemoteSection['protocol']): BreakerState
}

const grpcModule = lazy(() => import('./grpc.ts'))

/**
 * @example
 * const plugin = createRemoteModelPlugin({ endpoints: [{ origin: 'https://kserve.example', token: process.env.KSERVE_TOKEN }] })
 * await plugin.load({ manifest: { ...manifest, kind: 'remote', remote: { protocol: 'rest', endpoint: 'https://kserve.example', model: 'risk' } }, files: {} })
 */
export function createRemoteModelPlugin<E extends RemoteEndpoint>(options: RemoteModelOptions<E>): RemoteModelPlugin {
  const list = allowlist(options.endpoints)
  const clock = options.clock ?? { now: () => Date.now() }
  const breakers = new Map<string, Breaker>()
  const channels = new Map<string, { channel: Promise<GrpcChannel>; users: number }>()
  const breakerKey = (endpoint: string, protocol: string) => `${protocol} ${new URL(endpoint).origin}`
  const breakerFor = (key: string) => breakers.get(key) ?? breakers.set(key, createBreaker(options.breaker ?? {}, clock)).get(key)!

  /** One channel per gRPC base URL, shared by the models on it (one HTTP/2 connection), closed with the last of them. */
  async function acquire(endpoint: E, baseUrl: string): Promise<{ channel: GrpcChannel; release(): void }> {
    const open = options.grpcChannel
    if (!open)
      throw new NexoraError('model.load_failed', { detail: 'a grpc remote model needs a gRPC channel: use nexora/plugins/model-remote/node (or grpcChannel)' })
    // Concurrent loads share one pending channel rather than each opening a connection.
    const entry = channels.get(baseUrl) ?? { channel: Promise.resolve().then(() => open(endpoint, baseUrl)), users: 0 }
    channels.set(baseUrl, entry)
    entry.users++
    let channel: GrpcChannel
    try {
      channel = await entry.channel
    } catch (error) {
      entry.users--
      if (channels.get(baseUrl) === entry) channels.delete(baseUrl)
      throw error
    }
    return {
      channel,
      release() {
        if (--entry.users > 0) return
        channels.delete(baseUrl)
        channel.close()
      },
    }
  }

  return {
    kind: 'remote',
    circuit: (endpoint, protocol) => breakers.get(breakerKey(endpoint, protocol))?.state() ?? 'closed',
    async load(artifact: ModelArtifact) {
      const section = parseRemote(artifact.manifest)
      const endpoint = allowedEndpoint(list, section.endpoint)
      let client: InferClient
      let release = () => {}
      if (section.protocol === 'rest') {
        client = restClient(section, endpoint, options.fetchFor?.(endpoint) ?? ((url, init) => fetch(url, init)))
      } else {
        const { grpcClient } = await grpcModule()
        const held = await acquire(endpoint, section.endpoint.replace(/\/+$/, ''))
        client = grpcClient(section, endpoint, held.channel.transport)
        release = held.release
      }
      return createRemoteModel({
        manifest: artifact.manifest,
        section,
        client,
        breaker: breakerFor(breakerKey(section.endpoint, section.protocol)),
        retry: options.retry ?? {},
        canSendNull: section.protocol === 'rest',
        release,
      })
    },
  }
}

/**
 * The plugin for createNexora, on Nexora's clock.
 * @example
 * await createNexora({ plugins: [sqlStorage(), remoteModel({ endpoints: [{ origin: 'https://kserve.example', token }] })] })
 */
export function remoteModel<E extends RemoteEndpoint>(options: RemoteModelOptions<E>) {
  return definePlugin({
    name: 'model-remote',
    provides: 'model',
    setup: (ctx) => createRemoteModelPlugin({ clock: ctx.get('clock'), ...options }),
  })
}

export { REMOTE_ERRORS } from './errors.ts'
export { RemoteSectionSchema, parseRemote, type RemoteSection } from './section.ts'
export type { RemoteEndpoint } from './allowlist.ts'
export type { BreakerOptions, BreakerState } from './breaker.ts'
export type { RetryOptions } from './retry.ts'
export type { FetchLike } from './rest.ts'
