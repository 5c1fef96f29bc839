// Public entry of the XState inspector bridge.
export {
  type BoundedAdapterOptions,
  BoundedWebSocketAdapter,
} from './bounded-websocket-adapter.ts';
export { inspectorSessionId, StatelyInspector } from './stately-inspector.ts';
