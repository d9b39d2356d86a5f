import type { ComponentType } from 'react'
import type { Session } from './session.ts'

/** What every page gets from the shell. */
export interface PageProps {
  session: Session
  /** The hash path after the page's own segment: `#/patients/123` → `['123']`. */
  params: string[]
  navigate(to: string): void
}

export interface PageEntry {
  path: string
  title: string
  /** Loaded on first visit: each page is its own chunk, so the shell stays small. */
  load: () => Promise<{ default: ComponentType<PageProps> }>
  /** Scope needed to see it in the navigation (nexora/admin sees everything). */
  scope?: string
}

export const PAGES: PageEntry[] = [
  { path: 'patients', title: 'Patients', load: () => import('./pages/patients/index.tsx') },
  { path: 'models', title: 'Models', load: () => import('./pages/models/index.tsx') },
  { path: 'audit', title: 'Audit', load: () => import('./pages/audit/index.tsx'), scope: 'nexora/audit.read' },
  { path: 'monitoring', title: 'Monitoring', load: () => import('./pages/monitoring/index.tsx'), scope: 'nexora/monitor' },
  { path: 'jobs', title: 'Population jobs', load: () => import('./pages/jobs/index.tsx'), scope: 'nexora/jobs' },
  { path: 'deid', title: 'De-identify', load: () => import('./pages/deid/index.tsx'), scope: 'nexora/deid' },
  { path: 'score', title: 'Score on this device', load: () => import('./pages/score/index.tsx') },
]
