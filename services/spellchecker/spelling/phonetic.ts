/**
 * A compact phonetic key (in the spirit of Metaphone): words that sound alike — "fone" and
 * "phone", "nite" and "night", "sukses" and "success" — get the same key, which the ranking
 * rewards.
 */
export function phoneticKey(word: string): string {
  let w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length === 0) return '';
  w = w
    .replace(/^kn|^gn|^pn|^wr/, (m) => m.charAt(1))
    .replace(/^x/, 's')
    .replace(/^wh/, 'w')
    .replace(/mb$/, 'm')
    .replace(/ph/g, 'f')
    .replace(/gh(?=[^aeiou]|$)/g, '')
    .replace(/tch/g, 'ch')
    .replace(/sch/g, 'sk')
    .replace(/ti(?=[ao])/g, 'sh')
    .replace(/ci(?=[ao])/g, 'sh')
    .replace(/c(?=[iey])/g, 's')
    .replace(/ck/g, 'k')
    .replace(/q/g, 'k')
    .replace(/c/g, 'k')
    .replace(/dg(?=[iey])/g, 'j')
    .replace(/z/g, 's')
    .replace(/x/g, 'ks')
    .replace(/v/g, 'f')
    .replace(/(.)\1+/g, '$1');
  // Keep the first letter; drop later vowels (and h, w, y between them), which vary most.
  const first = w.charAt(0);
  const rest = w.slice(1).replace(/[aeiouyhw]/g, '');
  return (/[aeiouy]/.test(first) ? 'a' : first) + rest;
}
