import { lazy, Suspense, useEffect, useMemo, useState, type ComponentType } from 'react'
import { PAGES, type PageProps } from './pages.ts'
import { hasScope, resumeSession, type Session } from './session.ts'
import { ErrorState, Loading } from './ui/states.tsx'

const parseHash = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent)
const lazyPages = new Map(PAGES.map((p) => [p.path, lazy(p.load)] as const))
const Launch = lazy(() => import('./pages/launch/index.tsx'))
const SignIn = lazy(() => import('./pages/signin/index.tsx'))

/** The shell: sign-in, navigation, and the current page (hash routes, so API paths never clash). */
export function App() {
  const [session, setSession] = useState<Session | undefined>()
  const [pending, setPending] = useState<unknown>('loading')
  const [segments, setSegments] = useState(parseHash)
  useEffect(() => {
    const onHash = () => setSegments(parseHash())
    addEventListener('hashchange', onHash)
    return () => removeEventListener('hashchange', onHash)
  }, [])
  const onLaunchPath = location.pathname === '/launch' || location.pathname === '/callback'
  useEffect(() => {
    if (onLaunchPath) return
    resumeSession().then(
      (s) => setPending(s && 'token' in s ? (setSession(s), undefined) : (s ?? 'signin')),
      (e: unknown) => setPending(e),
    )
  }, [onLaunchPath])
  const navigate = (to: string) => {
    location.hash = `#/${to}`
  }

  if (onLaunchPath)
    return (
      <Suspense fallback={<Loading label="Connecting to the EHR…" />}>
        <Launch />
      </Suspense>
    )
  if (!session) {
    if (pending === 'loading') return <Loading label="Signing in…" />
    if (pending && typeof pending === 'object' && 'signIn' in pending)
      return (
        <Suspense fallback={<Loading />}>
          <SignIn config={pending as never} />
        </Suspense>
      )
    return (
      <main className="page">
        <ErrorState error={pending} />
      </main>
    )
  }
  const [first = 'patients', ...params] = segments
  const visible = PAGES.filter((p) => !p.scope || hasScope(session, p.scope))
  const Page = (lazyPages.get(first) ?? lazyPages.get('patients')!) as ComponentType<PageProps>
  return (
    <Shell session={session} current={first} pages={visible}>
      <Suspense fallback={<Loading />}>
        <Page session={session} params={params} navigate={navigate} />
      </Suspense>
    </Shell>
  )
}

function Shell({ session, current, pages, children }: { session: Session; current: string; pages: typeof PAGES; children: React.ReactNode }) {
  const [open, setOpen] = useState(false)
  const nav = useMemo(
    () =>
      pages.map((p) => (
        <li key={p.path}>
          <a href={`#/${p.path}`} aria-current={p.path === current ? 'page' : undefined} onClick={() => setOpen(false)}>
            {p.title}
          </a>
        </li>
      )),
    [pages, current],
  )
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Nexora</span>
        <button type="button" className="menu" aria-expanded={open} aria-controls="nav" onClick={() => setOpen(!open)}>
          Menu
        </button>
        <nav id="nav" aria-label="Main" data-open={open}>
          <ul>{nav}</ul>
        </nav>
        <span className="who" title="Signed in as">
          {session.subject}
        </span>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  )
}
