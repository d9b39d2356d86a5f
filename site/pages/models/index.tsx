import type { PageProps } from '../../pages.ts'
import { ModelList } from './ModelList.tsx'
import { ModelView } from './ModelView.tsx'

/**
 * The model registry: `#/models` lists the models; `#/models/<name>` shows one (its production,
 * else latest, version); `#/models/<name>/<version>` a given version.
 */
export default function ModelsPage({ session, params }: PageProps) {
  const [name, version] = params
  return name ? <ModelView key={name} session={session} name={name} version={version} /> : <ModelList />
}
