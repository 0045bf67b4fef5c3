/**
 * Every face's entry function, bundled once into dist/stoat; dist/<face>/index.js are two-line
 * files made by scripts/build.mjs that call one of them. One bundle instead of five keeps the
 * committed code and the build time small.
 */
export { actionMain } from './action/main.js';
export { actionPost } from './action/post.js';
export { actionRestore } from './action/restore.js';
export { actionSave } from './action/save.js';
export { cliMain } from './cli/main.js';
