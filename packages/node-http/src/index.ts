export { toNodeHandler, type NodeHandlerOptions } from './handler';
export { bufferedText, toWebRequest, type WebRequestOptions } from './request';
export { sendWebResponse } from './send';
export { serve, type NodeServer, type ServeOptions } from './serve';
