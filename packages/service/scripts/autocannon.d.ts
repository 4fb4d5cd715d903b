/** The part of autocannon (which ships no types) that bench-service.ts uses. */
declare module 'autocannon' {
  namespace autocannon {
    interface Result {
      readonly latency: { readonly p50: number; readonly p99: number };
      readonly requests: { readonly total: number };
    }
    interface Instance {
      on(event: 'done', listener: (result: Result) => void): void;
      stop(): void;
    }
  }
  function autocannon(options: { url: string; connections: number; duration: number }): autocannon.Instance;
  export default autocannon;
}
