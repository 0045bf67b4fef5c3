/**
 * How the store's keys become the keys of a backend with naming rules of its own, and back. The
 * GitHub Actions cache takes keys of at most 512 characters, without commas, and matches them
 * regardless of case, so the store's keys (which may hold an output path of any length and case)
 * cannot be used as they are. What a key becomes is part of the layout, which only store/layout.ts
 * decides: it writes the naming, and the backend is handed it when it is opened.
 */
export interface KeyNaming {
  /** The backend's key for a key of the store, or for a prefix of one that ends in `/`. */
  toBackend(key: string): string;
  /**
   * The store's key for a backend key found under `toBackend(prefix)`, or undefined when the
   * backend key is not one the naming makes (so it cannot be the object asked for).
   */
  fromBackend(prefix: string, backendKey: string): string | undefined;
}
