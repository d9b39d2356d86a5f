import { createRoot } from 'react-dom/client'
import './styles.css'
import { App } from './app.tsx'

createRoot(document.getElementById('root')!).render(<App />)
// The service worker caches the shell and the on-device models, so the app opens offline once installed.
if ('serviceWorker' in navigator && location.protocol !== 'file:') navigator.serviceWorker.register('/sw.js').catch(() => {})
