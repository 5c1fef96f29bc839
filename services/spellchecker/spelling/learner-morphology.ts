/**
 * Forms learners build by rule where English has an exception: past tenses ("gived", "losted",
 * "buyed"), plurals ("storys", "childs", "womans"), comparatives ("gooder") and contractions
 * written without their apostrophe ("dosnt", "isnt"). Curated for this project (public domain).
 */

/** Irregular verbs: base, past, past participle. */
const IRREGULAR_VERBS: readonly (readonly [string, string, string])[] = [
  ['arise', 'arose', 'arisen'],
  ['awake', 'awoke', 'awoken'],
  ['be', 'was', 'been'],
  ['bear', 'bore', 'borne'],
  ['beat', 'beat', 'beaten'],
  ['become', 'became', 'become'],
  ['begin', 'began', 'begun'],
  ['bend', 'bent', 'bent'],
  ['bet', 'bet', 'bet'],
  ['bind', 'bound', 'bound'],
  ['bite', 'bit', 'bitten'],
  ['bleed', 'bled', 'bled'],
  ['blow', 'blew', 'blown'],
  ['break', 'broke', 'broken'],
  ['breed', 'bred', 'bred'],
  ['bring', 'brought', 'brought'],
  ['build', 'built', 'built'],
  ['burst', 'burst', 'burst'],
  ['buy', 'bought', 'bought'],
  ['catch', 'caught', 'caught'],
  ['choose', 'chose', 'chosen'],
  ['cling', 'clung', 'clung'],
  ['come', 'came', 'come'],
  ['cost', 'cost', 'cost'],
  ['creep', 'crept', 'crept'],
  ['cut', 'cut', 'cut'],
  ['deal', 'dealt', 'dealt'],
  ['dig', 'dug', 'dug'],
  ['do', 'did', 'done'],
  ['draw', 'drew', 'drawn'],
  ['drink', 'drank', 'drunk'],
  ['drive', 'drove', 'driven'],
  ['eat', 'ate', 'eaten'],
  ['fall', 'fell', 'fallen'],
  ['feed', 'fed', 'fed'],
  ['feel', 'felt', 'felt'],
  ['fight', 'fought', 'fought'],
  ['find', 'found', 'found'],
  ['flee', 'fled', 'fled'],
  ['fly', 'flew', 'flown'],
  ['forbid', 'forbade', 'forbidden'],
  ['forget', 'forgot', 'forgotten'],
  ['forgive', 'forgave', 'forgiven'],
  ['freeze', 'froze', 'frozen'],
  ['get', 'got', 'gotten'],
  ['give', 'gave', 'given'],
  ['go', 'went', 'gone'],
  ['grind', 'ground', 'ground'],
  ['grow', 'grew', 'grown'],
  ['hang', 'hung', 'hung'],
  ['have', 'had', 'had'],
  ['hear', 'heard', 'heard'],
  ['hide', 'hid', 'hidden'],
  ['hit', 'hit', 'hit'],
  ['hold', 'held', 'held'],
  ['hurt', 'hurt', 'hurt'],
  ['keep', 'kept', 'kept'],
  ['kneel', 'knelt', 'knelt'],
  ['know', 'knew', 'known'],
  ['lay', 'laid', 'laid'],
  ['lead', 'led', 'led'],
  ['leave', 'left', 'left'],
  ['lend', 'lent', 'lent'],
  ['let', 'let', 'let'],
  ['lie', 'lay', 'lain'],
  ['light', 'lit', 'lit'],
  ['lose', 'lost', 'lost'],
  ['make', 'made', 'made'],
  ['mean', 'meant', 'meant'],
  ['meet', 'met', 'met'],
  ['pay', 'paid', 'paid'],
  ['put', 'put', 'put'],
  ['quit', 'quit', 'quit'],
  ['read', 'read', 'read'],
  ['ride', 'rode', 'ridden'],
  ['ring', 'rang', 'rung'],
  ['rise', 'rose', 'risen'],
  ['run', 'ran', 'run'],
  ['say', 'said', 'said'],
  ['see', 'saw', 'seen'],
  ['seek', 'sought', 'sought'],
  ['sell', 'sold', 'sold'],
  ['send', 'sent', 'sent'],
  ['set', 'set', 'set'],
  ['shake', 'shook', 'shaken'],
  ['shine', 'shone', 'shone'],
  ['shoot', 'shot', 'shot'],
  ['show', 'showed', 'shown'],
  ['shrink', 'shrank', 'shrunk'],
  ['shut', 'shut', 'shut'],
  ['sing', 'sang', 'sung'],
  ['sink', 'sank', 'sunk'],
  ['sit', 'sat', 'sat'],
  ['sleep', 'slept', 'slept'],
  ['slide', 'slid', 'slid'],
  ['speak', 'spoke', 'spoken'],
  ['spend', 'spent', 'spent'],
  ['spin', 'spun', 'spun'],
  ['spread', 'spread', 'spread'],
  ['stand', 'stood', 'stood'],
  ['steal', 'stole', 'stolen'],
  ['stick', 'stuck', 'stuck'],
  ['sting', 'stung', 'stung'],
  ['strike', 'struck', 'struck'],
  ['swear', 'swore', 'sworn'],
  ['sweep', 'swept', 'swept'],
  ['swim', 'swam', 'swum'],
  ['swing', 'swung', 'swung'],
  ['take', 'took', 'taken'],
  ['teach', 'taught', 'taught'],
  ['tear', 'tore', 'torn'],
  ['tell', 'told', 'told'],
  ['think', 'thought', 'thought'],
  ['throw', 'threw', 'thrown'],
  ['understand', 'understood', 'understood'],
  ['wake', 'woke', 'woken'],
  ['wear', 'wore', 'worn'],
  ['weep', 'wept', 'wept'],
  ['win', 'won', 'won'],
  ['wind', 'wound', 'wound'],
  ['withdraw', 'withdrew', 'withdrawn'],
  ['write', 'wrote', 'written'],
];

/** Irregular plurals: singular -> plural. */
const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  child: 'children',
  man: 'men',
  woman: 'women',
  person: 'people',
  foot: 'feet',
  tooth: 'teeth',
  mouse: 'mice',
  goose: 'geese',
  life: 'lives',
  wife: 'wives',
  knife: 'knives',
  leaf: 'leaves',
  half: 'halves',
  wolf: 'wolves',
  shelf: 'shelves',
  thief: 'thieves',
  hero: 'heroes',
  potato: 'potatoes',
  tomato: 'tomatoes',
  fish: 'fish',
  sheep: 'sheep',
  deer: 'deer',
  crisis: 'crises',
  phenomenon: 'phenomena',
  criterion: 'criteria',
  analysis: 'analyses',
};

/** Irregular comparatives: base -> [comparative, superlative]. */
const IRREGULAR_COMPARATIVES: Readonly<Record<string, readonly [string, string]>> = {
  good: ['better', 'best'],
  bad: ['worse', 'worst'],
  far: ['further', 'furthest'],
  little: ['less', 'least'],
  many: ['more', 'most'],
};

/** Contractions learners write without the apostrophe, and sometimes misspelled besides. */
const CONTRACTIONS = [
  "don't",
  "doesn't",
  "didn't",
  "isn't",
  "wasn't",
  "aren't",
  "weren't",
  "haven't",
  "hasn't",
  "hadn't",
  "won't",
  "wouldn't",
  "shouldn't",
  "couldn't",
  "mustn't",
  "can't",
  "that's",
  "there's",
  "what's",
  "where's",
  "who's",
  "here's",
  "you're",
  "they're",
  "you've",
  "they've",
  "we've",
  "I've",
  "I'm",
  "you'll",
  "they'll",
  "would've",
  "should've",
  "could've",
];

/** Contractions by their bare form ("dont" -> "don't"). */
const BARE = new Map(CONTRACTIONS.map((c) => [c.replace("'", '').toLowerCase(), c]));
/** Regular comparatives and superlatives of irregular adjectives -> the right form ("gooder"). */
const COMPARED = new Map(
  Object.entries(IRREGULAR_COMPARATIVES).flatMap(([base, [comparative, superlative]]) => [
    [`${base}er`, comparative],
    [`${base}der`, comparative],
    [`${base}est`, superlative],
    [`${base}dest`, superlative],
  ]),
);
const CONTRACTION_SET = new Set(CONTRACTIONS.map((c) => c.toLowerCase()));

/** Whether the word (lowercase, straight apostrophe) is one of the common contractions. */
export function isContraction(lower: string): boolean {
  return CONTRACTION_SET.has(lower);
}

const BY_BASE = new Map(IRREGULAR_VERBS.map((v) => [v[0], v]));
const BY_PAST = new Map(IRREGULAR_VERBS.flatMap((v) => [[v[1], v] as const, [v[2], v] as const]));
/** Words a participle follows: "has gived" means "has given", "he gived" "he gave". */
const BEFORE_PARTICIPLE = new Set([
  'have',
  'has',
  'had',
  'having',
  'be',
  'been',
  'being',
  'is',
  'was',
  'were',
  'are',
  'got',
  "'ve",
  'not',
  'never',
  'already',
  'just',
]);

/**
 * The form a learner meant by a non-word built by the regular rule on an irregular word, or a
 * contraction missing its apostrophe: "gived" -> "gave" ("given" after "has"), "losted" ->
 * "lost", "storys" -> "stories", "childs" -> "children", "gooder" -> "better", "dosnt" ->
 * "doesn't". Undefined when the word is none of these. `previous` is the word before, if any.
 */
export function learnerForm(lower: string, previous?: string): string | undefined {
  return regularisedForm(lower, previous) ?? contraction(lower);
}

/** The right form of an irregular word built by the regular rule, if `lower` is one. */
function regularisedForm(lower: string, previous?: string): string | undefined {
  const participle = previous !== undefined && BEFORE_PARTICIPLE.has(previous.toLowerCase());
  // Past tenses: give+d, run+ned, lost+ed, gave+d.
  for (const stem of pastStems(lower)) {
    const base = BY_BASE.get(stem);
    if (base) return participle ? base[2] : base[1];
    const past = BY_PAST.get(stem);
    if (past) return stem;
  }
  // Plurals: story+s -> stories, child+s -> children.
  if (lower.length > 3 && lower.endsWith('s')) {
    const stem = lower.slice(0, -1);
    if (IRREGULAR_PLURALS[stem]) return IRREGULAR_PLURALS[stem];
    const es = lower.endsWith('es') ? IRREGULAR_PLURALS[lower.slice(0, -2)] : undefined;
    if (es) return es;
    if (/[^aeiou]ys$/.test(lower)) return `${lower.slice(0, -2)}ies`;
  }
  // Comparatives: good+er -> better.
  return COMPARED.get(lower);
}

/** Stems a past-tense ending may hide: "gived" -> give, "runned" -> run, "losted" -> lost. */
function pastStems(lower: string): string[] {
  if (!lower.endsWith('ed') || lower.length < 4) return [];
  const stems = [lower.slice(0, -1), lower.slice(0, -2)];
  if (/([b-df-hj-np-tv-z])\1ed$/.test(lower)) stems.push(lower.slice(0, -3));
  if (lower.endsWith('ied')) stems.push(`${lower.slice(0, -3)}y`);
  return stems;
}

/** A contraction typed without its apostrophe, exactly or with one letter wrong ("dosnt"). */
function contraction(lower: string): string | undefined {
  const exact = BARE.get(lower);
  if (exact) return exact;
  if (lower.length < 5) return undefined;
  // One letter wrong, but the ending right ("dosnt", not "mustt"); a letter left out first, the
  // commonest slip ("dosnt" is "doesnt" without its "e" before it is "dont" with an "s").
  const ending = lower.slice(-2);
  let near: string | undefined;
  for (const [bare, c] of BARE) {
    if (!bare.endsWith(ending) || !oneEditApart(lower, bare)) continue;
    if (bare.length > lower.length) return c;
    near ??= c;
  }
  return near;
}

/** Whether two words differ by one letter inserted, left out or replaced. */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * Whether the word is an over-regularised form of an irregular word ("gived", "childs",
 * "gooder"): such a word is never accepted as a regular inflection of a lexicon word.
 */
export function isOverRegularised(lower: string): boolean {
  return regularisedForm(lower) !== undefined;
}
