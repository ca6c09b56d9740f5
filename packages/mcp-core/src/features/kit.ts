/**
 * @module What a server is built from beyond its base: the feature kit `createMcp` fills completely and
 * `createLeanMcp` fills from the features it is given, so that a bundler leaves the others out.
 */
import type { createMemoryEventStore } from '../events/index';
import type { LegacySse } from '../http/legacy-sse';
import type { ListenHub } from '../http/listen';
import type { SessionTasks, task2025FromState } from '../http/session-tasks';
import type { StreamableHttp } from '../http/streamable';
import type { createMemorySessionStore } from '../session/index';
import type { ValibotConverter } from '../schema/valibot-json-schema';
import type { createMemoryTaskStore } from '../tasks/memory-store';
import type { TaskRuntime } from '../tasks/runtime';
import type { UriTemplate } from '../uri-template/index';
import type { bindObserve } from '../server/observe';
import type { bindScopes } from '../server/scopes';

/** The parts `withTasks` brings: the task runtime of both task forms and its default store. */
export interface TasksKit {
  readonly TaskRuntime: typeof TaskRuntime;
  readonly SessionTasks: typeof SessionTasks;
  readonly createMemoryTaskStore: typeof createMemoryTaskStore;
  readonly task2025FromState: typeof task2025FromState;
}

/** The 2025 session transport and its default stores; a server without them is modern-only (DUAL-08). */
export interface SessionsKit {
  readonly StreamableHttp: typeof StreamableHttp;
  readonly createMemorySessionStore: typeof createMemorySessionStore;
  readonly createMemoryEventStore: typeof createMemoryEventStore;
}

/** The optional parts of a server; each feature fills one. */
export interface FeatureKit {
  /** Tasks: the 2026 extension and the 2025-11-25 form (`withTasks`). */
  readonly tasks?: TasksKit;
  /** The 2024-11-05 HTTP+SSE transport (`withLegacySse`). */
  readonly legacySse?: typeof LegacySse;
  /** 2026-07-28 `subscriptions/listen` streams (`withListen`). */
  readonly listen?: typeof ListenHub;
  /** RFC 6570 resource templates (`withResourceTemplates`). */
  readonly compileTemplate?: (template: string) => UriTemplate;
  /** Plain valibot schemas to JSON Schema (`withValibotJsonSchema`). */
  readonly valibot?: ValibotConverter;
  /** The `observe` option around handler runs (`withObserve`). */
  readonly observe?: typeof bindObserve;
  /** Tools' `scopes`, the `auth` option and their challenges (`withScopes`). */
  readonly scopes?: typeof bindScopes;
}

/**
 * A feature to build a lean server with: `createLeanMcp({ ..., features: [withTasks, withListen] })`. Opaque; the
 * core's `with*` constants are the only ones.
 */
export interface McpFeature {
  /** The feature's name, for messages (`withTasks`...). */
  readonly name: string;
  /** The part of the kit it fills. */
  readonly '~kit': FeatureKit;
}

/**
 * Merges features into one kit.
 * @param features What `createLeanMcp` was given.
 * @returns The kit.
 * @throws TypeError for anything that is not one of the core's features.
 */
export function kitOf(features: readonly McpFeature[]): FeatureKit {
  if (!Array.isArray(features)) throw new TypeError(`features must be an array of the core's with* features, got ${typeof features}`);
  const kit: Record<string, unknown> = {};
  features.forEach((feature, i) => {
    const part = (feature as Partial<McpFeature> | null)?.['~kit'];
    if (typeof part !== 'object' || part === null) {
      throw new TypeError(`features[${i}] is not a feature: use withTasks, withListen, withLegacySse, withResourceTemplates, withValibotJsonSchema, withObserve or withScopes`);
    }
    Object.assign(kit, part);
  });
  return kit as FeatureKit;
}
