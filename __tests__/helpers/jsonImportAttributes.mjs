/**
 * A jest transform for GitHub's workflow parser and language service, which import their JSON schemas
 * as `import schema from "./x.json"` without `with { type: "json" }`: bundlers and tsx accept that,
 * Node's ESM loader refuses it, and jest only warns today ("a hard error in the next major"). The
 * transform adds the attribute to those static imports and changes nothing else.
 */
const jsonImport = /^(import\s+\w+\s+from\s+(["'])[^"']+\.json\2)\s*;/gm;

export default {
  process(source) {
    return { code: source.replace(jsonImport, '$1 with { type: "json" };') };
  },
};
