/** The optional parts of `nexora serve`, each built from the one configuration (docs/configuration.md). */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { JSONWebKeySet } from 'jose'
import type { ServerConfig } from '../core/index.ts'
import { cdsHooks, type CdsHooksOptions } from '../plugins/cds-hooks/index.ts'
import { monitoring, type MonitoringOptions } from '../plugins/monitoring/index.ts'
import { otelNode, otelRequested, otelSettings } from '../plugins/otel/node.ts'
import { webUi } from '../plugins/web-ui/index.ts'
import { folderFiles } from '../plugins/web-ui/node.ts'
import { UsageError } from './args.ts'
import { loadDeidKey, nodeHmac } from './deid-key.ts'
import type { FhirSetup } from './fhir-source.ts'

type Err = { err(line: string): void }
export type SmartTrust = { issuers: string[]; jwks: JSONWebKeySet | { url: string }; clientId: string } | undefined

const readJson = async <T>(file: string, what: string): Promise<T> => {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T
  } catch {
    throw new UsageError(`cannot read ${what} from ${file} (a JSON file)`)
  }
}

/**
 * SMART EHR launch in production: the web UI's client id at the EHRs, the FHIR base URLs it may be
 * launched from (also the tokens' `iss`), and the key set those tokens verify with. Dev mode: the dev FHIR server.
 */
export function smartTrust(config: ServerConfig, fhir: FhirSetup): SmartTrust {
  if (!config.production) return fhir.smart ? { issuers: fhir.smart.issuers, jwks: fhir.smart.jwks, clientId: fhir.smart.clientId } : undefined
  const { clientId, issuers, jwksUrl } = config.webUi.smart
  return clientId && issuers.length > 0 && jwksUrl ? { issuers, jwks: { url: jwksUrl }, clientId } : undefined
}

/** Monitoring needs its own key; in production without one it stays off (and says so). The rest of its settings come from `monitoring.configFile`. */
export async function monitoringPlugins(config: ServerConfig, io: Err, { schedule = true } = {}) {
  const key = await loadDeidKey(config.production, config.dataDir, config.monitoring.keyFile, 'monitoring-key')
  if (!key) {
    io.err('monitoring is off: set NEXORA_MONITORING_KEY_FILE to turn on the prediction log and the monitoring reports')
    return []
  }
  const settings = config.monitoring.configFile
    ? await readJson<Omit<MonitoringOptions, 'key' | 'hmac'>>(config.monitoring.configFile, 'monitoring settings')
    : {}
  // `schedule: false` (every --workers worker but the first): the evaluation runs once per server, not once per process.
  return monitoring({ evaluateEveryMs: 5 * 60_000, fairnessAttributes: ['sex'], ...settings, ...(schedule ? {} : { evaluateEveryMs: 0 }), key, hmac: nodeHmac })
}

/** CDS Hooks needs to know which EHRs it trusts: `cdsHooks.configFile` names a JSON file `{ baseUrl, clients }`. */
export async function cdsHooksPlugins(config: ServerConfig) {
  if (!config.cdsHooks.configFile) return []
  return [cdsHooks(await readJson<CdsHooksOptions>(config.cdsHooks.configFile, 'the CDS Hooks settings'))]
}

/**
 * The published package leaves the site's ONNX Runtime binaries out (67 MB; scripts/build.mjs):
 * the browser workbench gets them from onnxruntime-web, an optional peer, when it is installed.
 */
function withOrtBinaries(files: ReturnType<typeof folderFiles>): ReturnType<typeof folderFiles> {
  let ort: ReturnType<typeof folderFiles> | undefined
  try {
    ort = folderFiles(dirname(createRequire(import.meta.url).resolve('onnxruntime-web')))
  } catch {
    ort = undefined
  }
  return async (path) => (await files(path)) ?? (path.startsWith('app/ort/') ? ort?.(path.slice('app/ort/'.length)) : undefined)
}

/**
 * The web UI from site/dist (`npm start` builds it first). Dev mode signs the browser in as the dev
 * identity; production needs an OIDC provider (`webUi.oidc.issuer`, `webUi.oidc.clientId`), else no UI.
 */
export function webUiPlugins(config: ServerConfig, devToken: string | undefined, io: Err, smart?: SmartTrust) {
  // siteDir points at another build (the end-to-end tests build their own, so parallel suites never share one).
  const dir = config.webUi.siteDir ?? new URL('../site/dist/', import.meta.url).pathname
  if (!existsSync(join(dir, 'index.html'))) {
    // Without a build there is no UI at all (404s), rather than a shell that answers 503.
    io.err('the web UI is not built: run `npm run build:site` (npm start does it first)')
    return []
  }
  const files = withOrtBinaries(folderFiles(dir))
  const { oidc, connectSrc: extra } = config.webUi
  const common = { files, ...(smart ? { smart: { clientId: smart.clientId, scope: config.webUi.smart.scope, issuers: smart.issuers } } : {}) }
  // The OIDC provider's token endpoint may live on another origin than its issuer: connectSrc adds origins the app may call.
  const connectSrc = (...urls: string[]) => [...urls, ...(smart?.issuers ?? [])].map((u) => new URL(u).origin).concat(extra)
  if (!config.production && devToken) return [webUi({ ...common, signIn: { mode: 'dev', token: async () => devToken }, connectSrc: connectSrc() })]
  if (oidc.issuer && oidc.clientId) {
    return [
      webUi({ ...common, signIn: { mode: 'oidc', issuer: oidc.issuer, clientId: oidc.clientId, scope: oidc.scope }, connectSrc: connectSrc(oidc.issuer) }),
    ]
  }
  io.err('the web UI is off: set NEXORA_OIDC_ISSUER and NEXORA_OIDC_CLIENT_ID to serve it in production')
  return []
}

/**
 * Tracing (docs/tracing.md) when an OTLP endpoint is set: `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, with the other `OTEL_*` variables as the specification
 * defines them. The SDK packages load only then.
 */
export function tracingPlugins(env: Record<string, unknown>, io: Err) {
  if (!otelRequested(env)) return []
  // The collector's origin only: a path or query could carry a credential.
  io.err(`tracing: spans go to ${new URL(otelSettings(env).url).origin} (OpenTelemetry, OTLP/HTTP)`)
  return [otelNode({ env })]
}
