// Built by scripts/build.mjs: do not edit.
import { actionPost } from '../stoat/index.js';
await actionPost();
