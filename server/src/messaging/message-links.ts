/**
 * A link for a message: always from PUBLIC_URL, never from the request's Host or X-Forwarded-Host
 * (SECURITY.md item 28), under the tenant's path.
 */
export function tenantLink(
  publicUrl: string,
  tenantSlug: string,
  path: string,
  query: Record<string, string>,
) {
  const url = new URL(`${publicUrl}/t/${encodeURIComponent(tenantSlug)}/${path.replace(/^\/+/, '')}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

export const minutesOf = (seconds: number) => String(Math.round(seconds / 60));
