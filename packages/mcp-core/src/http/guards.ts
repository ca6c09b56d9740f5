/**
 * DNS-rebinding protection: Host and Origin against allowlists that default to loopback names (SEC-01, MH-06).
 */

/** The loopback names allowed by default. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Splits `host[:port]` (IPv6 in brackets) into its hostname, lowercased.
 * @param host A Host header value or URL host.
 * @returns The hostname.
 */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** An allowlist: `'*'` lets everything through. Entries match a hostname, or an exact `host:port`. */
export type Allowlist = readonly string[] | '*';

/**
 * Whether a host is in the list.
 * @param host `host[:port]`.
 * @param list The allowlist.
 * @returns True when allowed.
 */
export function hostAllowed(host: string, list: Allowlist): boolean {
  if (list === '*') return true;
  // Every request on a connection (and usually on the server) names the same host: the last answer is kept.
  if (host === lastHost && list === lastList) return lastAllowed;
  lastHost = host;
  lastList = list;
  return (lastAllowed = checkHost(host, list));
}

let lastHost: string | undefined;
let lastList: Allowlist | undefined;
let lastAllowed = false;

function checkHost(host: string, list: readonly string[]): boolean {
  // Entries are lowercased once by normaliseAllowlist; Host is case-insensitive (RFC 9110 §4.2.3).
  const lower = host.trim().toLowerCase();
  const name = hostnameOf(lower);
  for (const entry of list) if (entry === name || entry === lower) return true;
  return false;
}

/**
 * Whether an Origin header value is allowed. Entries are origins (`https://app.example.com`) or hostnames
 * (`localhost`, matching any scheme and port). `null` origins are refused.
 * @param origin The Origin header value.
 * @param list The allowlist.
 * @returns True when allowed.
 */
export function originAllowed(origin: string, list: Allowlist): boolean {
  if (list === '*') return true;
  const o = origin.trim().toLowerCase();
  const sep = o.indexOf('://');
  if (sep === -1) return false;
  const host = o.slice(sep + 3);
  // An origin is scheme://host[:port]: no path, no userinfo.
  if (host.length === 0 || host.includes('/') || host.includes('@')) return false;
  const name = hostnameOf(host);
  for (const entry of list) if (entry === o || entry === name) return true;
  return false;
}

/**
 * Lowercases and trims allowlist entries once, at construction.
 * @param list The configured list.
 * @returns The normalised list.
 */
export function normaliseAllowlist(list: Allowlist): Allowlist {
  return list === '*' ? list : list.map((e) => e.trim().toLowerCase());
}
