#!/usr/bin/env node
// Built by scripts/build.mjs: do not edit.
import { cliMain } from '../stoat/index.js';
await cliMain();
