/**
 * Validates what the server sends against the official MCP JSON schema of a revision
 * (../shared/spec/schema/<revision>.json, beside the project root).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

const SCHEMA_DIR = fileURLToPath(new URL('../../../shared/spec/schema/', import.meta.url));
const cache = new Map<string, ValidateFunction>();

/** Message kinds a server sends, by the schema's definition names. */
export type ServerMessageKind = 'JSONRPCMessage' | 'ServerResult' | 'ServerNotification' | 'ServerRequest' | 'JSONRPCResponse';

/**
 * A validator for one definition of a revision's schema.
 * @param revision e.g. '2025-11-25'.
 * @param definition A definition name, e.g. 'JSONRPCMessage', 'CallToolResult', 'InitializeResult'.
 * @returns The ajv validate function.
 */
export function schemaValidator(revision: string, definition: string): ValidateFunction {
  const key = `${revision}#${definition}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const schema = JSON.parse(readFileSync(`${SCHEMA_DIR}${revision}.json`, 'utf8')) as Record<string, unknown>;
  const modern = '$defs' in schema;
  const ajv = modern ? new Ajv2020({ strict: false, allErrors: true }) : new Ajv({ strict: false, allErrors: true });
  addFormats(ajv as unknown as Ajv);
  const id = `mcp-${revision}`;
  ajv.addSchema({ ...schema, $id: id });
  const validate = ajv.getSchema(`${id}#/${modern ? '$defs' : 'definitions'}/${definition}`);
  if (!validate) throw new Error(`No definition ${definition} in the ${revision} schema`);
  cache.set(key, validate);
  return validate;
}

/**
 * Asserts that a value matches a definition; throws with ajv's errors otherwise.
 * @param revision Protocol revision.
 * @param definition Definition name.
 * @param value What the server sent.
 */
export function assertSchema(revision: string, definition: string, value: unknown): void {
  const validate = schemaValidator(revision, definition);
  if (!validate(value)) {
    throw new Error(`${definition} (${revision}) schema violation: ${JSON.stringify(validate.errors?.slice(0, 5))}\nvalue: ${JSON.stringify(value).slice(0, 800)}`);
  }
}
