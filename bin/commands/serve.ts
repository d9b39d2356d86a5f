import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JSONWebKeySet } from 'jose'
import { serveNode } from '../../adapters/node.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevIdentity } from '../dev-identity.ts'
import { importModels } from '../demo-models.ts'
import { fhirSetup, type FhirSetup } from '../fhir-source.ts'
import { allModelPlugins } from '../model-kinds.ts'
import { loadDeidKey, nodeHmac } from '../deid-key.ts'
import { phiEndpoints, phiGuard } from '../../plugins/compliance/index.ts'
import { monitoring, type MonitoringOptions } from '../../plugins/monitoring/index.ts'
import { createOipState, oip } from '../../plugins/oip/index.ts'
import { grpc } from '../../plugins/grpc/index.ts'
import { cdsHooks, type CdsHooksOptions } from '../../plugins/cds-hooks/index.ts'
import { webUi } from '../../plugins/web-ui/index.ts'
import { folderFiles } from '../../plugins/web-ui/node-files.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { auditSigningPlugins } from '../audit-signing.ts'
import { rateLimitsFromEnv } from '../rate-limits.ts'

const env = process.env

/**
 * SMART EHR launch in production: the web UI's client id at the EHRs (NEXORA_SMART_CLIENT_ID), the
 * FHIR base URLs it may be launched from (NEXORA_SMART_ISSUERS, also the tokens' `iss`), and the
 * key set those tokens verify with (NEXORA_SMART_JWKS_URL). Dev mode: the dev FHIR server.
 */
function smartTrust(production: boolean, fhir: FhirSetup) {
  if (!production) return fhir.smart ? { issuers: fhir.smart.issuers, jwks: fhir.smart.jwks as JSONWebKeySet | { url: string }, clientId: fhir.smart.clientId } : undefined
  const issuers = env.NEXORA_SMART_ISSUERS?.split(',').map((s) => s.trim()).filter(Boolean) ?? []
  if (!env.NEXORA_SMART_CLIENT_ID || issuers.length === 0 || !env.NEXORA_SMART_JWKS_URL) return undefined
  return { issuers, jwks: { url: env.NEXORA_SMART_JWKS_URL }, clientId: env.NEXORA_SMART_CLIENT_ID }
}

/** Production needs a configured key set; dev mode makes its own. */
async function authPlugin(production: boolean, dataDir: string, smart?: ReturnType<typeof smartTrust>) {
  const trusted = smart ? [{ issuers: smart.issuers, jwks: smart.jwks }] : []
  if (production) {
    const issuers = env.NEXORA_JWT_ISSUERS?.split(',').map((s) => s.trim()).filter(Boolean) ?? []
    const audience = env.NEXORA_JWT_AUDIENCE
    const jwks = env.NEXORA_JWKS_URL ? { url: env.NEXORA_JWKS_URL } : env.NEXORA_JWKS_FILE ? JSON.parse(await readFile(env.NEXORA_JWKS_FILE, 'utf8')) as JSONWebKeySet : undefined
    if (!jwks || issuers.length === 0 || !audience) {
      throw new UsageError('production mode needs NEXORA_JWKS_URL or NEXORA_JWKS_FILE, NEXORA_JWT_ISSUERS and NEXORA_JWT_AUDIENCE; refusing to start without authentication')
    }
    return { plugin: jwtAuth({ jwks, issuers, audience, trusted }), token: undefined }
  }
  const dev = await loadOrCreateDevIdentity(dataDir)
  return { plugin: jwtAuth({ jwks: dev.jwks, issuers: [DEV_ISSUER], audience: DEV_AUDIENCE, trusted }), token: dev }
}

/**
 * Monitoring needs its own key; in production without one it stays off (and says so). The rest
 * of its settings (alert rules, webhooks, FHIR outcome rules) come from NEXORA_MONITORING_CONFIG.
 */
async function monitoringPlugins(production: boolean, dataDir: string, io: { err(line: string): void }) {
  const key = await loadDeidKey(production, dataDir, env.NEXORA_MONITORING_KEY_FILE, 'monitoring-key')
  if (!key) {
    io.err('monitoring is off: set NEXORA_MONITORING_KEY_FILE to turn on the prediction log and the monitoring reports')
    return []
  }
  const config = env.NEXORA_MONITORING_CONFIG ? JSON.parse(await readFile(env.NEXORA_MONITORING_CONFIG, 'utf8')) as Omit<MonitoringOptions, 'key' | 'hmac'> : {}
  return monitoring({ evaluateEveryMs: 5 * 60_000, fairnessAttributes: ['sex'], ...config, key, hmac: nodeHmac })
}

/** CDS Hooks needs to know which EHRs it trusts: `NEXORA_CDS_HOOKS_CONFIG` names a JSON file `{ baseUrl, clients }`. */
async function cdsHooksPlugins() {
  if (!env.NEXORA_CDS_HOOKS_CONFIG) return []
  return [cdsHooks(JSON.parse(await readFile(env.NEXORA_CDS_HOOKS_CONFIG, 'utf8')) as CdsHooksOptions)]
}

/**
 * The web UI from site/dist (`npm start` builds it first). Dev mode signs the browser in as the dev
 * identity; production needs an OIDC provider (NEXORA_OIDC_ISSUER, NEXORA_OIDC_CLIENT_ID), else no UI.
 */
function webUiPlugins(production: boolean, devToken: string | undefined, io: { err(line: string): void }, smart?: ReturnType<typeof smartTrust>) {
  // NEXORA_SITE_DIR points at another build (the end-to-end tests build their own, so parallel suites never share one).
  const dir = env.NEXORA_SITE_DIR ?? new URL('../../site/dist/', import.meta.url).pathname
  if (!existsSync(join(dir, 'index.html'))) {
    // Without a build there is no UI at all (404s), rather than a shell that answers 503.
    io.err('the web UI is not built: run `npm run build:site` (npm start does it first)')
    return []
  }
  const files = folderFiles(dir)
  // The OIDC provider's token endpoint may live on another origin than its issuer: NEXORA_UI_CONNECT_SRC adds origins the app may call.
  const extra = env.NEXORA_UI_CONNECT_SRC?.split(',').map((s) => s.trim()).filter(Boolean) ?? []
  const common = { files, ...(smart ? { smart: { clientId: smart.clientId, scope: env.NEXORA_SMART_SCOPE, issuers: smart.issuers } } : {}) }
  const connectSrc = (...urls: string[]) => [...urls, ...(smart?.issuers ?? [])].map((u) => new URL(u).origin).concat(extra)
  if (!production && devToken) return [webUi({ ...common, signIn: { mode: 'dev', token: async () => devToken }, connectSrc: connectSrc() })]
  if (env.NEXORA_OIDC_ISSUER && env.NEXORA_OIDC_CLIENT_ID) return [webUi({ ...common, signIn: { mode: 'oidc', issuer: env.NEXORA_OIDC_ISSUER, clientId: env.NEXORA_OIDC_CLIENT_ID, scope: env.NEXORA_OIDC_SCOPE }, connectSrc: connectSrc(env.NEXORA_OIDC_ISSUER) })]
  io.err('the web UI is off: set NEXORA_OIDC_ISSUER and NEXORA_OIDC_CLIENT_ID to serve it in production')
  return []
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the HTTP server with the committed demo models',
  usage: `nexora serve [--port 8000] [--host 127.0.0.1] [--db file:./data/nexora.db] [--grpc-port 50051] [--production]

  --port        TCP port (default 8000)
  --host        interface to bind (default 127.0.0.1; use 0.0.0.0 in a container)
  --db          libSQL URL of the embedded database (default file:./data/nexora.db)
  --grpc-port   also serve gRPC, gRPC-Web and Connect on this h2c port (Connect and gRPC-Web
                are always served on the HTTP port too)
  --production  require a configured JWKS (also when NODE_ENV=production):
                NEXORA_JWKS_URL or NEXORA_JWKS_FILE, NEXORA_JWT_ISSUERS, NEXORA_JWT_AUDIENCE
  Dev mode (the default) makes an ES384 key pair and a dev token in ./data/, and starts the
  synthetic dev FHIR server on the next port. NEXORA_FHIR_URL points at a real FHIR server
  instead (NEXORA_FHIR_TOKEN, or NEXORA_FHIR_CLIENT_ID + NEXORA_FHIR_KEY_FILE for SMART).
  Monitoring (prediction log, /monitoring reports, adverse events, alerts) keys patients with
  NEXORA_MONITORING_KEY_FILE (dev: ./data/monitoring-key) and reads NEXORA_MONITORING_CONFIG (JSON).
  CDS Hooks services are served when NEXORA_CDS_HOOKS_CONFIG names a JSON file { baseUrl, clients }
  (the EHRs trusted to call, by iss, with their jku allowlist or key set); see docs/cds-hooks.md.
  Web UI sign-in: dev mode signs in as the dev identity, and the dev FHIR server acts as the EHR
  for SMART launches (open the "SMART launch demo" URL). Production: NEXORA_OIDC_ISSUER and
  NEXORA_OIDC_CLIENT_ID (NEXORA_OIDC_SCOPE); SMART EHR launch with NEXORA_SMART_CLIENT_ID,
  NEXORA_SMART_ISSUERS and NEXORA_SMART_JWKS_URL (NEXORA_SMART_SCOPE); NEXORA_UI_CONNECT_SRC adds
  origins the app may call. See docs/ui.md.
  Audit checkpoints (every 5 minutes) are signed with NEXORA_AUDIT_SIGNING_KEY_FILE (a private
  JWK; \`nexora audit keygen\`) and sent to NEXORA_AUDIT_WITNESSES (file:<path>, https://...,
  postgres://..., libsql:<url>); NEXORA_AUDIT_PUBLIC_KEYS_FILE trusts older keys. Dev mode signs
  with ./data/audit-signing-key.json into ./data/audit-checkpoints.jws.
  NEXORA_RATE_LIMITS (JSON) sets token buckets over the defaults: predict, read, write, audit,
  public (per principal) and unauthenticated (failed authentications per client address), each
  {"capacity":N,"refillPerSecond":R}.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, 'grpc-port': { type: 'string' }, production: { type: 'boolean' } })
    const port = Number(values.port ?? env.PORT ?? 8000)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535`)
    const production = Boolean(values.production) || env.NODE_ENV === 'production'
    const fhir = await fhirSetup(production, port === 0 ? 0 : Number(env.NEXORA_DEV_FHIR_PORT ?? port + 1), DEV_AUDIENCE)
    const smart = smartTrust(production, fhir)
    const auth = await authPlugin(production, env.NEXORA_DATA_DIR ?? './data', smart)
    const grpcPort = values['grpc-port'] === undefined ? undefined : Number(values['grpc-port'])
    if (grpcPort !== undefined && (!Number.isInteger(grpcPort) || grpcPort < 0 || grpcPort > 65535)) throw new UsageError('--grpc-port must be an integer from 0 to 65535')
    const dataDir = env.NEXORA_DATA_DIR ?? './data'
    // REST /v2 and gRPC's inference service share one statistics and load/unload state.
    const oipState = createOipState()
    const rateLimits = rateLimitsFromEnv(env.NEXORA_RATE_LIMITS)
    const signing = await auditSigningPlugins({
      keyFile: env.NEXORA_AUDIT_SIGNING_KEY_FILE, witnesses: env.NEXORA_AUDIT_WITNESSES, publicKeysFile: env.NEXORA_AUDIT_PUBLIC_KEYS_FILE, witnessToken: env.NEXORA_AUDIT_WITNESS_TOKEN,
    }, production ? undefined : { dataDir })
    if (!signing.description) io.err('audit checkpoints are not signed: set NEXORA_AUDIT_SIGNING_KEY_FILE and NEXORA_AUDIT_WITNESSES (see docs/security.md) so a rewrite of the database is caught')
    const running = await serveNode({
      port, host: values.host, db: values.db ?? env.NEXORA_DB, models: await allModelPlugins(),
      config: { auditPublicKeys: signing.publicKeys, ...(rateLimits ? { rateLimits } : {}) },
      plugins: [auth.plugin, ...signing.plugins, ...fhir.plugins, phiGuard(), phiEndpoints({ key: await loadDeidKey(production, dataDir), hmac: nodeHmac }), ...await monitoringPlugins(production, dataDir, io), oip({ state: oipState }), grpc({ state: oipState }), ...await cdsHooksPlugins(), ...webUiPlugins(production, auth.token?.token, io, smart)],
      ...(grpcPort !== undefined ? { grpc: { port: grpcPort } } : {}),
      prepare: async (nexora) => {
        const imported = await importModels(nexora)
        if (imported.length) io.err(`registered demo models: ${imported.join(', ')}`)
      },
    })
    const base = running.url.replace('127.0.0.1', 'localhost')
    running.server.once('close', () => fhir.close?.())
    fhir.smart?.setLaunchUrl(`${running.url}/launch`)
    io.err(`Nexora is listening on ${base} (${production ? 'production' : 'dev mode'})
  Web UI:   ${base}/
  API docs: ${base}/docs${running.grpcUrl ? `\n  gRPC:     ${running.grpcUrl} (h2c)` : ''}${fhir.description ? `\n  FHIR:     ${fhir.description}` : ''}${fhir.smart ? `\n  SMART launch demo: ${fhir.smart.launchDemo}` : ''}`)
    if (auth.token) {
      io.err(`  Dev token (also in ${auth.token.tokenFile}; valid 30 days):
    ${auth.token.token}
  Try:      curl -X POST ${base}/predict -H 'content-type: application/json' -H "authorization: Bearer $(cat ${auth.token.tokenFile})" \\
              -d '{"model":"readmission-risk","rows":[{"patientId":"demo-1","features":{"age":71,"sex":"F","systolic_bp":150,"hba1c":8.1,"egfr":48,"prior_admissions":2,"length_of_stay":6,"on_anticoagulant":true}}],"explain":true}'`)
    }
    await new Promise(() => {})
    return 0
  },
}
