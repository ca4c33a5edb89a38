/**
 * Recent update ids packed into one string: up to 100 short strings cost about 3 KB of heap as an array, one
 * joined string about a third of that. Ids that contain the separator stay an array.
 */
export type PackedIds = string | readonly string[];

const SEP = '\n';

export function packIds(ids: readonly string[]): PackedIds {
  if (ids.length === 0) return '';
  for (const id of ids) if (id.includes(SEP) || id === '') return ids;
  return ids.join(SEP);
}

export function unpackIds(packed: PackedIds): string[] {
  if (typeof packed !== 'string') return [...packed];
  return packed === '' ? [] : packed.split(SEP);
}
