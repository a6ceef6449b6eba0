/**
 * @module pricing/load-aggregates
 * Reading `PRICING_FILE` / `SETTINGS_FILE`: JSON in the format of Aleph's
 * `pricing` / `settings` aggregates, either one aggregate object or an array of
 * elements merged top-level key by key. The caller passes the path (no env read here).
 */
import { readFileSync } from "node:fs";
import {
	getDefaultPricing,
	getDefaultSettings,
	type Pricing,
	parsePricingAggregate,
	parseSettingsAggregate,
	type Settings,
} from "./aggregates.ts";
import type { Result } from "./result.ts";

function readJson(path: string, what: string): unknown {
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch (error) {
		throw new Error(`${what} file ${path}: cannot be read (${(error as Error).message})`);
	}
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new Error(`${what} file ${path}: not valid JSON (${(error as Error).message})`);
	}
}

function orThrow<T>(result: Result<T>, path: string, what: string): T {
	if (result.ok) return result.value;
	const field = result.error.field ? `field "${result.error.field}"` : "content";
	throw new Error(`${what} file ${path}: invalid ${field}: ${result.error.message}`);
}

/**
 * Loads the pricing aggregate from a JSON file, or returns the built-in default
 * when `path` is undefined or empty.
 * @throws Error naming the file and the offending field.
 */
export function loadPricing(path?: string): Pricing {
	if (path === undefined || path === "") return getDefaultPricing();
	return orThrow(parsePricingAggregate(readJson(path, "pricing")), path, "pricing");
}

/**
 * Loads the settings aggregate from a JSON file, or returns the built-in default
 * when `path` is undefined or empty.
 * @throws Error naming the file and the offending field.
 */
export function loadSettings(path?: string): Settings {
	if (path === undefined || path === "") return getDefaultSettings();
	return orThrow(parseSettingsAggregate(readJson(path, "settings")), path, "settings");
}
