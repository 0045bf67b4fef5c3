// Built by scripts/build.mjs: do not edit.
import { actionSave } from '../stoat/index.js';
await actionSave();
