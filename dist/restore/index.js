// Built by scripts/build.mjs: do not edit.
import { actionRestore } from '../stoat/index.js';
await actionRestore();
