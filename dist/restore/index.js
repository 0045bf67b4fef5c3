// Built by scripts/bundle.mjs: do not edit.
import { actionRestore } from '../stoat/index.js';
await actionRestore();
