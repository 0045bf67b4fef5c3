#!/usr/bin/env node
// Built by scripts/bundle.mjs: do not edit.
import { cliMain } from '../stoat/index.js';
await cliMain();
