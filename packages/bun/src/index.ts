export { serve, type BunServeOptions, type BunServer } from './serve';
