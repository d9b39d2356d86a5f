#!/usr/bin/env node
/**
 * `node server-peers.mjs [EXTRA_PEER...]`, in an unpacked nexora package that has the repository's
 * package-lock.json beside it: makes the optional peers a server uses into dependencies, each pinned to
 * the version the lock holds, so `npm install --omit=dev` installs them and nothing else of the dev
 * tree. The peers are optional for embedders (a browser app needs no PostgreSQL driver), but `nexora
 * serve` opens a libSQL file or PostgreSQL, works pg-boss jobs and reads FHIR feature specs.
 * Also drops the package's scripts: prepack and friends build from sources the package does not ship.
 */
import { readFileSync, writeFileSync } from 'node:fs'

/** What `nexora serve` and `nexora worker` need in production beyond the package's own dependencies. */
const SERVER_PEERS = [
  '@libsql/client', // the default storage (file:) and sqlWitness
  'drizzle-orm', // every SQL store
  'pg', // PostgreSQL storage and witnesses
  'pg-boss', // the population queue on PostgreSQL (nexora worker)
  'fhirpath', // FHIR feature specs (the FHIR front door, population scoring)
  '@medplum/core', // HL7 v2 feeds (--mllp-port)
  'swagger-ui-dist', // the interactive API docs at /docs
  // Tracing (nexora/plugins/otel): `nexora serve` starts the SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set, as deploy/k8s does.
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/core',
  '@opentelemetry/resources',
  '@opentelemetry/otlp-transformer',
]

const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
const wanted = [...new Set([...SERVER_PEERS, ...process.argv.slice(2).filter(Boolean)])]
const problems = []
for (const name of wanted) {
  // Only a declared peer: anything else would be a dependency the package itself never imports.
  if (!pkg.peerDependencies?.[name]) problems.push(`${name} is not a peer dependency of nexora`)
  const version = lock.packages?.[`node_modules/${name}`]?.version
  if (!version) problems.push(`${name} is not in package-lock.json`)
  else {
    pkg.dependencies = { ...pkg.dependencies, [name]: version }
    delete pkg.devDependencies?.[name]
  }
}
if (problems.length) {
  console.error(`server-peers: ${problems.join('; ')}`)
  process.exit(1)
}
delete pkg.scripts
writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`)
console.error(`server-peers: ${wanted.map((n) => `${n}@${pkg.dependencies[n]}`).join(' ')}`)
