import { extname } from 'node:path';

/** One essay as a teacher handed it in: a name (file name or given) and its text. */
export interface SubmittedEssay {
  name: string;
  text: string;
}

/** Why one essay (or the batch, under the name `(batch)`) cannot be taken. */
export interface EssayProblem {
  name: string;
  problem: string;
}

export interface EssayLimits {
  maxEssays: number;
  /** Largest text in UTF-8 bytes. */
  maxEssayBytes: number;
}

/** The text of a file, or why there is none. */
export type Extracted = { text: string } | { problem: string };

/** File types the api reads, by extension. */
export const ACCEPTED_EXTENSIONS = ['.txt', '.docx', '.pdf'] as const;

/** Bytes that plain text never holds: NUL and the C0 controls other than tab, LF, FF and CR. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
const BINARY = /[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f]/;

/**
 * Decode a text file: UTF-8 (a BOM is dropped) or UTF-16 with its BOM. Anything else is refused
 * by name rather than mangled: a Latin-1 file would otherwise turn "Café" into "Caf\uFFFD".
 */
export function decodeText(bytes: Uint8Array): Extracted {
  let text: string;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
      text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    else if (bytes[0] === 0xfe && bytes[1] === 0xff)
      text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    else text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { problem: 'is not UTF-8 text (save it as UTF-8, or upload the .docx or .pdf)' };
  }
  if (BINARY.test(text)) return { problem: 'holds binary data, not text' };
  return { text };
}

async function docxText(bytes: Uint8Array): Promise<Extracted> {
  const mammoth = await import('mammoth');
  try {
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(bytes) });
    return { text: value };
  } catch (error) {
    return { problem: `is not a readable .docx document (${(error as Error).message})` };
  }
}

async function pdfText(bytes: Uint8Array): Promise<Extracted> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  try {
    const doc = await getDocumentProxy(new Uint8Array(bytes));
    const { text } = await extractText(doc, { mergePages: true });
    return { text };
  } catch (error) {
    return { problem: `is not a readable .pdf document (${(error as Error).message})` };
  }
}

/** The text of an uploaded file by its extension (.txt, .docx, .pdf); others are refused. */
export async function extractText(name: string, bytes: Uint8Array): Promise<Extracted> {
  const ext = extname(name).toLowerCase();
  if (ext === '.txt') return decodeText(bytes);
  if (ext === '.docx') return docxText(bytes);
  if (ext === '.pdf') return pdfText(bytes);
  return {
    problem: `has an unsupported file type ${ext || '(none)'}; accepted: ${ACCEPTED_EXTENSIONS.join(', ')}`,
  };
}

/** Every problem of a batch: its size, and each essay's name, emptiness, size and bytes. */
export function problemsOf(essays: readonly SubmittedEssay[], limits: EssayLimits): EssayProblem[] {
  const problems: EssayProblem[] = [];
  if (essays.length === 0) problems.push({ name: '(batch)', problem: 'has no essays' });
  if (essays.length > limits.maxEssays)
    problems.push({
      name: '(batch)',
      problem: `has ${essays.length} essays; at most ${limits.maxEssays} are allowed`,
    });
  essays.forEach((essay, i) => {
    const name = essay.name.trim() === '' ? `(essay ${i + 1})` : essay.name;
    if (essay.name.trim() === '') problems.push({ name, problem: 'has no name' });
    else if (essay.name.length > 200)
      problems.push({ name: `${name.slice(0, 200)}…`, problem: 'has a name over 200 characters' });
    if (essay.text.trim() === '') problems.push({ name, problem: 'is empty' });
    const bytes = Buffer.byteLength(essay.text, 'utf8');
    if (bytes > limits.maxEssayBytes)
      problems.push({
        name,
        problem: `is ${bytes} bytes of text; at most ${limits.maxEssayBytes} are allowed`,
      });
    if (BINARY.test(essay.text)) problems.push({ name, problem: 'holds binary data, not text' });
  });
  return problems;
}
