/**
 * @module The 2025 session transport and its in-memory stores, which `createMcp` and `createLeanMcp` build in and
 * `createStatelessMcp` leaves out.
 */
import { createMemoryEventStore } from '../events/index';
import { StreamableHttp } from '../http/streamable';
import { createMemorySessionStore } from '../session/index';
import type { SessionsKit } from './kit';

/** Streamable HTTP sessions (2025-03-26 to 2025-11-25) with their default session and event stores. */
export const SESSIONS: SessionsKit = { StreamableHttp, createMemorySessionStore, createMemoryEventStore };
