/**
 * JSON-RPC and MCP error codes (checklist ERR-01..05).
 * @see https://www.jsonrpc.org/specification#error_object
 */
export const ErrorCode = {
  /** Malformed JSON (JR-07). */
  ParseError: -32700,
  /** Not a valid JSON-RPC request (JR-02, JR-07). */
  InvalidRequest: -32600,
  /** Unknown method (JR-08). */
  MethodNotFound: -32601,
  /** Invalid params, unknown tool or prompt (JR-09, TOOL-05). */
  InvalidParams: -32602,
  /** Unexpected failure (JR-09). */
  InternalError: -32603,
  /** Legacy resource not found, with `data.uri` (ERR-02). */
  ResourceNotFound: -32002,
  /** A server-to-client request timed out (legacy SDK convention; local to the handler that waited). */
  RequestTimeout: -32001,
  /** 2025-11-25 URL-mode elicitation required (ERR-03). */
  UrlElicitationRequired: -32042,
  /** 2026-07-28 header and body disagree (ERR-04). */
  HeaderMismatch: -32020,
  /** 2026-07-28 a needed client capability was not declared (ERR-04). */
  MissingRequiredClientCapability: -32021,
  /** Protocol version not supported, with `data.supported` and `data.requested` (ERR-04, PVH-03). */
  UnsupportedProtocolVersion: -32022,
} as const;

/** One of the numeric codes in {@link ErrorCode}. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];
