/**
 * Hand text to the browser's downloads as a file (a Blob URL on a hidden link, revoked later),
 * for data the page already fetched with the session's token.
 * @example
 * download('worklist.csv', 'text/csv;charset=utf-8', await api.get<string>(path, { format: 'csv' }, 'text/csv'))
 */
export function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.hidden = true
  document.body.append(a)
  a.click()
  a.remove()
  // Revoked later, not at once: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
