// Built by scripts/bundle.mjs: do not edit.
import { actionMain } from '../stoat/index.js';
await actionMain();
