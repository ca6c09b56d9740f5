/**
 * Protocol revisions this core serves, and legacy version negotiation (LC-03, TRAP-18).
 */

/** Stateless revisions (no handshake; each request carries its version in `_meta`), newest first. */
export const MODERN_VERSIONS = ['2026-07-28'] as const;

/** A stateless revision string. */
export type ModernVersion = (typeof MODERN_VERSIONS)[number];

/** Legacy (handshake) revisions, newest first. */
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;

/** A legacy revision string. */
export type LegacyVersion = (typeof LEGACY_VERSIONS)[number];

/** The newest legacy revision: the answer to an `initialize` naming an unknown version. */
export const LATEST_LEGACY_VERSION: LegacyVersion = '2025-11-25';

/** The default when a legacy request carries no MCP-Protocol-Version header (PVH-02, TRAP-07). */
export const DEFAULT_NEGOTIATED_VERSION: LegacyVersion = '2025-03-26';

const LEGACY_SET: ReadonlySet<string> = new Set(LEGACY_VERSIONS);
const MODERN_SET: ReadonlySet<string> = new Set(MODERN_VERSIONS);

/** Every revision served at the endpoint, newest first (`server/discover` and -32022 `data.supported`, DUAL-05). */
export const SUPPORTED_VERSIONS: readonly string[] = [...MODERN_VERSIONS, ...LEGACY_VERSIONS];

/**
 * Whether a version string names a stateless revision this core serves.
 * @param v A version string.
 * @returns True when served statelessly.
 */
export function isModernVersion(v: string): v is ModernVersion {
  return MODERN_SET.has(v);
}

/**
 * Whether a version string names a legacy revision this core serves.
 * @param v A version string.
 * @returns True when served.
 */
export function isLegacyVersion(v: string): v is LegacyVersion {
  return LEGACY_SET.has(v);
}

/**
 * Picks the version to answer `initialize` with: the client's if served, else the latest legacy one (LC-03).
 * @param requested The client's `protocolVersion`.
 * @returns The negotiated version.
 */
export function negotiateVersion(requested: string): LegacyVersion {
  return isLegacyVersion(requested) ? requested : LATEST_LEGACY_VERSION;
}

/**
 * Compares revision dates (they sort as strings).
 * @param a A version.
 * @param b Another version.
 * @returns True when `a` is `b` or newer.
 */
export function atLeast(a: string, b: string): boolean {
  return a >= b;
}
