// Built by scripts/bundle.mjs: do not edit.
import { actionSave } from '../stoat/index.js';
await actionSave();
