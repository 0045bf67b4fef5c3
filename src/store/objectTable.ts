/** The size an object must have for the manifests that use it: exactly a blob's file, at least a pack's furthest member. */
export interface ObjectNeed {
  exact?: number;
  atLeast: number;
}

/**
 * Every blob and pack key a walk has met, each once and with a number. Results keep numbers, four
 * bytes each, not strings: the results of one output point into the same packs again and again
 * (hundreds each after many small changes), and what a walk keeps for the whole store is what
 * decides how far the garbage collector lets the heap grow before it looks.
 */
export class ObjectTable {
  readonly keys: string[] = [];
  /** By number: what the usable manifests need of the object; undefined when none uses it. */
  readonly needs: (ObjectNeed | undefined)[] = [];
  private readonly numbers = new Map<string, number>();

  numberOf(key: string): number {
    let number = this.numbers.get(key);
    if (number === undefined) {
      number = this.keys.length;
      this.numbers.set(key, number);
      this.keys.push(key);
      this.needs.push(undefined);
    }
    return number;
  }

  /** The object's number, or undefined when no manifest read names it. */
  find(key: string): number | undefined {
    return this.numbers.get(key);
  }

  /** Records that a usable manifest needs object `number` to have at least (or exactly) a size. */
  need(number: number, size: { exact?: number; atLeast: number }): void {
    const need = (this.needs[number] ??= { atLeast: 0 });
    if (size.exact !== undefined) need.exact = size.exact;
    need.atLeast = Math.max(need.atLeast, size.atLeast);
  }

  keysOf(numbers: Iterable<number>): string[] {
    return Array.from(numbers, (number) => this.keys[number]!);
  }
}
