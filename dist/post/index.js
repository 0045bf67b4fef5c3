// Built by scripts/bundle.mjs: do not edit.
import { actionPost } from '../stoat/index.js';
await actionPost();
