// Built by scripts/build.mjs: do not edit.
import { actionMain } from '../stoat/index.js';
await actionMain();
