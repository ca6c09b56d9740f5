/**
 * @module The notification bus (checklist §6.3, SUB-04/SUB-07): events published outside a request reach every
 * open listen stream, in this process or, with another implementation, across processes.
 */

export { MCP_EVENT_TYPES, createMemoryBus, toMcpEvent } from './bus';
export type { McpEvent, McpEventType, MemoryBusOptions, NotificationBus } from './bus';
