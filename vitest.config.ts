import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Inside the repository, the package's own name ('nexora', 'nexora/testing') resolves to the
// TypeScript sources, not to dist/ (which only `npm run build` and `npm pack` make).
const conditions = ['nexora-source', ...defaultServerConditions]
// What test workers resolve natively with (vitest passes these as --conditions): as Node itself does, without `module`,
// which some packages (the OpenTelemetry SDK) map to ESM builds only a bundler can load (imports without extensions).
const nodeConditions = conditions.filter((c) => c !== 'module')

/**
 * Two projects. `unit` needs nothing but Node (`npm run test:unit`, the inner loop). `integration`
 * runs real services and processes: PostgreSQL (initdb/pg_ctl), Chromium, promtool, the Deno, Bun and
 * workerd binaries, and `nexora` itself as a child process. `npm test` runs both.
 */
const INTEGRATION = [
  // PostgreSQL servers started by the test
  'test/storage/postgres.test.ts',
  'test/storage/postgres-outage.test.ts',
  'test/storage/storage-unavailable.test.ts',
  'test/storage/storage-conformance.test.ts',
  'test/jobs/pgboss-queue.test.ts',
  // worker threads loading TypeScript through tsx
  'test/storage/audit-thread.test.ts',
  // headless Chromium
  'test/browser/**/*.test.ts',
  'test/site/**/*.test.ts',
  // promtool
  'test/monitoring/deploy.test.ts',
  // kubectl (kustomize renders deploy/k8s)
  'test/deploy/k8s-manifests.test.ts',
  // Deno, Bun and workerd binaries, and bundles built for them
  'test/runtimes/**/*.test.ts',
  'test/storage/d1.test.ts',
  'test/jobs/cloudflare-queue.test.ts',
  // PostgreSQL and `nexora worker` processes
  'test/population/workers-e2e.test.ts',
  'test/grpc/workers.test.ts',
  'test/plugins/model-onnx-workerd.test.ts',
  'test/otel/worker.test.ts',
  // needs a module graph of its own (it must be the first to start ORT), which the shared unit workers do not give
  'test/plugins/model-onnx-precompiled.test.ts',
  'test/bundle-budget.test.ts',
  'test/package.test.ts',
  'test/consumer/**/*.test.ts',
  'test/architecture/api-report.test.ts',
  'examples/**/*.test.ts',
  // `nexora` run as a process: the CLI, serve, kill and shutdown tests
  'test/adapters/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/fhir/untrusted-links.test.ts',
  'test/grpc/generated.test.ts',
  'test/security/fuzz.test.ts',
  'test/security/unicode-fuzz.test.ts',
  'test/security/unicode-fuzz-audit-sinks.test.ts',
  'test/security/phi-logs.test.ts',
  'test/security/signed-checkpoints.test.ts',
  // the dev FHIR cohort through the ETL (about 25 s) to recompute the figures the demo source attributes quote
  'test/models/source-attributes.test.ts',
]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: nodeConditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep file-level parallelism modest so server tests are not starved.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: INTEGRATION, isolate: false } },
      // Processes and browsers start slowly on a loaded two-core machine: a longer bound, never a timing assertion.
      { extends: true, test: { name: 'integration', include: INTEGRATION, testTimeout: 120_000 } },
    ],
  },
})
