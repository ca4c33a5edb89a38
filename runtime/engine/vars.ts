/**
 * The variables with one more set, as a new object. Not `{ ...vars, [name]: value }`: optimized, V8 gives each
 * object spread that way a hidden class of its own, which every dialog at rest then keeps (its map and descriptors).
 */
export function withVar<V>(vars: Readonly<Record<string, V>>, name: string, value: V): Record<string, V> {
  // Object.assign and `out[name] =` would set the prototype for `__proto__`: that name keeps the spread.
  if (name === '__proto__' || Object.hasOwn(vars, '__proto__')) return { ...vars, [name]: value };
  const out: Record<string, V> = Object.assign({}, vars);
  out[name] = value;
  return out;
}
