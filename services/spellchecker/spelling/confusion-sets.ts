/**
 * Real words learners write for one another (their/there, then/than, its/it's, could of/could
 * have...), curated for this project from the errors teachers of English see most (public
 * domain). Each word of a set is checked against the others in its sentence; only strong
 * evidence changes it (`SpellingEngine`'s context threshold).
 */
export const CONFUSION_SETS: readonly (readonly string[])[] = [
  ['there', 'their', "they're"],
  ['than', 'then'],
  ['its', "it's"],
  ['your', "you're"],
  ['were', 'where', "we're"],
  ['to', 'too'],
  ['affect', 'effect'],
  ['lose', 'loose'],
  ['whose', "who's"],
  ['weather', 'whether'],
  ['quite', 'quiet'],
  ['past', 'passed'],
  ['accept', 'except'],
  ['know', 'no'],
  ['new', 'knew'],
  ['of', 'off'],
  ['our', 'are'],
  ['lead', 'led'],
  ['advice', 'advise'],
  ['choose', 'chose'],
  ['breath', 'breathe'],
];

/** After these, "of" is "have" misheard ("could of been"): the only context "of" is checked in. */
export const MODALS: ReadonlySet<string> = new Set([
  'could',
  'would',
  'should',
  'must',
  'might',
  'may',
]);

/** How a contraction reads in the n-gram data, which has no apostrophes. */
export const EXPANSIONS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  "it's": [
    ['it', 'is'],
    ['it', 'has'],
  ],
  "you're": [['you', 'are']],
  "they're": [['they', 'are']],
  "we're": [['we', 'are']],
  "who's": [
    ['who', 'is'],
    ['who', 'has'],
  ],
};

const SET_OF = new Map<string, Set<string>>();
for (const set of CONFUSION_SETS)
  for (const word of set) {
    const others = SET_OF.get(word) ?? new Set<string>();
    for (const other of set) if (other !== word) others.add(other);
    SET_OF.set(word, others);
  }

/**
 * Whether replacing `original` with `replacement` is a change between words learners confuse
 * ("their" -> "there", "of" -> "have"): what the engine's context corrections look like to a
 * report that has only the two texts.
 */
export function isConfusedPair(original: string, replacement: string): boolean {
  const a = original.toLowerCase().replace(/\u2019/g, "'");
  const b = replacement.toLowerCase().replace(/\u2019/g, "'");
  return (a === 'of' && b === 'have') || (SET_OF.get(a)?.has(b) ?? false);
}

/** One way to read a position: the word written there, and its word ids in the n-gram data. */
export interface Reading {
  word: string;
  /** Each way the word reads in the data ("it's": "it is", "it has"), as word ids. */
  expansions: readonly (readonly number[])[];
}

/**
 * For every word of a confusion set: its own reading first, then its alternatives. Words the
 * lexicon lacks are left out.
 */
export function confusionsOf(idOf: ReadonlyMap<string, number>): Map<string, Reading[]> {
  const reading = (word: string): Reading | undefined => {
    const spelled = EXPANSIONS[word] ?? [[word]];
    const expansions = spelled.map((words) => words.map((w) => idOf.get(w) ?? -1));
    return expansions.every((ids) => ids.every((id) => id >= 0)) ? { word, expansions } : undefined;
  };
  const out = new Map<string, Reading[]>();
  for (const set of CONFUSION_SETS)
    for (const word of set) {
      const own = reading(word);
      if (!own) continue;
      const readings = out.get(word) ?? [own];
      for (const other of set) {
        if (other === word || readings.some((r) => r.word === other)) continue;
        const alt = reading(other);
        if (alt) readings.push(alt);
      }
      out.set(word, readings);
    }
  return out;
}

/**
 * For each change "written>meant": the log odds by which "meant" must fit its sentence better
 * than "written" to replace it. Tuned on the development set's even years (`npm run
 * tune:context`); a change without an entry is never made.
 */
export const CONTEXT_THRESHOLDS: ReadonlyMap<string, number> = new Map([
  ['accept>except', 1],
  ['advise>advice', 1],
  ['affect>effect', 1],
  ['are>our', 1.5],
  ['effect>affect', 1],
  ['except>accept', 1],
  ["it's>its", 2],
  ["its>it's", 1.75],
  ['knew>new', 1],
  ['lead>led', 2],
  ['led>lead', 1],
  ['loose>lose', 1],
  ['no>know', 2.5],
  ['of>have', 2.5],
  ['of>off', 1],
  ['our>are', 5.25],
  ['passed>past', 1],
  ['past>passed', 1],
  ['quiet>quite', 1],
  ['than>then', 1],
  ['their>there', 2.25],
  ["their>they're", 2.75],
  ['then>than', 1.25],
  ['there>their', 1],
  ["there>they're", 3],
  ['to>too', 1.25],
  ['too>to', 5],
  ['weather>whether', 1.5],
  ['were>where', 1],
  ['where>were', 2.75],
  ["who's>whose", 1],
  ["you're>your", 1],
  ["your>you're", 1],
]);
