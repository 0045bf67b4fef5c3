import { IntegrityError } from './errors.js';

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const colon = 0x3a;
const openObject = 0x7b;
const closeObject = 0x7d;
const openList = 0x5b;
const closeList = 0x5d;

const isWhitespace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** Longer than any spelling of "files", escapes included: a longer key is not it, and is not kept. */
const longestKeyKept = 64;

/**
 * Splits a manifest's JSON, given in pieces as it is read, into the entries of its top-level
 * "files" list, handed over one at a time as their text, and the rest of the manifest, with that
 * list left empty. A manifest of 100,000 files is 20 MB of text: parsed whole, the text, its
 * decoded string and a parsed object per file were all alive at once, beside the checked files.
 * Here each entry's text is short-lived, and only the rest is parsed as a whole.
 *
 * It follows only strings, nesting and the top-level keys. Whether the text is valid JSON is left
 * to whoever parses the pieces: every byte ends up in an entry or in the rest, so nothing escapes
 * the parser, except the commas between entries, which are checked here.
 */
export class ManifestScanner {
  private readonly decoder = new TextDecoder();
  private readonly rest: Uint8Array[] = [];
  private entry: Uint8Array[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  private topIsObject = false;
  /** At depth 1 of the top object: whether the next string is a key, and whether a value is due. */
  private keyDue = false;
  private valueDue = false;
  private key: number[] | undefined;
  private lastKey = '';
  private filesKeys = 0;
  /** Inside the top-level "files" list, and whether an entry has begun since its last comma. */
  private inFiles = false;
  private entryBegun = false;
  private entries = 0;
  private emptyEntry = false;

  constructor(private readonly onEntry: (text: string) => void) {}

  push(chunk: Uint8Array): void {
    // Bytes are copied to the rest or to the current entry in runs, not one at a time.
    let runStart = 0;
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index]!;
      if (this.inString) {
        this.stringByte(byte);
        continue;
      }
      if (this.inFiles && this.depth === 2 && (byte === comma || byte === closeList)) {
        this.entry.push(chunk.subarray(runStart, index));
        this.endEntry(byte === closeList);
        runStart = index;
        if (byte === comma) runStart = index + 1;
        else this.inFiles = false;
        if (byte === closeList) this.depth = 1;
        continue;
      }
      if (this.inFiles && this.depth === 2 && !isWhitespace(byte)) this.entryBegun = true;
      const opensFiles = this.structuralByte(byte);
      if (opensFiles) {
        // The rest keeps the list's opening bracket; its entries go elsewhere.
        this.rest.push(chunk.slice(runStart, index + 1));
        runStart = index + 1;
      }
    }
    const tail = chunk.subarray(runStart);
    if (this.inFiles) this.entry.push(tail.slice());
    else this.rest.push(tail.slice());
  }

  /** The rest of the manifest as text, with `"files": []`, once every piece has been pushed. */
  finish(): string {
    if (this.emptyEntry) throw new SyntaxError('the files list has an empty entry (two commas in a row, or one before its end)');
    if (this.filesKeys > 1) throw new IntegrityError('the manifest has more than one "files" list');
    return this.decoder.decode(concatenate(this.rest));
  }

  private stringByte(byte: number): void {
    if (this.escaped) this.escaped = false;
    else if (byte === backslash) this.escaped = true;
    else if (byte === quote) {
      this.inString = false;
      if (this.key !== undefined) this.endKey();
      return;
    }
    if (this.key !== undefined && this.key.length <= longestKeyKept) this.key.push(byte);
  }

  /** Follows nesting and the top-level keys; true when the byte opens the top-level "files" list. */
  private structuralByte(byte: number): boolean {
    const atTop = this.depth === 1 && this.topIsObject;
    if (atTop && this.valueDue && !isWhitespace(byte)) {
      this.valueDue = false;
      if (byte === openList && this.lastKey === 'files' && this.filesKeys === 1) {
        this.depth = 2;
        this.inFiles = true;
        this.entryBegun = false;
        return true;
      }
    }
    if (byte === quote) {
      this.inString = true;
      if (atTop && this.keyDue) {
        this.key = [];
        this.keyDue = false;
      }
    } else if (byte === openObject || byte === openList) {
      if (this.depth === 0) this.topIsObject = byte === openObject;
      this.depth++;
      if (this.depth === 1) this.keyDue = true;
    } else if (byte === closeObject || byte === closeList) {
      this.depth--;
    } else if (atTop && byte === comma) {
      this.keyDue = true;
    } else if (atTop && byte === colon) {
      this.valueDue = true;
    }
    return false;
  }

  private endKey(): void {
    const bytes = this.key!;
    this.key = undefined;
    let name = '';
    if (bytes.length <= longestKeyKept) {
      try {
        name = JSON.parse(`"${this.decoder.decode(Uint8Array.from(bytes))}"`) as string;
      } catch {
        // Not a valid string: parsing the rest will say so.
      }
    }
    this.lastKey = name;
    if (name === 'files') this.filesKeys++;
  }

  private endEntry(atEnd: boolean): void {
    const pieces = this.entry;
    this.entry = [];
    if (!this.entryBegun) {
      // `[]` is an empty list; `[,` `,,` and `,]` are holes, which JSON does not have.
      if (!atEnd || this.entries > 0) this.emptyEntry = true;
      return;
    }
    this.entryBegun = false;
    this.entries++;
    this.onEntry(this.decoder.decode(concatenate(pieces)));
  }
}

function concatenate(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const whole = new Uint8Array(pieces.reduce((total, piece) => total + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    whole.set(piece, offset);
    offset += piece.length;
  }
  return whole;
}
