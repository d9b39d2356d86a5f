import type { PageProps } from '../../pages.ts'
import { Empty } from '../../ui/states.tsx'

/** Placeholder until the page is built. */
export default function Page(_props: PageProps) {
  return <><h1>monitoring</h1><Empty>Coming soon.</Empty></>
}
