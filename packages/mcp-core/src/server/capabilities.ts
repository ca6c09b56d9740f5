/**
 * @module The server capabilities each protocol version is told about (LC-06 for sessions, DISC-02 for
 * `server/discover`).
 */

/**
 * The server capabilities declared for a negotiated version (LC-06).
 * @param version The negotiated version.
 * @param authenticated Whether the session has an authenticated owner (tasks/list is offered only then).
 * @param tasks Whether the server runs tasks (`withTasks`); without them, no `tasks` capability.
 * @returns Capabilities.
 */
export function capabilitiesFor(version: string, authenticated: boolean, tasks: boolean): Record<string, unknown> {
  const caps: Record<string, unknown> = {
    tools: { listChanged: true },
    resources: { subscribe: true, listChanged: true },
    prompts: { listChanged: true },
    logging: {},
  };
  if (version >= '2025-03-26') caps.completions = {};
  // TK1-01: task-augmented tools/call, tasks/get|result|cancel; tasks/list only with an authenticated owner
  // (TK1-10: without one, ids are the only protection and listing SHOULD NOT be offered).
  if (tasks && version === '2025-11-25') caps.tasks = authenticated ? { list: {}, cancel: {}, requests: { tools: { call: {} } } } : { cancel: {}, requests: { tools: { call: {} } } };
  return caps;
}
