/**
 * True when `error` is Node's "module not found" from an `import()` or `require()`: how an optional peer
 * dependency that is not installed shows itself, as opposed to one that fails while it loads.
 */
export function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
