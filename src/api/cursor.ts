import { ApiError } from "./errors.ts";

/** Encodes a keyset position (strings only) as an opaque URL-safe cursor. */
export function encodeCursor(position: readonly string[]): string {
	return Buffer.from(JSON.stringify(position)).toString("base64url");
}

/**
 * Decodes a cursor made by {@link encodeCursor} into `size` strings, each checked by `valid`.
 * @throws ApiError 400 `invalid_cursor` (field `cursor`) for anything else.
 */
export function decodeCursor(cursor: string, size: number, valid: (part: string, index: number) => boolean): string[] {
	let parts: unknown;
	try {
		parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
	} catch {
		parts = null;
	}
	if (!Array.isArray(parts) || parts.length !== size || !parts.every((p, i) => typeof p === "string" && valid(p, i))) {
		throw new ApiError(400, "invalid_cursor", "The cursor is not one this API returned.", "cursor");
	}
	return parts as string[];
}

/** Checks used by cursors. */
export const isInteger = (value: string, maxDigits = 18) => new RegExp(`^-?\\d{1,${maxDigits}}$`).test(value);
export const isLowerAddress = (value: string) => /^0x[0-9a-f]{40}$/.test(value);
