import cluster from 'node:cluster'
import { serveNode } from '../../adapters/node.ts'
import { importOptional, NexoraError, type ServerConfig } from '../../core/index.ts'
import { serverAuth } from '../../plugins/auth-jwt/node.ts'
import { phiEndpoints, phiGuard } from '../../plugins/compliance/index.ts'
import { createOipState, oip, type OipState } from '../../plugins/oip/index.ts'
import { parseFlags, UsageError, type Command, type Io } from '../args.ts'
import { auditSigningPlugins } from '../audit-signing.ts'
import { reportListening, runPrimary, workerRole, workersFlag } from '../cluster.ts'
import { primaryWriter, writesThroughPrimary } from '../cluster-writes.ts'
import { loadServeConfig } from '../config-file.ts'
import { loadDeidKey, nodeHmac } from '../deid-key.ts'
import { importModels } from '../demo-models.ts'
import { DEV_AUDIENCE } from '../dev-identity.ts'
import { fhirSetup } from '../fhir-source.ts'
import { jobPlugins, serverWorks, startMllp, startWorker, subscribeFeeds } from '../jobs.ts'
import { allModelPlugins } from '../model-kinds.ts'
import { loadPluginModules } from '../plugin-modules.ts'
import { cdsHooksPlugins, monitoringPlugins, smartTrust, tracingPlugins, webUiPlugins } from '../serve-plugins.ts'

const portFlag = (value: string | undefined, flag: string) => {
  if (value === undefined) return undefined
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flag} must be an integer from 0 to 65535`)
  return port
}

const GRPC_PACKAGES = '@connectrpc/connect @connectrpc/connect-node @bufbuild/protobuf'

/**
 * gRPC, gRPC-Web and Connect on the HTTP port, when the connect-es packages (optional peers) are
 * installed; asked for with --grpc-port, their absence is an error naming them, else a note.
 */
async function grpcDoor(state: OipState, config: ServerConfig, io: Io) {
  try {
    const { grpc } = await importOptional('@connectrpc/connect', () => import('../../plugins/grpc/index.ts'), 'gRPC and Connect')
    return [grpc({ state })]
  } catch (error) {
    if (config.grpcPort !== undefined || !(error instanceof NexoraError && error.code === 'dependency.missing')) throw error
    io.err(`gRPC and Connect are off: npm install ${GRPC_PACKAGES} to serve them`)
    return []
  }
}

/**
 * The dev FHIR server's port: the configured one, `false` for none, else the next port (a free one
 * when the server's is 0). Off with --workers: it keeps its data and keys in one process.
 */
const devFhirPort = (config: ServerConfig, workers: number) => (workers > 1 ? false : (config.fhir.devServer.port ?? (config.port === 0 ? 0 : config.port + 1)))

function banner(
  io: Io,
  production: boolean,
  running: Awaited<ReturnType<typeof serveNode>>,
  fhir: Awaited<ReturnType<typeof fhirSetup>>,
  dev?: { token?: string; tokenFile?: string },
  workers = 1,
) {
  const base = running.url.replace('127.0.0.1', 'localhost')
  const lines = [
    `Nexora is listening on ${base} (${production ? 'production' : 'dev mode'}${workers > 1 ? `, ${workers} workers` : ''})`,
    `  Web UI:   ${base}/`,
    `  API docs: ${base}/docs`,
    ...(running.grpcUrl ? [`  gRPC:     ${running.grpcUrl} (h2c)`] : []),
    ...(fhir.description ? [`  FHIR:     ${fhir.description}`] : []),
    ...(fhir.smart ? [`  SMART launch demo: ${fhir.smart.launchDemo}`] : []),
  ]
  io.err(lines.join('\n'))
  if (!dev?.token || !dev.tokenFile) return
  const features = '{"age":71,"sex":"F","systolic_bp":150,"hba1c":8.1,"egfr":48,"prior_admissions":2,"length_of_stay":6,"on_anticoagulant":true}'
  io.err(`  Dev token (also in ${dev.tokenFile}; valid 30 days; \`nexora keys dev\` makes it without a server):
    ${dev.token}
  Try:      curl -X POST ${base}/predict -H 'content-type: application/json' -H "authorization: Bearer $(cat ${dev.tokenFile})" \\
              -d '{"model":"readmission-risk","rows":[{"patientId":"demo-1","features":${features}}],"explain":true}'`)
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the HTTP server with the committed demo models',
  usage: `nexora serve [--config nexora.config.json] [--port 8000] [--host 127.0.0.1] [--db URL] [--grpc-port 50051] [--plugin MODULE]...
             [--workers N|auto] [--mllp-port 2575] [--production]

  --config      the configuration file (default nexora.config.json in this directory if there is
                one, or NEXORA_CONFIG); NEXORA_* variables override it, these flags override both
  --port        TCP port (default 8000; PORT)
  --host        interface to bind (default 127.0.0.1; HOST; use 0.0.0.0 in a container)
  --db          database URL: file:… or libsql://… (libSQL), or postgres://… (PostgreSQL);
                default file:./data/nexora.db (NEXORA_DB)
  --grpc-port   also serve gRPC, gRPC-Web and Connect on this h2c port (Connect and gRPC-Web
                are always served on the HTTP port too)
  --plugin      a plugin module to load (a path or a package name), beside "plugins" in the
                configuration: more model kinds, stores, front doors; repeatable
  --workers     run N server processes on the port (auto: one per core), all appending to one audit
                chain in the database; a worker that dies is replaced. Rate limits are per worker
                unless sharedRateLimits is on; the dev FHIR server is off (docs/performance.md)
  --mllp-port   receive HL7 v2 (ADT A01/A03/A04/A08, ORU R01) over MLLP on this port: each message is
                acknowledged once staged and queued, and re-scores its patient (docs/hl7v2.md)
  --production  require configured authentication (also NODE_ENV=production, or "production": true):
                NEXORA_JWKS, NEXORA_JWKS_FILE or NEXORA_JWKS_URL, NEXORA_JWT_ISSUERS, NEXORA_JWT_AUDIENCE
  Dev mode (the default) makes an ES384 key pair and a dev token in the data directory (./data,
  NEXORA_DATA_DIR), and starts the synthetic dev FHIR server on the next port (NEXORA_DEV_FHIR_PORT:
  another port, or off). Every setting, its variable and its default: docs/configuration.md;
  \`nexora config check\` validates a configuration and \`nexora config print\` shows the effective one.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      'grpc-port': { type: 'string' },
      plugin: { type: 'string', multiple: true },
      production: { type: 'boolean' },
      workers: { type: 'string' },
      'mllp-port': { type: 'string' },
    })
    const workers = workersFlag(values.workers)
    // Worker 1 says what the server is; the others start quietly and leave the periodic jobs to it.
    const role = workerRole()
    const follower = role !== undefined && !role.leader
    if (follower) io = { out: io.out, err: () => {} }
    const config = await loadServeConfig(values.config, {
      port: portFlag(values.port, '--port'),
      host: values.host,
      storage: { url: values.db },
      grpcPort: portFlag(values['grpc-port'], '--grpc-port'),
      production: values.production ? true : undefined,
      feeds: { mllpPort: portFlag(values['mllp-port'], '--mllp-port') },
    })
    if (workers > 1 && cluster.isPrimary) return runPrimary(workers, io, config.storage)
    const extra = await loadPluginModules([...config.plugins, ...(values.plugin ?? [])])
    const { production, dataDir } = config
    const fhir = await fhirSetup(config, devFhirPort(config, workers), DEV_AUDIENCE)
    if (workers > 1 && !config.fhir.url && !production) io.err('the dev FHIR server is off with --workers: set fhir.url to read patients from FHIR')
    const smart = smartTrust(config, fhir)
    const auth = await serverAuth(config, { trusted: smart ? [{ issuers: smart.issuers, jwks: smart.jwks }] : [] })
    // REST /v2 and gRPC's inference service share one statistics and load/unload state.
    const oipState = createOipState()
    const signing = await auditSigningPlugins(
      {
        keyFile: config.audit.signingKeyFile,
        witnesses: config.audit.witnesses.join(',') || undefined,
        publicKeysFile: config.audit.publicKeysFile,
        witnessToken: config.audit.witnessToken,
      },
      production ? undefined : { dataDir },
    )
    if (!signing.description)
      io.err(
        'audit checkpoints are not signed: set NEXORA_AUDIT_SIGNING_KEY_FILE and NEXORA_AUDIT_WITNESSES (see docs/security.md) ' +
          'so a rewrite of the database is caught',
      )
    if (auth.mode === 'configured') io.err(auth.banner)
    const running = await serveNode({
      // The plugin modules are loaded here, resolved from the working directory (packages too), not again by the adapter.
      settings: { ...config, plugins: [] },
      models: await allModelPlugins(),
      config: { auditPublicKeys: signing.publicKeys, ...(follower ? { checkpointIntervalMs: 0 } : {}) },
      plugins: [
        ...extra,
        auth.plugin,
        ...signing.plugins,
        ...fhir.plugins,
        phiGuard(),
        phiEndpoints({ key: await loadDeidKey(production, dataDir, config.deid.keyFile), hmac: nodeHmac }),
        ...(await monitoringPlugins(config, io, { schedule: !follower })),
        oip({ state: oipState }),
        ...(await grpcDoor(oipState, config, io)),
        ...(await cdsHooksPlugins(config)),
        ...webUiPlugins(config, auth.token, io, smart),
        ...(await jobPlugins(config)),
        ...tracingPlugins(process.env, io),
      ],
      ...(config.grpcPort !== undefined ? { grpc: { port: config.grpcPort } } : {}),
      ...(role && writesThroughPrimary(config.storage.url) ? { writer: primaryWriter() } : {}),
      prepare: async (nexora) => {
        const imported = await importModels(nexora)
        if (imported.length) io.err(`registered demo models: ${imported.join(', ')}`)
        // With the in-process queue nothing else can reach this server's jobs: it works them itself.
        if (serverWorks(config)) await startWorker(nexora, config)
        // One listener per server: with --workers, the leader's.
        if (config.feeds.mllpPort !== undefined && !follower) {
          const mllp = await startMllp(nexora, config, config.feeds.mllpPort)
          io.err(`  HL7 v2:   mllp://${config.feeds.mllpHost}:${mllp.port}`)
        }
      },
    })
    running.server.once('close', () => fhir.close?.())
    fhir.smart?.setLaunchUrl(`${running.url}/launch`)
    if (config.feeds.subscribe && !follower) io.err(`  FHIR Subscriptions: ${(await subscribeFeeds(running.nexora, config, running.url)).length} active`)
    banner(io, production, running, fhir, auth, workers)
    reportListening(running.url)
    await new Promise(() => {})
    return 0
  },
}
