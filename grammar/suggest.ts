/** The closest candidate by edit distance, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  const letters = sortedLetters(word);
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    // On a tie, the same letters in another order ("og" for "go", not "on") is the likelier typo.
    if (d < bestDistance || (d === bestDistance && best !== undefined && sortedLetters(c) === letters && sortedLetters(best) !== letters)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

const sortedLetters = (w: string): string => [...w.toLowerCase()].sort().join('');

/** Edits to turn a into b, where swapping two neighbours counts as one edit (the commonest typo). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] ?? 0) + 1);
      cur.push(d);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length] ?? 99;
}
