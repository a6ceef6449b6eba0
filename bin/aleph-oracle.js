#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (a runtime dependency), so the package needs no build step.
import { register } from "tsx/esm/api";

register();
await import("./cli.ts");
