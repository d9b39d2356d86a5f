/** What `createDevFhirServer` takes and answers: the options, and the running server's parts. */
import type { Hono } from 'hono'
import type { ClientRegistry, DevClient, Grant } from './auth.ts'
import type { BulkExportOptions, BulkExportPopulation } from './bulk-export.ts'
import type { FhirCohort, GenerateFhirCohortOptions } from './cohort.ts'
import type { Faults } from './faults.ts'
import type { PopulationCohort, PopulationCohortOptions } from './population-types.ts'
import type { SmartApp, SmartAppOptions } from './smart-app.ts'
import type { FhirJson, FhirStore } from './store.ts'

export interface DevFhirServerOptions {
  /** The synthetic cohort to serve, or options to generate it. Default: `generateFhirCohort()` (200 patients). */
  cohort?: FhirCohort | GenerateFhirCohortOptions
  /** Serve these resources instead of a cohort. */
  resources?: readonly FhirJson[]
  /** SMART Backend Services clients (more with `clients.register`). */
  clients?: DevClient[]
  /** Bearer tokens accepted as-is with full access (handy for demos). */
  staticTokens?: string[]
  /** Require a bearer token on resource routes. Default: true when clients or static tokens are given. */
  auth?: boolean
  /** Access-token lifetime. Default 300 s. */
  tokenLifetimeSeconds?: number
  /** Answer `Patient/:id/$everything`. Default true; false answers 404 so clients fall back to searches. */
  supportsEverything?: boolean
  /** Default page size of searches and `$everything`. Default 50. */
  pageSize?: number
  /** Largest `_count` honoured. Default 500. */
  maxPageSize?: number
  /** Unknown search parameters answer 400 instead of being ignored (as with `Prefer: handling=strict`). Default false. */
  strictSearch?: boolean
  /** The server's public base URL, when it differs from the request's origin (behind a proxy). */
  baseUrl?: string
  /** Milliseconds since the epoch: token expiry, assertion checks and meta.lastUpdated. Default the system clock. */
  clock?: { now(): number }
  /** Also act as a SMART App Launch / OpenID Connect authorization server for browser apps (see smart-app.ts). */
  smartApp?: SmartAppOptions
  /** Bulk Data `$export` settings (bulk-export.ts): how long an export takes, its groups. */
  bulkExport?: BulkExportOptions
  /**
   * Also serve a generated population (population.ts), never held in memory: `$export` streams it
   * (one file per type per `patientsPerFile` patients), and reads, `$everything` and `patient=`
   * searches generate the one record asked for. Without `cohort`, no default cohort is generated.
   * `now` defaults to the start of the clock's current UTC day; `groups` name blocks of patients.
   */
  population?: Partial<PopulationCohortOptions> & Pick<PopulationCohortOptions, 'patients'> & Omit<BulkExportPopulation, 'cohort'>
  /** How Subscription notifications are sent (tests inject one). Default: fetch. */
  notificationFetch?: typeof fetch
}

export interface DevFhirServer {
  app: Hono<{ Variables: { grant: Grant } }>
  store: FhirStore
  clients: ClientRegistry
  faults: Faults
  /** The cohort served, unless `resources` were given. */
  cohort?: FhirCohort
  /** The SMART App Launch / OIDC authorization server, when `smartApp` was given. */
  smart?: SmartApp
  /** The generated population, when `population` was given. */
  population?: PopulationCohort
  /** Subscription notifications (subscriptions.ts): `drain()` waits for those in flight. */
  subscriptions: { drain(): Promise<void> }
}
