export { serve, type DenoServeOptions, type DenoServer } from './serve';
