import { describe, expect, it } from 'vitest';
import { findDuplicateJsonKey } from './json-duplicate-key.js';

describe('findDuplicateJsonKey', () => {
  it('finds a key named twice in one object, at any depth, and nothing else', () => {
    expect(findDuplicateJsonKey('{"a": 1, "b": {"c": 2, "c": 3}}')).toBe('c');
    expect(findDuplicateJsonKey('{"a": 1, "\\u0061": 2}')).toBe('a');
    expect(findDuplicateJsonKey('{"a": {"x": 1}, "b": {"x": 1}, "c": ["a", "a"], "d": "a"}')).toBeUndefined();
    expect(findDuplicateJsonKey('[{"k": "\\"k\\""}, {"k": 1}]')).toBeUndefined();
  });
});
